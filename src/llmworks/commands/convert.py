"""`llmworks convert FILE.py --to cpp|rust` and `llmworks convert bench`: translations that are compiled, run in a
sandbox and checked against the Python program's output, with a repair loop and a Cython baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

BENCH = "bench"


class _FileOrBench(TyperGroup):
    """`convert FILE …` runs the default command; `convert bench …` the benchmark (as llm's DefaultGroup does)."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


convert = typer.Typer(
    cls=_FileOrBench,
    help="Convert Python to C++ or Rust and prove it: compile, run both sandboxed, compare outputs, repair.\n\n"
    "  llmworks convert pi.py --to cpp          # writes pi.cpp, prints the verdict table\n\n"
    "  llmworks convert bench --limit 3         # one row per model on the bundled programs\n\n"
    "Options of one conversion (--to, -m, --repairs, --out, --json): llmworks convert FILE.py --help",
    no_args_is_help=True,
)

ModelOpt = Annotated[
    str | None,
    typer.Option("--model", "-m", help="provider/model, or py2many (rule-based); default: LLMWORKS_MODEL"),
]
ToOpt = Annotated[str, typer.Option("--to", "-t", help="target language: cpp or rust")]
RepairsOpt = Annotated[int, typer.Option("--repairs", "-r", min=0, max=10, help="repair rounds after the first try")]


def register(app: typer.Typer) -> None:
    app.add_typer(convert, name="convert")


@convert.command("file", hidden=True)
def convert_file(
    file: Annotated[Path, typer.Argument(help="the Python program (it must print its result)")],
    to: ToOpt = "cpp",
    model: ModelOpt = None,
    repairs: RepairsOpt = 3,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="where to write the translation")] = None,
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="also time a Cython build")] = True,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", "-n", min=64, help="cap of each reply (default 1536)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object instead of the table")] = False,
) -> None:
    """Convert FILE.py to C++ or Rust, verify the output against Python's, repair up to --repairs rounds.

    \b
    Both programs run in a sandbox (no network, read-only host, CPU/memory/time/output caps); timing lines are
    masked and floats compared with a tolerance. Verdicts: pass, wrong-output, compile-error, timeout, env (no
    working toolchain here: never blamed on the model). The translation is written beside FILE (FILE.cpp/.rs).
    Examples:
      llmworks convert pi.py                          # C++ with the default offline model
      llmworks convert pi.py --to rust -m openai/gpt-4.1-mini --repairs 2
      llmworks convert pi.py -m py2many --json        # the rule-based transpiler, JSON out
    """
    from llmworks.apps import convert as app

    from .render import render

    done = render(
        app.run(
            file,
            to=to,
            model=model,
            repairs=repairs,
            out=out,
            baseline=baseline,
            **({"max_tokens": max_tokens} if max_tokens else {}),  # else the app's default
        ),
        as_json=(lambda c: c.as_json()) if as_json else None,
    )
    if not as_json:
        _conversion_table(done.result)
    if done.result.verdict != "pass":
        raise typer.Exit(1)


@convert.command(BENCH)
def bench(
    models: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="provider/model or py2many; repeat for several (default: LLMWORKS_MODEL)"),
    ] = None,
    to: ToOpt = "cpp",
    program: Annotated[list[str] | None, typer.Option("--program", "-p", help="only these bundled programs")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0, help="only the first N programs")] = None,
    tasks: Annotated[
        int, typer.Option("--tasks", min=0, max=152, help="also the first N HumanEval correctness problems")
    ] = 0,
    repairs: RepairsOpt = 3,
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="add the Cython row")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print the table as JSON")] = False,
) -> None:
    """One row per model: compile@1, pass@1, pass after repairs, median speed-up over Python, tokens, $.

    \b
    The bundled set: the course's pi and maximum-subarray programs first, then 20 more CPU-bound programs (integer
    width, floor division, float printing, containers, strings); --tasks adds HumanEval problems (tests' inputs
    printed through the reference solution). The 1.5B model writes ~15 tokens/s: ~1 min per program and round.
    Examples:
      llmworks convert bench --limit 2                          # pi and max_subarray, default model
      llmworks convert bench -m local/qwen2.5-1.5b -m py2many --limit 5 --tasks 10
      llmworks convert bench -m openai/gpt-4.1-mini --tasks 152 --to rust
    """
    from llmworks.apps.convert.bench import bench as run_bench

    from .render import render

    done = render(
        run_bench(
            models or [None], to=to, only=program or (), limit=limit, tasks=tasks, repairs=repairs, baseline=baseline
        ),
        as_json=(lambda r: r.as_json()) if as_json else None,
    )
    if not as_json:
        _bench_table(done.result)


def _conversion_table(c) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("who", "verdict", "rounds", "Python s", "native s", "speed-up", "tokens", "$")
    table.add_row(
        c.model,
        c.verdict,
        str(len(c.rounds)),
        _num(c.python_s, 3),
        _num(c.native_s, 3),
        _times(c.speedup),
        f"{c.usage.input_tokens + c.usage.output_tokens:,}",
        c.usage.cost_text(6),
    )
    if c.baseline is not None:
        table.add_row(
            "cython (no model)",
            c.baseline.verdict,
            "1",
            _num(c.python_s, 3),
            _num(c.baseline.native_s, 3),
            _times(c.baseline_speedup),
            "0",
            "$0",
        )
    console = Console()
    console.print(table)
    for r in c.rounds:
        if r.verdict != "pass":
            console.print(f"round {r.number}: {r.verdict}: {_one_line(r.detail)}", style="dim", markup=False)
    if c.out:
        console.print(f"{c.out} ({c.command})", style="dim", markup=False)


def _bench_table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "model",
        "runs",
        "compile@1",
        "pass@1",
        "pass (repaired)",
        "median speed-up",
        "tokens",
        "$",
        "verdicts",
        title=f"Python → {report.to}, {len(report.programs)} programs",
    )
    for row in report.rows:
        table.add_row(
            row.model,
            str(row.runs),
            _pct(row.rate(row.compiled_first)),
            _pct(row.rate(row.passed_first)),
            _pct(row.rate(row.passed)),
            _times(row.median_speedup),
            f"{row.usage.input_tokens + row.usage.output_tokens:,}",
            row.usage.cost_text(4),
            " ".join(f"{k}:{v}" for k, v in sorted(row.verdicts.items())),
        )
    Console().print(table)


def _num(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _times(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}x"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _one_line(text: str) -> str:
    """A failed round's reason: from its first error line on (a compiler's 'In function …' context is skipped)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "error" in line.lower()), 0)
    return " / ".join(lines[start : start + 3])[:200]
