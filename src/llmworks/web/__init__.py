"""Safe web fetching and readable-text extraction for the apps that read pages (summarizer, brochure).

    page = fetch("https://example.com")       # -> Page(url, title, text, links); FetchError with a clear message
    page.text, page.links[0].url              # main text without menus; absolute links

Public hosts only unless LLMWORKS_ALLOW_PRIVATE_URLS=1 (or allow_private=True); see `fetcher.py` for the limits.
"""

from __future__ import annotations

from .errors import (
    BlockedAddressError,
    BotWallError,
    EmptyPageError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    NotHTMLError,
    PageTooLargeError,
)
from .extract import Link, Page, chars_for_tokens, clip_text, parse_html
from .fetcher import MAX_BYTES, MAX_REDIRECTS, TIMEOUT_S, USER_AGENT, check_host, fetch_raw

__all__ = [
    "USER_AGENT",
    "BlockedAddressError",
    "BotWallError",
    "EmptyPageError",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "Link",
    "NotHTMLError",
    "Page",
    "PageTooLargeError",
    "chars_for_tokens",
    "check_host",
    "clip_text",
    "fetch",
    "fetch_raw",
    "parse_html",
]


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool | None = None,
) -> Page:
    """Fetch `url` and extract its readable text, title and links; raise FetchError (or a subclass) if unusable."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url  # people type "example.com"
    raw = fetch_raw(url, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects, allow_private=allow_private)
    return parse_html(raw.body, raw.url, charset=raw.charset)
