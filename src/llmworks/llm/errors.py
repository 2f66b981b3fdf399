"""Errors shown to the user: each message says what went wrong and how to fix it, never a secret."""

from __future__ import annotations

from ..errors import LlmworksError


class LLMError(LlmworksError):
    """A model-layer failure whose message is meant to be displayed to the user (optional `hint`: the fix)."""


class UnknownModelError(LLMError):
    pass


class MissingKeyError(LLMError):
    pass


class ContextWindowError(LLMError):
    def __init__(self, model: str, tokens: int, window: int, *, estimated: bool = False):
        self.tokens, self.window = tokens, window
        about = "about " if estimated else ""
        super().__init__(
            f"Prompt too long for {model}: {about}{tokens:,} tokens, but its context window is {window:,}. "
            "Shorten the input or pick a model with a larger window (llmworks models)."
        )


class ProviderError(LLMError):
    """The provider answered with an error (after retries, where retrying made sense)."""

    def __init__(self, message: str, *, status_code: int | None = None, model: str | None = None):
        self.status_code, self.model = status_code, model
        super().__init__(message)


class NetworkError(LLMError):
    """The provider could not be reached at all."""


class ModelOutputError(LLMError):
    """The model's output did not validate (e.g. not the requested JSON schema)."""


class ToolError(Exception):
    """Raised inside a tool to send a message back to the model ("Error: …") instead of a result."""
