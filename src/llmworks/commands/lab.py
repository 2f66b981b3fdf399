"""`llmworks tokens`, `llmworks lab run`, `llmworks pipe …`: the model lab (tokenizers, local inference and
quantization, task pipelines), offline."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

lab = typer.Typer(help="Local inference lab: quantized vs dequantized models side by side.", no_args_is_help=True)
pipe = typer.Typer(
    help="The course's pipeline tasks, one call each, offline (embedded LLM, or --model a Hugging Face folder).",
    no_args_is_help=True,
)
COLOURS = ("on grey23", "on dark_blue", "on dark_green", "on dark_red", "on purple4", "on dark_orange3")
"""Token backgrounds, in turn: neighbouring tokens never share a colour."""
JsonOpt = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")]
PipeModelOpt = Annotated[
    str | None,
    typer.Option("--model", "-m", help="catalog model (default: LLMWORKS_MODEL) or a local Hugging Face folder"),
]


def register(app: typer.Typer) -> None:
    app.command()(tokens)
    app.add_typer(lab, name="lab")
    app.add_typer(pipe, name="pipe")


def tokens(
    text: Annotated[str, typer.Argument(help="the text to tokenize")],
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="tokenizer: embedded model, openai/gpt-4o, openai/gpt-4, meta/llama-3, "
            ".gguf file or HF folder; repeat for several",
        ),
    ] = None,
    ids: Annotated[bool, typer.Option("--ids", help="print each token's id")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The tokens of a text under several tokenizers: coloured pieces and counts, how numbers split, each chat
    template with its special tokens, and the text's input cost on every priced catalog model.

    \b
    Examples:
      llmworks tokens "The year 2024 had 365 days."
      llmworks tokens -m local/smollm2 -m meta/llama-3 --ids "1234567"
      llmworks tokens -m ./my-hf-model "Hello"          # any local tokenizer.json folder
    """
    from ..apps.lab.explorer import CONVERSATION, NUMBERS, explore
    from .render import render

    done = render(explore(text, model or None), as_json=asdict if as_json else None)
    if as_json:
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = Console(highlight=False)
    report = done.result
    for view in report.views:
        line = Text(f"{view.name}: {view.count} tokens  ", style="bold")
        for i, (piece, token_id) in enumerate(zip(view.pieces, view.ids)):
            line.append(piece.replace("\n", "↵") + (f"·{token_id}" if ids else ""), style=COLOURS[i % len(COLOURS)])
        out.print(line)
        out.print(f"  [dim]{view.source}[/dim]")
    table = Table(title="How numbers split", title_justify="left")
    table.add_column("tokenizer")
    for n in NUMBERS:
        table.add_column(n, justify="right")
    for name, splits in report.numbers.items():
        table.add_row(name, *("|".join(pieces) for pieces in splits))
    out.print(table)
    out.print(f"[bold]Chat templates[/bold] for system={CONVERSATION[0]!r}, user={CONVERSATION[1]!r}, assistant=…")
    for t in report.templates:
        if t.text is None:
            out.print(f"[bold]{t.name}[/bold]: no chat template ships with this encoding")
            continue
        out.print(f"[bold]{t.name}[/bold]: {t.tokens} tokens, special: {' '.join(t.special) or 'none'}")
        out.print(Text(t.text.rstrip("\n"), style="cyan"))
    costs = Table(title="This text as input", title_justify="left")
    for column in ("model", "tokens", "$ / M input", "cost"):
        costs.add_column(column, justify="left" if column == "model" else "right")
    for c in report.costs:
        costs.add_row(c.model, f"{c.tokens}" + ("" if c.exact else " ≈"), f"{c.usd_per_mtok:g}", f"${c.usd:.8f}")
    out.print(costs)
    out.print("[dim]≈ counted with o200k_base: the model's own tokenizer is not available offline[/dim]")


