"""The brochure pipeline: landing page → model-chosen links → those pages → a streamed markdown brochure.

`create_brochure` is a generator of events so the CLI and the UI can show progress (which page is being read)
and the brochure as it is written:

    for event in create_brochure("Acme", "https://acme.example"):
        if isinstance(event, Progress): print(event.message)
        elif isinstance(event, Delta): print(event.text, end="")
        elif isinstance(event, Done): print(event.response.usage)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from llmworks import llm, web

from .links import LinkChoice, select_links

TONES = {
    "professional": "Write in a confident, professional tone.",
    "humorous": "Write in a light, humorous and entertaining tone, but keep every fact right.",
}
REPLY_TOKENS = 700
MAX_PROMPT_TOKENS = 6000  # enough for the gist of five pages; keeps a small local model fast and focused

SYSTEM = (
    "You are an assistant that reads several pages of a company's web site and writes a short brochure about the "
    "company for prospective customers, investors and recruits. Respond in markdown. Use only facts from the "
    "pages: what the company does, its products, its history and culture, and jobs if there are any."
)


@dataclass
class Progress:
    message: str


@dataclass
class Delta:
    text: str


@dataclass
class Done:
    text: str
    response: llm.Response | None
    links: list[LinkChoice] = field(default_factory=list)
    pages: list[web.Page] = field(default_factory=list)


Event = Progress | Delta | Done


def create_brochure(
    company: str,
    url: str,
    *,
    model: str | llm.Model | None = None,
    tone: str = "professional",
    language: str = "English",
    max_links: int = 5,
    temperature: float | None = None,
    max_tokens: int = REPLY_TOKENS,
    fetch: Callable[[str], web.Page] = web.fetch,
) -> Iterator[Event]:
    """Run the pipeline, yielding Progress, then Delta per chunk of the brochure, then one Done."""
    if tone not in TONES:
        raise llm.LLMError(f"Unknown tone {tone!r}; choose one of: {', '.join(TONES)}.")
    company = company.strip()
    if not company:
        raise llm.LLMError("Give the company's name, e.g. llmworks brochure \"Hugging Face\" https://huggingface.co")
    m = llm.get_model(model)

    yield Progress(f"Reading {url}")
    landing = fetch(url)  # a landing page that cannot be read ends the run with its FetchError
    yield Progress(f"Choosing relevant links among {len(landing.links)} on the page ({m.name})")
    links = select_links(landing, model=m, max_links=max_links)
    if links:
        yield Progress("Chose: " + ", ".join(f"{c.type} {c.url}" for c in links))
    else:
        yield Progress("No relevant links chosen: writing from the landing page alone")

    pages = [landing]
    for choice in links:
        yield Progress(f"Reading {choice.type} page {choice.url}")
        try:
            pages.append(fetch(choice.url))
        except web.FetchError as e:  # one broken sub-page should not sink the brochure
            yield Progress(f"Skipped {choice.url}: {e}")

    messages = brochure_messages(company, pages, tone=tone, language=language, model=m, max_tokens=max_tokens)
    yield Progress(f"Writing the brochure from {len(pages)} page(s)")
    stream = llm.stream(messages, model=m, temperature=temperature, max_tokens=max_tokens)
    for delta in stream:
        yield Delta(delta)
    response = stream.response
    yield Done(text=response.text if response else "", response=response, links=links, pages=pages)


def brochure_messages(company: str, pages: list[web.Page], *, tone: str = "professional", language: str = "English",
                      model: str | llm.Model | None = None, max_tokens: int = REPLY_TOKENS) -> list[llm.Message]:
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
