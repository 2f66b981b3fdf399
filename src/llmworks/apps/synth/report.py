"""The quality report of a synthetic data set: validity, exact and near duplicates, distinct-2, per-field coverage
and histograms, rule pass-rates, and (with real data to compare) column-shape and pair-trend similarity."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .dedup import Deduper
from .spec import Spec
from .validate import Checker, judge

CATEGORICAL_MAX = 20
"""A string field with at most this many distinct values is shown as categories, not as free text."""
NUMERIC_MIN = 10
"""A number or date field with more distinct values than this is shown as bins (months), not as values."""
BINS = 8
TOP = 8


@dataclass
class FieldStats:
    name: str
    kind: str
    """'numeric', 'categorical', 'date' (histogram by month) or 'text' (its most common values)."""
    filled: int
    nulls: int
    distinct: int
    histogram: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Report:
    rows: int
    """Rows in the data set."""
    generated: int
    """Rows the model wrote (the data set's rows when the file is checked afterwards)."""
    valid_as_written: float
    """Share of written rows that were valid before any repair."""
    valid_after_repair: float
    """Share of written rows valid after repair (the rest were dropped)."""
    output_valid: float
    """Share of the data set's rows valid when checked again at the end (schema, rules, uniqueness)."""
    repaired: int
    """Rows made valid by a repair call."""
    exact_dups: int
    near_dups: int
    exact_dup_rate: float
    """Exact duplicates among the valid rows written (dropped from the data set)."""
    near_dup_rate: float
    distinct_2: float
    """Distinct word bigrams / all word bigrams over the text fields (Li et al., 2016): 1.0 = no bigram repeats."""
    rules: dict[str, float]
    """Each rule's pass-rate over the schema-valid rows checked, repairs included."""
    fields: list[FieldStats]
    dropped: dict[str, int]
    """Why rows were turned away: 'invalid', 'exact', 'near' → count."""
    derived: int = 0
    """Rows made valid by computing their derived fields (rules `field == expression`), without a model call."""
    rows_per_min: float | None = None
    reference: dict[str, Any] | None = None
    """Column shapes, column-pair trends (0-1) and per-column scores against real data."""

    def to_json(self) -> dict:
        return asdict(self)


def check_rows(rows: list[dict], spec: Spec) -> Report:
    """The report of a finished data set (any file): each row checked in order, as if it were being generated."""
    checker, deduper = Checker(spec), Deduper(ignore=spec.unique)
    verdicts: Counter[str] = Counter()
    for i, row in enumerate(rows):
        verdict, _ = judge(row, checker, deduper)
        verdicts[verdict] += 1
        if verdict == "ok":  # later rows are compared with this one, named by its line
            checker.keep(row, i)
            deduper.add(row, i)
    invalid, exact, near = verdicts["invalid"], verdicts["exact"], verdicts["near"]
    valid = len(rows) - invalid
    counters = {"generated": len(rows), "valid_first": valid, "repaired": 0, "invalid": invalid}
    counters.update(exact=exact, near=near)
    return build(rows, spec, counters, checker.pass_rates())


def build(
    rows: list[dict],
    spec: Spec,
    counters: dict[str, Any],
    rules: dict[str, float],
    *,
    output_valid: float | None = None,
    minutes: float | None = None,
) -> Report:
    generated = counters.get("generated", 0)
    valid = counters.get("valid_first", 0) + counters.get("derived", 0) + counters.get("repaired", 0)
    if output_valid is None:
        output_valid = _output_validity(rows, spec)
    return Report(
        rows=len(rows),
        generated=generated,
        valid_as_written=_share(counters.get("valid_first", 0), generated),
        valid_after_repair=_share(valid, generated),
        output_valid=output_valid,
        repaired=counters.get("repaired", 0),
        derived=counters.get("derived", 0),
        exact_dups=counters.get("exact", 0),
        near_dups=counters.get("near", 0),
        exact_dup_rate=_share(counters.get("exact", 0), valid),
        near_dup_rate=_share(counters.get("near", 0), valid),
        distinct_2=distinct_n(rows, spec, 2),
        rules=rules,
        fields=[field_stats(rows, name, spec.schema["properties"][name]) for name in spec.fields],
        dropped={k: counters.get(k, 0) for k in ("invalid", "exact", "near")},
        rows_per_min=len(rows) / minutes if minutes else None,
    )


def _output_validity(rows: list[dict], spec: Spec) -> float:
    checker = Checker(spec)
    valid = 0
    for i, row in enumerate(rows):
        if not checker.problems(row) and not checker.clashes(row):
            valid += 1
            checker.keep(row, i)
    return _share(valid, len(rows))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


_WORD = re.compile(r"\w+")


def distinct_n(rows: list[dict], spec: Spec, n: int = 2) -> float:
    """Distinct word n-grams / all word n-grams, over each text field value of each row."""
    text_fields = [f for f in spec.fields if _type(spec.schema["properties"][f]) == "string"]
    grams: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        for name in text_fields:
            value = row.get(name)
            if isinstance(value, str):
                tokens = _WORD.findall(value.lower())
                grams.update(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    total = sum(grams.values())
    return len(grams) / total if total else 0.0


def _type(prop: dict) -> str:
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None and "anyOf" in prop:  # pydantic's Optional[X]
        kind = next((p.get("type") for p in prop["anyOf"] if p.get("type") not in (None, "null")), "string")
    return kind or "string"


def field_stats(rows: list[dict], name: str, prop: dict) -> FieldStats:
    values = [row.get(name) for row in rows]
    present = [v for v in values if v is not None]
    keys = [json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v for v in present]
    counts = Counter(keys)
    kind = _type(prop)
    fmt = prop.get("format") or next((p.get("format") for p in prop.get("anyOf", []) if p.get("format")), None)
    stats = FieldStats(name, "text", len(present), len(values) - len(present), len(counts))
    numbers = [v for v in present if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)]
    few = len(counts) <= CATEGORICAL_MAX and len(counts) <= max(len(present) // 2, 2)  # values that repeat
    if kind in ("integer", "number") and numbers and len(counts) > NUMERIC_MIN:
        stats.kind, stats.histogram = "numeric", _bins(numbers, integer=kind == "integer")
    elif fmt in ("date", "date-time") and len(counts) > NUMERIC_MIN:
        months = Counter(str(v)[:7] for v in present)
        stats.kind, stats.histogram = "date", sorted(months.items())
    elif kind == "boolean" or "enum" in prop or few or kind in ("integer", "number"):
        stats.kind, stats.histogram = "categorical", [(str(k), c) for k, c in counts.most_common()]
    else:
        stats.histogram = [(str(k), c) for k, c in counts.most_common(TOP)]
    return stats


def _bins(numbers: list[float], *, integer: bool) -> list[tuple[str, int]]:
    import numpy as np

    counts, edges = np.histogram(numbers, bins=BINS)

    def label(x: float) -> str:
        return f"{x:,.0f}" if integer or abs(x) >= 100 else f"{x:,.2f}"

    return [(f"{label(edges[i])}–{label(edges[i + 1])}", int(c)) for i, c in enumerate(counts)]


def markdown(report: Report) -> str:
    """The report as markdown tables (the workbench's panel)."""
    lines = ["| measure | value |", "|---|---|"]
    for name, value in summary_rows(report):
        lines.append(f"| {name} | {value} |")
    if report.rules:
        lines += ["", "| rule | pass-rate |", "|---|---|"]
        lines += [f"| `{rule}` | {rate:.1%} |" for rule, rate in report.rules.items()]
    lines += ["", "| field | kind | filled | nulls | distinct | histogram |", "|---|---|---|---|---|---|"]
    for f in report.fields:
        lines.append(f"| {f.name} | {f.kind} | {f.filled} | {f.nulls} | {f.distinct} | {histogram_text(f, limit=6)} |")
    if report.reference:
        ref = report.reference
        lines += ["", f"**Against real data:** column shapes {ref['column_shapes']:.3f}, "]
        lines[-1] += f"column-pair trends {_maybe(ref['pair_trends'])} ({ref['method']})"
    return "\n".join(lines)


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """(measure, value) lines shared by the terminal table and the markdown panel."""
    rows = [
        ("rows", f"{report.rows:,}"),
        ("rows written by the model", f"{report.generated:,}"),
        ("valid as written", f"{report.valid_as_written:.1%}"),
        ("valid after repair", f"{report.valid_after_repair:.1%} ({_repairs(report)})"),
        ("output valid (re-checked)", f"{report.output_valid:.1%}"),
        ("exact duplicates dropped", f"{report.exact_dups} ({report.exact_dup_rate:.1%})"),
        ("near-duplicates dropped", f"{report.near_dups} ({report.near_dup_rate:.1%})"),
        ("distinct-2", f"{report.distinct_2:.3f}"),
    ]
    if report.rows_per_min is not None:
        rows.append(("rows/minute", f"{report.rows_per_min:.1f}"))
    if report.reference:
        rows.append(("column shapes vs real", f"{report.reference['column_shapes']:.3f}"))
        rows.append(("column-pair trends vs real", _maybe(report.reference["pair_trends"])))
    return rows


def _repairs(report: Report) -> str:
    computed = f", {report.derived} by computing derived fields" if report.derived else ""
    return f"{report.repaired} repaired{computed}"


def histogram_text(stats: FieldStats, *, limit: int = TOP) -> str:
    """'West 12 · East 9 · …' for the tables."""
    shown = stats.histogram[:limit]
    text = " · ".join(f"{label} ({count})" for label, count in shown)
    return text + (" · …" if len(stats.histogram) > limit else "")


def _maybe(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
