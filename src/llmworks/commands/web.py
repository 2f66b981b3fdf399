"""Commands for the web and chat apps: summarize, brochure, tutor, store, debate.

Each command hands its options to the app and renders the app's events (commands/render.py): markdown to stdout
as it streams (pipe it to a file); progress and, with -u, the tokens/cost line to stderr. Defaults (reply
lengths, personas, styles) belong to the apps: an option left out is not passed on.
"""

from __future__ import annotations

import typer

from .repl import repl, utf8

MODEL_HELP = "provider/model (default: LLMWORKS_MODEL or local/qwen2.5-1.5b; see `llmworks models`)"
USAGE_HELP = "print tokens, cost and speed after the reply"


def register(app: typer.Typer) -> None:
    app.command("summarize")(summarize)
    app.command("brochure")(brochure)
    app.command("tutor")(tutor)
    app.command("store")(store)
    app.command("debate")(debate)


def summarize(
    url: str = typer.Argument(..., help="web page to summarize"),
    model: str | None = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    style: str | None = typer.Option(None, "--style", help="neutral (default) | snarky | bullets | eli5"),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="longest summary, in tokens"),
    temperature: float | None = typer.Option(None, "-t", "--temperature"),
    usage: bool = typer.Option(True, "--usage/--no-usage", "-u", help=USAGE_HELP),
    as_json: bool = typer.Option(False, "--json", help="print {url, title, summary} as JSON instead"),
) -> None:
    """Stream a markdown summary of a web page.

    Example: llmworks summarize https://example.com --style snarky -m openai/gpt-4.1-mini
    """
    from llmworks.apps import summarize as app

    from .render import render

    options = _given(model=model, style=style, temperature=temperature, max_tokens=max_tokens)
    render(
        app.run(url, **options),
        usage=usage,
        as_json=(lambda s: {"url": s.page.url, "title": s.page.title, "summary": s.text}) if as_json else None,
    )


def brochure(
    company: str = typer.Argument(..., help="the company's name"),
    url: str = typer.Argument(..., help="its landing page"),
    tone: str | None = typer.Option(None, "--tone", help="professional (default) | humorous"),
    language: str | None = typer.Option(None, "--language", help="language of the brochure (default English)"),
    model: str | None = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    temperature: float | None = typer.Option(None, "-t", "--temperature"),
    max_links: int | None = typer.Option(None, "--max-links", help="most pages to read besides the landing page"),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="longest brochure, in tokens"),
    usage: bool = typer.Option(True, "--usage/--no-usage", "-u", help=USAGE_HELP),
    as_json: bool = typer.Option(False, "--json", help="print {company, brochure, links, pages} as JSON instead"),
) -> None:
    """Write a markdown brochure about a company from its web site (the model picks which pages to read).

    Example: llmworks brochure "Hugging Face" https://huggingface.co --tone humorous -m openai/gpt-4.1-mini
    """
    from llmworks.apps import brochure as app

    from .render import render

    def json_of(b):
        return {
            "company": company,
            "brochure": b.text,
            "links": [c.model_dump() for c in b.links],
            "pages": [p.url for p in b.pages],
        }

    options = _given(
        model=model, tone=tone, language=language, max_links=max_links, temperature=temperature, max_tokens=max_tokens
    )
    render(app.run(company, url, **options), usage=usage, as_json=json_of if as_json else None)


def tutor(
    question: str = typer.Argument(..., help="a technical question"),
    model: str | None = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    examples: bool = typer.Option(True, "--examples/--no-examples", help="show the model worked examples first"),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="longest answer, in tokens"),
    temperature: float | None = typer.Option(None, "-t", "--temperature"),
    usage: bool = typer.Option(True, "--usage/--no-usage", "-u", help=USAGE_HELP),
    as_json: bool = typer.Option(False, "--json", help="print {question, answer} as JSON instead"),
) -> None:
    """Ask the technical tutor; the answer streams as markdown.

    Example: llmworks tutor "Why do LLMs need a tokenizer?" -m openai/gpt-4.1-mini
    """
    from llmworks.apps import tutor as app

    from .render import render

    question = utf8(question, "the question")
    options = _given(model=model, examples=examples, temperature=temperature, max_tokens=max_tokens)
    render(
        app.run(question, **options),
        usage=usage,
        as_json=(lambda a: {"question": question, "answer": a.text}) if as_json else None,
    )