@lab.command("run")
def lab_run(
    prompt: Annotated[str, typer.Argument(help="the prompt every model answers")],
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="embedded model; repeat (default: local/smollm2 and local/qwen2.5-0.5b)"),
    ] = None,
    gguf: Annotated[list[Path] | None, typer.Option("--gguf", help="any local .gguf file; repeat")] = None,
    runtime: Annotated[
        list[str] | None, typer.Option("--runtime", "-r", help="llama.cpp (quantized) and/or transformers (float32)")
    ] = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", "-n", help="reply length cap")] = 48,
    perplexity: Annotated[bool, typer.Option(help="measure perplexity on the lab's fixed paragraph")] = True,
    threads: Annotated[int | None, typer.Option(help="CPU threads of both runtimes (default 2)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run one prompt on each model as shipped (quantized GGUF on llama.cpp) and dequantized to float32 in
    transformers; print the replies as they stream and a table of load time, peak memory, time to first token,
    speed and perplexity. Each run is its own process, so each memory figure is its own.

    \b
    Examples:
      llmworks lab run "Name three colours."
      llmworks lab run -m local/qwen2.5-1.5b -r llama.cpp "Write a haiku about rain"
      llmworks lab run --gguf ~/models/phi-3-mini-q4.gguf "Hello"
    """
    from ..apps.lab.inference import PARAGRAPH, RUNTIMES, run
    from .render import render

    events = run(
        prompt,
        model,
        gguf=[str(p) for p in gguf or []],
        runtimes=tuple(runtime or RUNTIMES),
        max_tokens=max_tokens,
        paragraph=PARAGRAPH if perplexity else None,
        threads=threads,
    )
    done = render(events, as_json=asdict if as_json else None)
    if not as_json:
        from rich.console import Console

        Console(highlight=False).print(lab_table(done.result.rows))


def lab_table(rows):
    """The lab's measurements as a rich table."""
    from rich.table import Table

    table = Table(title="Quantized (llama.cpp) vs dequantized (transformers)", title_justify="left")
    for column in ("model", "runtime", "weights", "load s", "peak RSS MB", "first token s", "tok/s", "perplexity"):
        table.add_column(column, justify="left" if column in ("model", "runtime", "weights") else "right")
    for r in rows:
        if r.error:
            table.add_row(r.model, r.runtime, r.weights, f"[yellow]failed: {r.error}[/yellow]")
            continue
        table.add_row(
            r.model,
            r.runtime,
            r.weights,
            _num(r.load_s, 1),
            _num(r.peak_rss_mb, 0),
            _num(r.ttft_s, 2),
            _num(r.tokens_per_s, 1),
            _num(r.perplexity, 2),
        )
    return table


def _num(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


# -- pipelines ----------------------------------------------------------------------------------------------------


def _run_pipe(task: str, text: str, model: str | None, as_json: bool, **options) -> None:
    from ..apps.lab.pipelines import pipe as run_pipe
    from .render import render

    done = render(run_pipe(task, text, model=model, **options), as_json=asdict if as_json else None)
    if as_json:
        return
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)
    r = done.result
    if task in ("sentiment", "zero-shot"):
        score = f" ({r.output['score']:.2f})" if "score" in r.output else ""
        out.print(f"[bold]{r.output['label']}[/bold]{score}", markup=True)
    elif task == "ner":
        for e in r.output:
            out.print(f"{e['type']:5} {e['text']}  [dim]{e['start']}-{e['end']}[/dim]")
        if not r.output:
            out.print("no entities")
    elif task == "qa":
        out.print(f"[bold]{r.output['answer']}[/bold]  [dim]characters {r.output['start']}-{r.output['end']}[/dim]")
    elif not done.calls:  # a Hugging Face pipeline's text (the LLM's was streamed)
        out.print(r.output, markup=False)
    for note in r.notes:
        out.print(f"[yellow]Warning: {note}[/yellow]")
    out.print(f"[dim]answered by {r.backend}[/dim]")


@pipe.command()
def sentiment(text: str, model: PipeModelOpt = None, as_json: JsonOpt = False) -> None:
    """Positive or negative.

    Example: llmworks pipe sentiment "I loved every minute of it."
    """
    _run_pipe("sentiment", text, model, as_json)


@pipe.command()
def ner(text: str, model: PipeModelOpt = None, as_json: JsonOpt = False) -> None:
    """Named entities (PER, ORG, LOC, MISC) with their character spans; each is checked to occur in the text.

    Example: llmworks pipe ner "Ada Lovelace worked with Charles Babbage in London."
    """
    _run_pipe("ner", text, model, as_json)


@pipe.command()
def qa(
    question: str,
    context: Annotated[str | None, typer.Option("--context", "-c", help="the text holding the answer")] = None,
    context_file: Annotated[Path | None, typer.Option("--context-file", help="read the context from a file")] = None,
    model: PipeModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Extractive question answering: the answer is a span copied from the context (checked in code).

    Example: llmworks pipe qa "When was it completed?" -c "The Eiffel Tower was completed in 1889."
    """
    if context_file is not None:
        context = context_file.read_text(encoding="utf-8")
    _run_pipe("qa", question, model, as_json, context=context)


@pipe.command()
def summarize(text: str, model: PipeModelOpt = None, as_json: JsonOpt = False) -> None:
    """Two or three sentences, streamed. Use - to read the text from stdin.

    Example: llmworks pipe summarize - < article.txt
    """
    _run_pipe("summarize", _stdin(text), model, as_json)


@pipe.command()
def translate(
    text: str,
    source: Annotated[str, typer.Option("--from", help="source language")] = "English",
    target: Annotated[str, typer.Option("--to", help="target language")] = "French",
    model: PipeModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Translate, streamed (English to French by default).

    Example: llmworks pipe translate --to German "Where is the station?"
    """
    _run_pipe("translate", _stdin(text), model, as_json, source=source, target=target)


@pipe.command("zero-shot")
def zero_shot(
    text: str,
    labels: Annotated[str, typer.Option("--labels", "-l", help="comma-separated candidate labels")],
    model: PipeModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One of the labels you give, chosen by a constrained model (the labels are its only possible answers).

    Example: llmworks pipe zero-shot "The striker scored twice." -l sport,politics,business
    """
    _run_pipe("zero-shot", text, model, as_json, labels=[x.strip() for x in labels.split(",") if x.strip()])


@pipe.command()
def generate(text: str, model: PipeModelOpt = None, as_json: JsonOpt = False) -> None:
    """Text generation, streamed.

    Example: llmworks pipe generate "Once upon a time in a small town,"
    """
    _run_pipe("generate", _stdin(text), model, as_json)


@pipe.command("eval")
def pipe_eval(
    task: Annotated[str, typer.Argument(help="sentiment, zero-shot, ner, qa, translate or summarize")],
    data: Annotated[
        Path | None, typer.Option("--data", help="JSONL of the task's shape (default: the built-in set)")
    ] = None,
    model: PipeModelOpt = None,
    limit: Annotated[int | None, typer.Option("--limit", help="first N items")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score a task on its small labelled set (accuracy, entity F1, exact match, chrF, ROUGE-L).

    \b
    Examples:
      llmworks pipe eval sentiment
      llmworks pipe eval ner -m local/qwen2.5-0.5b
    """
    from ..apps.lab.evaluate import evaluate
    from .render import render

    done = render(evaluate(task, data=data, model=model, limit=limit), as_json=asdict if as_json else None)
    if as_json:
        return
    ev = done.result
    for miss in ev.misses:
        typer.echo(f"  miss: {miss}")
    scores = ", ".join(f"{k} {v:.3f}" if v <= 1 else f"{k} {v:.1f}" for k, v in ev.scores.items())
    typer.echo(f"{ev.task} on {ev.backend}: {scores} over {ev.items} items ({ev.seconds:.0f} s)")


def _stdin(text: str) -> str:
    import sys

    return sys.stdin.read() if text == "-" else text
