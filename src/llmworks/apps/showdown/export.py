"""A showdown's table as CSV, JSON (with every run) or Markdown; `write` picks the format by the file's suffix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ...errors import LlmworksError
from ...files import atomic_write
from .showdown import Row, ShowdownResult

COLUMNS = [
    "model",
    "quality",
    "ci_low",
    "ci_high",
    "verdict",
    "p_value",
    "ttft_p50_s",
    "ttft_p95_s",
    "tokens_per_s",
    "cost_per_run_usd",
    "errors",
    "calls",
]
FORMATS = (".csv", ".json", ".md")


def to_csv(result: ShowdownResult) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in result.rows:
        writer.writerow({c: "" if getattr(row, c) is None else getattr(row, c) for c in COLUMNS})
    return out.getvalue()


def to_json(result: ShowdownResult) -> str:
    return json.dumps(result.as_dict(), indent=2, allow_nan=False)


def cells(row: Row) -> list[str]:
    """A row as people read it (the terminal table, Markdown and the workbench share it)."""
    return [
        row.model,
        f"{row.quality:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]",
        verdict_text(row),
        _num(row.ttft_p50_s, "{:.2f} s"),
        _num(row.ttft_p95_s, "{:.2f} s"),
        _num(row.tokens_per_s, "{:.1f}"),
        "unknown" if row.cost_per_run_usd is None else f"${row.cost_per_run_usd:.4f}",
        str(row.errors),
    ]


HEADERS = ["model", "quality [95% CI]", "vs best", "TTFT p50", "TTFT p95", "tok/s", "$ per run", "errors"]


def verdict_text(row: Row) -> str:
    return row.verdict if row.p_value is None else f"{row.verdict} (p={row.p_value:.2f})"


def _num(value: float | None, fmt: str) -> str:
    return "–" if value is None else fmt.format(value)


def to_markdown(result: ShowdownResult) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |" for row in result.rows]
    lines.append("")
    lines.append(
        f"{len(result.prompts)} prompts × {result.repeats} repeats per model; quality is the mean check score with a "
        "95 % bootstrap interval over prompts and repeats; 'tie': a paired sign-flip test against the best model "
        "finds no difference at p < 0.05." + (f" Judge: {result.judge}." if result.judge else "")
    )
    return "\n".join(lines) + "\n"


def write(result: ShowdownResult, path: str | Path) -> Path:
    """Write the result to `path` as .csv, .json or .md (atomically)."""
    path = Path(path)
    writers = {".csv": to_csv, ".json": to_json, ".md": to_markdown}
    if path.suffix.lower() not in writers:
        raise LlmworksError(
            f"Cannot export to {path.name}: unknown format.", "End the file name in .csv, .json or .md."
        )
    return atomic_write(path, writers[path.suffix.lower()](result))
