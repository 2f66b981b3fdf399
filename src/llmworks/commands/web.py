"""Commands for the web and chat apps: summarize, brochure, tutor, store, debate.

Markdown goes to stdout as it streams (pipe it to a file); progress and the tokens/cost line go to stderr.
"""

from __future__ import annotations

from typing import Optional

import typer

from ..text import one_line, printable
from .core import usage_line
from .repl import repl

MODEL_HELP = "provider/model (default: LLMWORKS_MODEL or local/smollm2; see `llmworks models`)"


def register(app: typer.Typer) -> None:
    app.command("summarize")(summarize)
    app.command("brochure")(brochure)
    app.command("tutor")(tutor)
    app.command("store")(store)
    app.command("debate")(debate)


def summarize(
    url: str = typer.Argument(..., help="web page to summarize"),
    model: Optional[str] = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    style: str = typer.Option("neutral", "--style", help="neutral | snarky | bullets | eli5"),
    max_tokens: int = typer.Option(500, "--max-tokens", help="longest summary, in tokens"),
    temperature: Optional[float] = typer.Option(None, "-t", "--temperature"),
) -> None:
    """Stream a markdown summary of a web page.

    Example: llmworks summarize https://example.com --style snarky -m openai/gpt-4.1-mini
    """
    from llmworks import web
    from llmworks.apps.summarize import summarize_page
    from llmworks.apps.summarize.summarizer import STYLES
    from llmworks.errors import LlmworksError

    if style not in STYLES:  # before the fetch: a typo should not cost a download
        raise LlmworksError(f"Unknown style {style!r}; choose one of: {', '.join(STYLES)}.")
    _progress(f"Reading {url}")
    page = web.fetch(url)
    _progress(f"Summarizing {page.title or page.url!r} ({len(page.text):,} characters)")
    _print_stream(summarize_page(page, model=model, style=style, temperature=temperature, max_tokens=max_tokens))


def brochure(
    company: str = typer.Argument(..., help="the company's name"),
    url: str = typer.Argument(..., help="its landing page"),
    tone: str = typer.Option("professional", "--tone", help="professional | humorous"),
    language: str = typer.Option("English", "--language", help="language of the brochure"),
    model: Optional[str] = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    max_links: int = typer.Option(5, "--max-links", help="most pages to read besides the landing page"),
    max_tokens: int = typer.Option(700, "--max-tokens", help="longest brochure, in tokens"),
) -> None:
    """Write a markdown brochure about a company from its web site (the model picks which pages to read).

    Example: llmworks brochure "Hugging Face" https://huggingface.co --tone humorous -m openai/gpt-4.1-mini
    """
    from llmworks.apps.brochure import Delta, Done, Progress, create_brochure

    for event in create_brochure(company, url, model=model, tone=tone, language=language, max_links=max_links,
                                 max_tokens=max_tokens):
        if isinstance(event, Progress):
            _progress(event.message)
        elif isinstance(event, Delta):
            typer.echo(printable(event.text), nl=False)
        elif isinstance(event, Done):
            typer.echo()
            _stats(event.response)


def tutor(
    question: str = typer.Argument(..., help="a technical question"),
    model: Optional[str] = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    examples: bool = typer.Option(True, "--examples/--no-examples", help="show the model worked examples first"),
    max_tokens: int = typer.Option(600, "--max-tokens"),
) -> None:
    """Ask the technical tutor; the answer streams as markdown.

    Example: llmworks tutor "Why do LLMs need a tokenizer?" -m openai/gpt-4.1-mini
    """
    from llmworks.apps.tutor import ask

    _print_stream(ask(question, model=model, examples=examples, max_tokens=max_tokens))


def store(
    message: Optional[str] = typer.Argument(None, help="one message; leave out for an interactive chat"),
    config: Optional[str] = typer.Option(None, "--config", help="store TOML file (system prompt, topics)"),
    model: Optional[str] = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    max_tokens: int = typer.Option(300, "--max-tokens", help="longest reply, in tokens"),
) -> None:
    """Chat with the store's customer-service assistant (topics in the config add context when mentioned).

    Example: llmworks store "Do you sell belts?"   |   llmworks store --config my_store.toml
    """
    from llmworks.apps.store import StoreAssistant, StoreConfig

    bot = StoreAssistant(StoreConfig.load(config), model=model, max_tokens=max_tokens)
    if message is not None:
        _print_stream(bot.reply(message))
        return
    typer.echo(bot.config.greeting or f"Welcome to {bot.config.name}!")
    history: list[dict] = []

    def turn(text: str) -> None:
        reply = _print_stream(bot.reply(text, history))
        history.extend([{"role": "user", "content": text}, {"role": "assistant", "content": reply}])

    repl("Store assistant", turn, history.clear)


def debate(
    model_a: Optional[str] = typer.Option(None, "-a", help="first speaker's model"),
    model_b: Optional[str] = typer.Option(None, "-b", help="second speaker's model"),
    model_c: Optional[str] = typer.Option(None, "-c", help="optional third speaker's model"),
    rounds: int = typer.Option(3, "--rounds", "-n", help="rounds; every speaker talks once per round"),
    topic: str = typer.Option("", "--topic", help="what they talk about"),
    persona_a: Optional[str] = typer.Option(None, "--persona-a", help="default: argumentative and snarky"),
    persona_b: Optional[str] = typer.Option(None, "--persona-b", help="default: polite, looks for common ground"),
    persona_c: Optional[str] = typer.Option(None, "--persona-c", help="default: curious, sums up"),
    max_tokens: int = typer.Option(200, "--max-tokens", help="longest turn, in tokens"),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="transcript file (default: under LLMWORKS_HOME)"),
) -> None:
    """Let two or three models with personas talk for N rounds; saves a markdown transcript.

    Example: llmworks debate -a openai/gpt-4.1-mini -b local/smollm2 --rounds 3 --topic "Is a hot dog a sandwich?"
    """
    from llmworks.apps.debate import DEFAULT_NAMES, DEFAULT_PERSONAS, Conversation, Delta, Speaker, TurnEnd, TurnStart

    chosen = [(model_a, persona_a), (model_b, persona_b)] + ([(model_c, persona_c)] if model_c else [])
    speakers = [Speaker(DEFAULT_NAMES[i], m, p or DEFAULT_PERSONAS[i]) for i, (m, p) in enumerate(chosen)]
    convo = Conversation(speakers, topic=topic, max_tokens=max_tokens)
    try:
        for event in convo.run(rounds):
            if isinstance(event, TurnStart):
                typer.secho(f"\n{event.speaker.name} ({event.speaker.model_name}):", bold=True)
            elif isinstance(event, Delta):
                typer.echo(printable(event.text), nl=False)
            elif isinstance(event, TurnEnd):
                typer.echo()
    finally:  # an interrupted debate still keeps what was said
        if convo.turns:
            path = convo.save(out)
            usage = convo.usage
            _progress(f"{len(convo.turns)} turns; {usage.input_tokens:,} in / {usage.output_tokens:,} out tokens; "
                      f"{usage.cost_text()}. Transcript: {path}")


def _progress(message: str) -> None:
    typer.secho(one_line(message), dim=True, err=True)  # page titles and URLs are the web's text


def _print_stream(stream) -> str:
    """Echo a llm.Stream's deltas, then the tokens/cost line; return the whole text."""
    for delta in stream:
        typer.echo(printable(delta), nl=False)  # model and page text: no terminal control characters
    typer.echo()
    _stats(stream.response)
    return stream.response.text if stream.response else ""


def _stats(response) -> None:
    if response is not None:
        _progress(usage_line(response))
