"""Translation of replies by a second model (any `provider/model`); shown beside the original, never instead."""

from __future__ import annotations

from llmworks import llm

LANGUAGES = ["Spanish", "French", "German", "Italian", "Portuguese", "Japanese", "Chinese", "Hindi", "Arabic"]


def translate(text: str, language: str, *, model: str | llm.Model | None = None) -> str:
    """`text` in `language`, by `model` (None: the default model)."""
    language = language.strip()
    if not language:
        raise llm.LLMError("Pick a language to translate into, e.g. 'Spanish'.")
    if not text.strip():
        return ""
    system = (
        f"You are a translator. Translate the user's text into {language}. Reply with the translation only, "
        "keeping names, prices, dates and confirmation codes exactly as written."
    )
    budget = max(64, 3 * llm.count_tokens(text, model))  # translations run longer than the source
    return llm.chat(text, model=model, system=system, temperature=0.0, max_tokens=budget).text.strip()
