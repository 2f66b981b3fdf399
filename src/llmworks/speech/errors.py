"""Speech errors: user-facing, so each message says how to fix it."""

from __future__ import annotations

from llmworks.llm.errors import LLMError


class SpeechError(LLMError):
    """Audio could not be read, or a speech model is missing."""