def store(
    message: str | None = typer.Argument(None, help="one message; leave out for an interactive chat"),
    config: str | None = typer.Option(None, "--config", help="store TOML file (system prompt, topics)"),
    model: str | None = typer.Option(None, "-m", "--model", help=MODEL_HELP),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="longest reply, in tokens"),
    temperature: float | None = typer.Option(None, "-t", "--temperature"),
    usage: bool = typer.Option(True, "--usage/--no-usage", "-u", help=USAGE_HELP),
    as_json: bool = typer.Option(False, "--json", help="print {reply, topics} as JSON instead (one message)"),
) -> None:
    """Chat with the store's customer-service assistant (topics in the config add context when mentioned).

    Example: llmworks store "Do you sell belts?"   |   llmworks store --config my_store.toml
    """
    from llmworks.apps.store import StoreAssistant, StoreConfig

    from .render import render

    bot = StoreAssistant(StoreConfig.load(config), model=model, temperature=temperature, max_tokens=max_tokens)
    if message is not None:
        render(
            bot.run(utf8(message, "the message")),
            usage=usage,
            as_json=(lambda r: {"reply": r.text, "topics": list(r.topics)}) if as_json else None,
        )
        return
    typer.echo(bot.config.welcome())
    repl("Store assistant", lambda line: render(bot.run(line), usage=usage), bot.reset)


def debate(
    model_a: str | None = typer.Option(None, "-a", help="first speaker's model"),
    model_b: str | None = typer.Option(None, "-b", help="second speaker's model"),
    model_c: str | None = typer.Option(None, "-c", help="optional third speaker's model"),
    rounds: int | None = typer.Option(
        None, "--rounds", "-n", help="rounds (default 3); every speaker talks once per round"
    ),
    topic: str = typer.Option("", "--topic", help="what they talk about"),
    persona_a: str | None = typer.Option(None, "--persona-a", help="default: argumentative and snarky"),
    persona_b: str | None = typer.Option(None, "--persona-b", help="default: polite, looks for common ground"),
    persona_c: str | None = typer.Option(None, "--persona-c", help="default: curious, sums up"),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="longest turn, in tokens"),
    temperature: float | None = typer.Option(None, "-t", "--temperature"),
    out: str | None = typer.Option(None, "--out", "-o", help="transcript file (default: under LLMWORKS_HOME)"),
    usage: bool = typer.Option(False, "-u", "--usage", help=USAGE_HELP),
) -> None:
    """Let two or three models with personas talk for N rounds; saves a markdown transcript.

    Example: llmworks debate -a openai/gpt-4.1-mini -b local/smollm2 --rounds 3 --topic "Is a hot dog a sandwich?"
    """
    from llmworks.apps.debate import Conversation

    from .render import render

    models = [model_a, model_b] + ([model_c] if model_c else [])
    convo = Conversation.between(
        models, [persona_a, persona_b, persona_c], topic=topic, temperature=temperature, max_tokens=max_tokens
    )
    try:
        render(convo.run(**_given(rounds=rounds)), usage=usage)
    finally:  # an interrupted debate still keeps what was said
        if convo.turns:
            path = convo.save(out)
            typer.secho(f"{convo.summary()}. Transcript: {path}", dim=True, err=True)


def _given(**options):
    """The options the user gave: the rest is left to the app's own defaults."""
    return {name: value for name, value in options.items() if value is not None}
