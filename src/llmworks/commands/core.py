"""Core commands: chat, models, logs."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .repl import repl, utf8

ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="provider/model (default: LLMWORKS_MODEL or local/qwen2.5-1.5b)")
]


def register(app: typer.Typer) -> None:
    app.command()(chat)
    app.command()(models)
    app.command()(logs)


def chat(
    prompt: Annotated[str | None, typer.Argument(help="what to ask; omit for an interactive conversation")] = None,
    model: ModelOpt = None,
    system: Annotated[str | None, typer.Option("--system", "-s", help="system prompt")] = None,
    temperature: Annotated[float | None, typer.Option("--temperature", "-t")] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", "-n")] = None,
    usage: Annotated[bool, typer.Option("--usage", "-u", help="print tokens, cost and speed after the reply")] = False,
) -> None:
    """Chat with a model, streamed to the terminal.

    \b
    Examples:
      llmworks chat "Explain RAG in two sentences"
      llmworks chat -m openai/gpt-4.1-mini -s "You are terse" "What is a token?"
      cat notes.md | llmworks chat -s "Summarize this"
      llmworks chat                       # interactive; /exit to leave
    """
    from ..apps.chat import Chat
    from ..errors import LlmworksError
    from .render import render

    prompt = None if prompt is None else utf8(prompt, "the prompt")
    piped = None if sys.stdin is None or sys.stdin.isatty() else read_stdin()
    if piped and piped.strip():
        prompt = f"{prompt}\n\n{piped}" if prompt else piped
    elif (prompt is not None and not prompt.strip()) or (piped is not None and prompt is None):
        # `chat ""` or an empty pipe is a mistake: going interactive would hang a script or ask an empty question
        raise LlmworksError(
            "Nothing to ask: the prompt is empty.",
            'Type a question, e.g. llmworks chat "Hello", or run llmworks chat alone for a conversation.',
        )
    conversation = Chat(model=model, system=system, temperature=temperature, max_tokens=max_tokens)
    if prompt:
        render(conversation.run(prompt), usage=usage)
        return
    repl("Interactive chat", lambda line: render(conversation.run(line), usage=usage), conversation.reset)


def read_stdin() -> str:
    """Piped input as text: bytes that are not UTF-8 (Latin-1, binary) are replaced, with a one-line warning."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):  # a text stream without bytes underneath (tests, embedding hosts)
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        typer.secho(
            f"Warning: the input is not UTF-8 (byte {e.start}); undecodable bytes were replaced with \ufffd. "
            "Convert it first for exact text, e.g. iconv -f latin1 -t utf-8.",
            fg="yellow",
            err=True,
        )
        return data.decode("utf-8", errors="replace")


def models(
    ready: Annotated[bool, typer.Option("--ready", help="only models usable now")] = False,
) -> None:
    """List known models: context window, price per million tokens, capabilities, size and speed of the embedded
    ones, and readiness (keys set, model packages installed, local servers answering now).

    \b
    Any other provider/model name works too (e.g. openrouter/meta-llama/llama-3.3-70b-instruct).
    Example:
      llmworks models --ready
    """
    from concurrent.futures import ThreadPoolExecutor

    from rich.console import Console
    from rich.table import Table

    from ..llm import catalog

    known = {info.provider.name for info in catalog.MODELS}
    rows = catalog.MODELS + [catalog.ModelInfo(f"{p.name}/…") for p in catalog.servers() if p.name not in known]
    with ThreadPoolExecutor(8) as pool:  # local servers are probed at once: ~0.5 s for the table, not per row
        statuses = list(pool.map(catalog.readiness, rows))
    table = Table("model", "context", "$/M tokens in/out", "can", "size", "speed", "ready")
    table.columns[0].no_wrap = True
    table.columns[-1].overflow = "fold"  # the URL tried is the point of a "no server" line: never cut it
    for info, status in zip(rows, statuses):
        if ready and not status.startswith("yes"):
            continue
        price = catalog.price_per_mtok(info.name)
        caps = " ".join(
            c for c, ok in (("tools", info.tools), ("json", info.json_schema), ("vision", info.vision)) if ok
        )
        size = info.weights.size if info.weights else None
        table.add_row(
            info.name,
            f"{info.context_window:,}" if info.context_window else "?",
            f"{price[0]:g} / {price[1]:g}" if price else "unknown",
            caps,
            f"{size / 1e9:.2f} GB" if size else "",
            info.speed or "",
            status,
        )
    Console(width=max(Console().width, 140)).print(table)


def logs(
    n: Annotated[int, typer.Option("-n", help="how many recent calls")] = 10,
    full: Annotated[bool, typer.Option("--full", help="show prompts and responses")] = False,
) -> None:
    """Show recent model calls with tokens, cost and duration (from the SQLite call log).

    \b
    Example:
      llmworks logs -n 20
    """
    import json

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..config import get_settings
    from ..llm import log
    from ..text import one_line, printable

    path = get_settings().logs_db
    rows = log.recent(path, n)  # read-only; a damaged file is a StoreError naming it
    console = Console(width=max(Console().width, 110))
    if not rows:
        console.print(f"No calls logged yet in {path}.", markup=False)
        return
    if full:  # logged text is printed as Text: a '[/]' or an ESC sequence in a prompt is neither markup nor a command
        for r in rows:
            console.rule(Text(one_line(f"#{r['id']} {r['model']} ({r['kind']})")))
            try:
                messages = json.loads(r["messages"])
            except ValueError:
                messages = [{"role": "?", "content": r["messages"]}]
            for m in messages:
                console.print(
                    Text.assemble((one_line(str(m.get("role"))), "bold"), ": ", printable(str(m.get("content")))),
                    highlight=False,
                )
            console.print(Text.assemble(("response", "bold"), ": ", printable(r["response"] or "")), highlight=False)
            if r["error"]:
                console.print(Text("error: " + printable(r["error"]), style="red"))
        return
    import datetime as dt

    table = Table("id", "when", "model", "kind", "in", "out", "cost $", "seconds", "ended", "error")
    for r in rows:
        when = dt.datetime.fromtimestamp(r["ts"]).strftime("%Y-%m-%d %H:%M:%S")
        cost = "?" if r["cost_usd"] is None else f"{r['cost_usd']:.6f}"
        cells = (
            str(r["id"]),
            when,
            r["model"],
            r["kind"],
            str(r["input_tokens"] or ""),
            str(r["output_tokens"] or ""),
            cost,
            f"{r['duration_s']:.2f}",
            r.get("finish_reason") or "",
            (r["error"] or "")[:60],
        )
        table.add_row(*(Text(one_line(c)) for c in cells))
    console.print(table)
