"""`llmworks showdown`: one prompt set across several models, one row per model with confidence intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command()(showdown)


def showdown(
    prompts: Annotated[
        Path | None, typer.Argument(help="prompt set: .yaml list or .jsonl (default: the bundled 14-prompt set)")
    ] = None,
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="a provider/model to compare; repeat the option")
    ] = None,
    repeats: Annotated[int, typer.Option("--repeats", "-r", min=1, help="times each prompt is asked per model")] = 3,
    judge: Annotated[
        str | None, typer.Option("--judge", help="model grading 'judge' checks (default: LLMWORKS_MODEL)")
    ] = None,
    temperature: Annotated[
        float | None, typer.Option("--temperature", "-t", help="sampling temperature (default: each model's)")
    ] = None,
    out: Annotated[
        list[Path] | None, typer.Option("--out", "-o", help="also write the table: .csv, .json (with every reply), .md")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON (rows and every run)")] = False,
    usage: Annotated[bool, typer.Option("--usage", "-u", help="print the tokens and cost of all calls")] = False,
) -> None:
    """Compare models on one prompt set: quality ± 95 % CI, TTFT p50/p95, tokens/s, $ per run, errors.

    Each prompt has a check (exact, regex, number with tolerance, JSON schema, or an LLM judge). Every model
    answers every prompt --repeats times; quality is the mean score with a bootstrap interval over prompts and
    repeats, and a paired test against the best model marks the models it cannot tell apart as 'tie'.

    \b
    Examples:
      llmworks showdown -m local/smollm2 -m local/qwen2.5-0.5b -m local/qwen2.5-1.5b
      llmworks showdown my_set.yaml -m openai/gpt-4.1-mini -m local/qwen2.5-1.5b --repeats 5 -o table.md
      llmworks showdown -m local/smollm2 --judge local/qwen2.5-1.5b --json > showdown.json

    \b
    A prompt set (YAML):
      - id: capital
        prompt: What is the capital of Australia? Reply with the city name only.
        check: {exact: Canberra}
      - {id: sum, prompt: "What is 17 * 23? The number only.", check: {number: 391, tolerance: 0}}
      - {id: json, prompt: "...", check: {json_schema: {type: object, required: \\[name]}}}
    """
    from ..apps import showdown as app
    from ..errors import LlmworksError
    from .render import render

    if out:
        for path in out:
            if path.suffix.lower() not in app.export.FORMATS:
                raise LlmworksError(f"Cannot export to {path.name}: unknown format.", "End it in .csv, .json or .md.")
    items = app.load_prompts(prompts) if prompts is not None else app.default_prompts()
    if not model:
        from ..config import get_settings

        model = [get_settings().model]
    events = app.run(model, items, repeats=repeats, judge=judge, temperature=temperature)
    done = render(events, usage=usage, as_json=(lambda r: r.as_dict()) if as_json else None)
    result = done.result
    for path in out or []:
        app.write(result, path)
        typer.echo(f"Wrote {path}", err=True)
    if not as_json:
        _table(result)


def _table(result) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..apps.showdown.export import HEADERS, cells

    table = Table(*HEADERS, title=f"{len(result.prompts)} prompts × {result.repeats} repeats")
    for row in result.rows:
        table.add_row(*cells(row), style="bold" if row.verdict in ("best", "tie") else None)
    console = Console(highlight=False)
    console.print(table)
    console.print(
        "quality: mean check score, 95 % bootstrap CI over prompts and repeats; vs best: paired sign-flip test "
        "(tie: p ≥ 0.05)" + (f"; judge: {result.judge}" if result.judge else ""),
        style="dim",
    )
