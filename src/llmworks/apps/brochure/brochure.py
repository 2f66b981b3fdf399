"""The brochure pipeline: landing page → model-chosen links → those pages → a streamed markdown brochure.

`run` is an app (see `llmworks.events`): it says which page it is reading and streams the brochure as it is
written; its Done carries a `Brochure` and the usage of both model calls (link choice and writing).

    for event in run("Acme", "https://acme.example"): ...      # Progress…, Delta…, Done(Brochure)
    write_brochure("Acme", "https://acme.example").text       # the brochure alone
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from llmworks import events, llm, web
from llmworks.events import Delta, Done, Event, Progress, app

from .links import MAX_LINKS, LinkChoice, select_links

TONES = {
    "professional": "Write in a confident, professional tone.",
    "humorous": "Write in a light, humorous and entertaining tone, but keep every fact right.",
}
REPLY_TOKENS = 700
TONE, LANGUAGE = "professional", "English"
MAX_PROMPT_TOKENS = 6000  # enough for the gist of five pages; keeps a small local model fast and focused

SYSTEM = (
    "You are an assistant that reads several pages of a company's web site and writes a short brochure about the "
    "company for prospective customers, investors and recruits. Respond in markdown. Use only facts from the "
    "pages: what the company does, its products, its history and culture, and jobs if there are any."
)


@dataclass(frozen=True)
class Brochure:
    text: str
    """The brochure, in markdown."""
    links: list[LinkChoice] = field(default_factory=list)
    """The links the model chose (checked: on the landing page, allowed)."""
    pages: list[web.Page] = field(default_factory=list)
    """The pages read: the landing page first, then the chosen ones that could be read."""
    response: llm.Response | None = None
    """The writing call: model, timing, why it ended (Done.usage has both calls' tokens and cost)."""


@app
def run(
    company: str,
    url: str,
    *,
    model: str | llm.Model | None = None,
    tone: str = TONE,
    language: str | None = LANGUAGE,
    max_links: int | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    fetch: Callable[[str], web.Page] = web.fetch,
) -> Iterator[Event]:
    """Run the pipeline, yielding Progress, then Delta per chunk of the brochure, then Done(Brochure)."""
    if tone not in TONES:
        raise llm.LLMError(f"Unknown tone {tone!r}; choose one of: {', '.join(TONES)}.")
    company = company.strip()
    if not company:
        raise llm.LLMError('Give the company\'s name, e.g. llmworks brochure "Hugging Face" https://huggingface.co')
    language = (language or "").strip() or LANGUAGE
    max_links = MAX_LINKS if max_links is None else max_links
    max_tokens = max_tokens or REPLY_TOKENS
    m = llm.get_model(model)

    yield Progress(f"Reading {url}")
    landing = fetch(url)  # a landing page that cannot be read ends the run with its FetchError
    yield Progress(f"Choosing relevant links among {len(landing.links)} on the page ({m.name})")
    links = select_links(landing, model=m, max_links=max_links)
    if links:
        yield Progress("Chose: " + ", ".join(f"{c.type} {c.url}" for c in links))
    else:
        yield Progress("No relevant links chosen: writing from the landing page alone", warning=True)

    pages = [landing]
    for choice in links:
        yield Progress(f"Reading {choice.type} page {choice.url}")
        try:
            pages.append(fetch(choice.url))
        except web.FetchError as e:  # one broken sub-page should not sink the brochure
            yield Progress(f"Skipped {choice.url}: {e}", warning=True)

    messages = brochure_messages(company, pages, tone=tone, language=language, model=m, max_tokens=max_tokens)
    yield Progress(f"Writing the brochure from {len(pages)} page(s)")
    stream = llm.stream(messages, model=m, temperature=temperature, max_tokens=max_tokens)
    for delta in stream:
        yield Delta(delta)
    response = stream.response
    yield Done(Brochure(response.text if response else "", links, pages, response))


def write_brochure(company: str, url: str, **options) -> Brochure:
    """The brochure alone, without the progress (options as for `run`)."""
    return events.result(run(company, url, **options))


def brochure_messages(
    company: str,
    pages: list[web.Page],
    *,
    tone: str = TONE,
    language: str = LANGUAGE,
    model: str | llm.Model | None = None,
    max_tokens: int = REPLY_TOKENS,
) -> list[llm.Message]:
    """System + user prompt with every page clipped to an equal share of the model's context window."""
    m = llm.get_model(model)
    budget = MAX_PROMPT_TOKENS
    if m.context_window:
        budget = min(budget, m.context_window - max_tokens - 600)
    share = max(100, budget // max(1, len(pages)))
    sections = []
    for page in pages:
        text = page.clipped(web.chars_for_tokens(page.text, share, m.count_tokens))
        sections.append(f"## {page.title or page.url}\n({page.url})\n\n{text}")
    instructions = f"{TONES[tone]} Write the brochure in {language}. Start with the company's name as a heading."
    user = (
        f"You are looking at a company called: {company}.\n"
        f"Here are the contents of its landing page and other relevant pages:\n\n"
        + "\n\n".join(sections)
        + f"\n\nWrite a short brochure about {company} in markdown. {instructions}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
