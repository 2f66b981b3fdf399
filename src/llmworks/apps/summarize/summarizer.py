"""Prompt and budget for summarising one page; the page comes from `llmworks.web`, the model from `llmworks.llm`."""

from __future__ import annotations

from collections.abc import Callable

from llmworks import llm, web

SYSTEM = (
    "You are an assistant that reads the contents of a web page and writes a short summary of it in markdown. "
    "Ignore navigation, cookie banners and footers. Use only facts from the page; never invent any."
)
STYLES = {
    "neutral": "Write a neutral, factual summary: a one-line headline, then 3 to 5 bullet points.",
    "snarky": "Write a witty, slightly snarky summary: a one-line headline, then 3 to 5 bullet points with jokes, "
              "but keep every fact right.",
    "bullets": "Write only 5 short bullet points, one fact each.",
    "eli5": "Explain what the page says as if to a curious ten-year-old, in one short paragraph.",
}
MAX_PAGE_TOKENS = 6000  # a summary needs the gist, not the whole page: keeps small local models fast and on topic
REPLY_TOKENS = 500


def summary_messages(page: web.Page, *, style: str = "neutral", max_page_tokens: int = MAX_PAGE_TOKENS,
                     model: str | llm.Model | None = None) -> list[llm.Message]:
    if style not in STYLES:
        raise llm.LLMError(f"Unknown style {style!r}; choose one of: {', '.join(STYLES)}.")
    m = llm.get_model(model)
    text = page.clipped(web.chars_for_tokens(page.text, max_page_tokens, m.count_tokens))
    user = (
        f"The web page is titled {page.title or '(no title)'!r} ({page.url}).\n"
        f"Its contents:\n\n{text}\n\n{STYLES[style]}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def summarize_page(page: web.Page, *, model: str | llm.Model | None = None, style: str = "neutral",
                   temperature: float | None = None, max_tokens: int = REPLY_TOKENS) -> llm.Stream:
    """A stream of the summary's markdown deltas; `.response` has usage and cost once consumed."""
    m = llm.get_model(model)
    budget = MAX_PAGE_TOKENS
    if m.context_window:  # room for the instructions and the reply
        budget = min(budget, m.context_window - max_tokens - 400)
    messages = summary_messages(page, style=style, max_page_tokens=budget, model=m)
    return llm.stream(messages, model=m, temperature=temperature, max_tokens=max_tokens)


def summarize(url: str, *, model: str | llm.Model | None = None, style: str = "neutral",
              temperature: float | None = None, max_tokens: int = REPLY_TOKENS,
              fetch: Callable[[str], web.Page] = web.fetch) -> llm.Stream:
    """Fetch `url` (FetchError if it is unusable) and stream its summary."""
    return summarize_page(fetch(url), model=model, style=style, temperature=temperature, max_tokens=max_tokens)

