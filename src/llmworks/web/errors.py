"""Why a page could not be used: each message names the URL and what to do about it."""

from __future__ import annotations

from ..llm.errors import LLMError


class FetchError(LLMError):
    """A page could not be fetched or holds nothing worth reading (shown to the user as is)."""

    def __init__(self, message: str, *, url: str = ""):
        self.url = url
        super().__init__(message)


class BlockedAddressError(FetchError):
    """The URL points at a private, loopback or link-local address (server-side request forgery guard)."""


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, url: str = "", status_code: int = 0):
        self.status_code = status_code
        super().__init__(message, url=url)


class FetchTimeoutError(FetchError):
    pass


class NotHTMLError(FetchError):
    pass


class PageTooLargeError(FetchError):
    pass


class EmptyPageError(FetchError):
    """The page has (almost) no readable text, e.g. it is drawn by JavaScript."""


class BotWallError(FetchError):
    """The site answered with a bot check, captcha or 'enable JavaScript' page instead of its content."""
