"""Prompt and budget for summarising one page; the page comes from `llmworks.web`, the model from `llmworks.llm`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from llmworks import events, llm, web
from llmworks.events import Delta, Done, Event, Progress, app

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
STYLE = "neutral"


@dataclass(frozen=True)
class Summary:
    text: str
    """The summary, in markdown."""
    page: web.Page
    response: llm.Response | None = None
    """The summary call: model, timing, why it ended."""


def check_style(style: str) -> None:
    if style not in STYLES:
        raise llm.LLMError(f"Unknown style {style!r}; choose one of: {', '.join(STYLES)}.")


def summary_messages(
    page: web.Page, *, style: str = STYLE, max_page_tokens: int = MAX_PAGE_TOKENS, model: str | llm.Model | None = None
) -> list[llm.Message]:
    check_style(style)
    m = llm.get_model(model)
    text = page.clipped(web.chars_for_tokens(page.text, max_page_tokens, m.count_tokens))
    user = (
        f"The web page is titled {page.title or '(no title)'!r} ({page.url}).\n"
        f"Its contents:\n\n{text}\n\n{STYLES[style]}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


@app
def run(
    url: str,
    *,
    model: str | llm.Model | None = None,
    style: str = STYLE,
    temperature: float | None = None,
    max_tokens: int | None = None,
    fetch: Callable[[str], web.Page] = web.fetch,
) -> Iterator[Event]:
    """Fetch `url` (FetchError if it is unusable) and stream its summary; Done carries a Summary."""
    check_style(style)  # before the fetch: a typo should not cost a download
    yield Progress(f"Reading {url}")
    page = fetch(url)
    summary = yield from _write(page, model=model, style=style, temperature=temperature, max_tokens=max_tokens)
    yield Done(summary)


@app
def summarize_page(
    page: web.Page,
    *,
    model: str | llm.Model | None = None,
    style: str = STYLE,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Iterator[Event]:
    """`run` for a page already fetched."""
    summary = yield from _write(page, model=model, style=style, temperature=temperature, max_tokens=max_tokens)
    yield Done(summary)


def summarize(url: str, **options) -> Summary:
    """The summary of `url`, without the progress (options as for `run`)."""
    return events.result(run(url, **options))


def _write(page: web.Page, *, model, style: str, temperature: float | None, max_tokens: int | None) -> Iterator[Event]:
    max_tokens = max_tokens or REPLY_TOKENS
    m = llm.get_model(model)
    budget = MAX_PAGE_TOKENS
    if m.context_window:  # room for the instructions and the reply
        budget = min(budget, m.context_window - max_tokens - 400)
    messages = summary_messages(page, style=style, max_page_tokens=budget, model=m)
    yield Progress(f"Summarizing {page.title or page.url!r} ({len(page.text):,} characters)")
    stream = llm.stream(messages, model=m, temperature=temperature, max_tokens=max_tokens)
    for delta in stream:
        yield Delta(delta)
    response = stream.response
    return Summary(response.text if response else "", page, response)
