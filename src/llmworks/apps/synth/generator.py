"""Generate rows in batches: constrained decoding to the schema, every row checked, invalid rows repaired once,
duplicates turned away with their reason, each finished batch committed so a killed run resumes.

Fields a rule derives (`total == round(quantity * unit_price, 2)`) are computed in code when the model's value breaks
the rule, before any repair call.

Reproducible: decoding is greedy (temperature 0) and each row's variety comes from hints drawn from a random
generator seeded by (seed, batch, attempt) — an enum value, a first letter for a free-text field, a value not yet
used for each unique field (a small model otherwise repeats the ids of its examples in every batch).
The model layer has no sampling seed, so hints carry the seed: the same seed and model give the same rows.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ... import llm
from ...errors import LlmworksError
from ...events import Done, Progress, app
from . import export
from .dedup import Deduper
from .report import Report, build
from .spec import Spec
from .unique import free
from .validate import Checker, judge
from .workdir import WorkDir

BATCH = 10
"""Rows asked for in one call: more rows share one prompt (prompt tokens dominate on a CPU), fewer lose less when a
reply is cut off."""
ATTEMPTS = 3
"""Batches in a row with no valid row before giving up on the schema."""
BUDGET = 3
"""At most this many times the batches a run needs when every row is kept; then it stops with what it has."""
ROW_TOKENS = 24
"""Output tokens budgeted per field of a row (JSON keys included), for the reply cap."""
SHOWN = 20
"""Most recent values of each unique field a prompt names as used (older ones cost prompt tokens, and hints avoid
all of them)."""
LETTERS = "ABCDEFGHIJKLMNOPRSTVW"
SYSTEM = (
    "You generate realistic, varied synthetic test data for software tests. Values look like real business records: "
    "plausible names, amounts and dates, never placeholders such as 'string', 'example' or 'foo'. "
    "Reply with compact JSON only, without indentation."
)


@dataclass
class Synthesis:
    """A finished (or stopped) run: the rows, the rows turned away with their reasons, and the quality report."""

    rows: list[dict]
    dropped: list[dict]
    report: Report
    out: Path
    complete: bool
    """False when the run stopped short of `n` rows (too many duplicates or invalid rows)."""
    resumed_rows: int = 0
    """Rows already kept by an earlier, interrupted run."""
    files: dict[str, Path] = field(default_factory=dict)


@app
def generate(
    spec: Spec,
    n: int,
    out: str | Path,
    *,
    model: str | llm.Model | None = None,
    seed: int = 0,
    batch_size: int = BATCH,
    attempts: int = ATTEMPTS,
    temperature: float = 0.0,
    fresh: bool = False,
    reference: str | Path | None = None,
):
    """Make `n` valid, distinct rows and write them to `out` (.jsonl, .csv or .parquet) with a quality report beside
    it (`<out>.report.json`) and the dropped rows (`<out>.dropped.jsonl`). An interrupted run resumes from its work
    folder (`<out>.work/`); `fresh` starts over."""
    if n < 1 or batch_size < 1 or attempts < 1:
        raise LlmworksError("n, batch size and attempts must be at least 1.", "Ask for one row or more.")
    out = Path(out)
    export.check_format(out)
    model = llm.get_model(model)
    model_name = model.name
    real = None
    if reference is not None:  # a bad reference file fails now, not after an hour of generation
        from .reference import read_table

        real = read_table(reference)
    key = {"spec": spec.key(), "model": model_name, "seed": seed, "batch_size": batch_size, "temperature": temperature}
    work = WorkDir(out, key)
    resumed = work.open(fresh=fresh)
    try:
        rows, dropped = work.rows(), work.dropped()
        earlier = len(rows)
        counters: Counter = Counter(work.state.get("counters", {}))
        if resumed:
            yield Progress(f"Resuming: {len(rows)} of {n} rows kept by an earlier run (batch {work.state['batch']}).")
        elif not model.info.json_schema:
            yield Progress(f"{model_name} cannot follow a JSON schema natively: expect more rows to repair.", True)
        checker, deduper = Checker(spec), Deduper(ignore=spec.unique)
        for i, row in enumerate(rows):
            checker.keep(row, i)
            deduper.add(row, i)
        started, fails, limit = time.monotonic(), 0, attempts + BUDGET * math.ceil(n / batch_size)
        while len(rows) < n:
            batch = work.state["batch"]
            if batch >= limit:
                yield Progress(f"Stopped at {len(rows)} of {n} rows after {batch} batches: {_top(counters)}.", True)
                break
            wanted = min(batch_size, n - len(rows))
            kept, turned = [], []
            stats: Counter = Counter()
            # rows are numbered by how many were asked for, so a dropped row's number (and id) is not asked again
            asked = counters.get("asked", 0)
            # unique values in use; values handed out as hints or repairs join them, so none is offered twice
            taken = {name: dict(values) for name, values in checker.seen.items()}
            fix = random.Random(f"{seed}:{batch}:{fails}:repair")
            for row in _ask(spec, wanted, asked, seed, batch, fails, model, temperature, stats, taken):
                verdict, reasons = judge(row, checker, deduper)
                if verdict == "invalid" and (derived := checker.derive(row)) is not None:
                    row = derived  # computed in code: no repair call for arithmetic the model got wrong
                    verdict, reasons = judge(row, checker, deduper)
                    stats["derived"] += verdict != "invalid"
                elif verdict != "invalid":
                    stats["valid_first"] += 1
                if verdict == "invalid":
                    row = _repair(spec, row, reasons, model, _offers(spec, row, checker, taken, fix))
                    if row is not None:
                        row = checker.derive(row) or row
                        verdict, reasons = judge(row, checker, deduper)
                    if verdict == "invalid":
                        stats.update(["invalid", f"problem: {reasons[0]}"])
                    else:
                        stats["repaired"] += 1
                if verdict != "ok":
                    stats[verdict] += verdict != "invalid"
                    reason = "invalid: " + "; ".join(reasons) if verdict == "invalid" else reasons[0]
                    turned.append({"row": row, "reason": reason, "batch": batch})
                    continue
                index = len(rows) + len(kept)
                checker.keep(row, index)
                deduper.add(row, index)
                kept.append(row)
            counters.update(stats)
            if stats["valid_first"] + stats["derived"] + stats["repaired"] == 0:
                fails += 1
                if fails >= attempts:
                    raise LlmworksError(
                        f"{model_name} wrote no row that satisfies the schema in {attempts} attempts "
                        f"({_top(stats) or 'no usable reply'}). Nothing was written to {out.name}"
                        + (f"; {len(rows)} rows from earlier batches stay in {work.path}." if rows else "."),
                        "Loosen the schema or its rules, or use a stronger model with -m.",
                    )
                yield Progress(f"Batch {batch + 1}: no valid row ({_top(stats)}); trying again.", True)
                continue
            fails = 0
            counters["asked"] = asked + wanted
            counters["seconds"] = counters.get("seconds", 0) + (time.monotonic() - started)
            started = time.monotonic()
            work.commit(kept, turned, dict(counters))
            rows += kept
            dropped += turned
            yield Progress(_line(len(rows), n, counters, len(turned)))
        minutes = counters.get("seconds", 0) / 60
        report, files = _write(out, rows, dropped, spec, counters, checker, minutes, real)
        result = Synthesis(rows, dropped, report, out, complete=len(rows) >= n, resumed_rows=earlier, files=files)
        work.remove()
        yield Done(result)
    except BaseException:
        if not work.state.get("batch"):
            work.remove()  # nothing was committed: leave nothing behind
        else:
            work.close()
        raise


def _ask(spec, wanted, start, seed, batch, attempt, model, temperature, stats, taken) -> list[Any]:
    """One constrained call for `wanted` rows; [] when the reply is not the JSON asked for."""
    schema = _batch_schema(spec.schema, wanted)
    try:
        reply = llm.structured(
            batch_prompt(spec, wanted, start, random.Random(f"{seed}:{batch}:{attempt}"), taken),
            schema=_schema_type(schema),
            model=model,
            system=SYSTEM,
            temperature=temperature,
            max_tokens=wanted * ROW_TOKENS * (len(spec.fields) + 1) + 32,
            retries=0,
        )
    except llm.ModelOutputError:
        stats["unreadable replies"] += 1
        return []
    stats["generated"] += len(reply.output.rows)
    return reply.output.rows


def _repair(spec: Spec, row, problems: list[str], model, offers: list[str] | None = None) -> Any:
    """One call to fix a row, told what is wrong with it (and which free values to use); the fixed row (None if the
    reply was unreadable)."""
    prompt = (
        f"{_describe(spec)}\n\nThis row is wrong:\n{json.dumps(row, ensure_ascii=False)}\n\nProblems:\n"
        + "\n".join(f"- {p}" for p in [*problems, *(offers or [])])
        + "\n\nWrite the corrected row: fix every problem, keep the rest as it is."
    )
    try:
        return llm.structured(
            prompt,
            schema=_schema_type(spec.schema, wrap=False),
            model=model,
            system=SYSTEM,
            temperature=0.0,
            max_tokens=ROW_TOKENS * (len(spec.fields) + 1) + 32,
            retries=0,
        ).output.root
    except llm.ModelOutputError:
        return None


def _offers(spec: Spec, row, checker: Checker, taken: dict, rng: random.Random) -> list[str]:
    """For each unique field whose value the row repeats: a free value valid for the field, else the values in use.
    Told only "already used", a small model writes the same value again."""
    lines = []
    for name in checker.clashing(row):
        value = free(spec.schema["properties"][name], taken[name], rng, like=row.get(name))
        if value is None:
            lines.append(f"{name} values already used, pick another: {_recent(checker.seen[name])}")
        else:
            taken[name][value] = None
            lines.append(f"use {name} {value!r} instead: no row has it yet")
    return lines


def batch_prompt(spec: Spec, wanted: int, start: int, rng: random.Random, taken: dict | None = None) -> str:
    """The request for rows start+1 … start+wanted, each with a few seeded hints for variety. `taken` holds each
    unique field's values in use (value -> row index, oldest first); the recent ones are named, the hinted ones
    join them."""
    taken = taken if taken is not None else {name: {} for name in spec.unique}
    lines = [_describe(spec), ""]
    lines.append(f"Write rows {start + 1} to {start + wanted} of this data set ({wanted} rows), all different.")
    lines += [f"Already used, never repeat: {name} {_recent(values)}" for name, values in taken.items() if values]
    hints = [_hints(spec, rng, taken) for _ in range(wanted)]
    if any(hints):
        lines.append("Make them vary like this:")
        lines += [f"- row {start + i + 1}: {h}" for i, h in enumerate(hints) if h]
    return "\n".join(lines)


def _describe(spec: Spec) -> str:
    lines = [f"Data set: {spec.description}" if spec.description else "A data set with these columns:", "Columns:"]
    required = set(spec.schema.get("required", []))
    for name, prop in spec.schema["properties"].items():
        facts = [str(prop.get("type", "any"))]
        facts += [f"{k} {prop[k]}" for k in ("format", "pattern", "minimum", "maximum", "maxLength") if k in prop]
        if "enum" in prop:
            facts.append("one of " + ", ".join(map(str, prop["enum"])))
        if name not in required:
            facts.append("optional")
        about = f": {prop['description']}" if prop.get("description") else ""
        lines.append(f"- {name} ({'; '.join(facts)}){about}")
    if spec.unique:
        lines.append("Unique in every row: " + ", ".join(spec.unique))
    if spec.rules:
        lines.append("Rules every row must satisfy (Python expressions):")
        lines += [f"- {rule}" for rule in spec.rules]
    return "\n".join(lines)


def _hints(spec: Spec, rng: random.Random, taken: dict) -> str:
    """A free value for each unique field, an enum value for each categorical field, and a first letter for one
    free-text field."""
    hints, texts = [], []
    for name in spec.unique:
        value = free(spec.schema["properties"][name], taken[name], rng)
        if value is not None:
            taken[name][value] = None
            hints.append(f"{name} {value!r}")
    for name, prop in spec.schema["properties"].items():
        if name in spec.unique:
            continue
        shaped = {"format", "pattern", "const"} & set(prop)  # its form is fixed: a first letter would fight it
        if "enum" in prop:
            hints.append(f"{name} {rng.choice(prop['enum'])!r}")
        elif prop.get("type") == "string" and not shaped:
            texts.append(name)
    if texts:
        hints.append(f"{rng.choice(texts)} starting with {rng.choice(LETTERS)!r}")
    return ", ".join(hints)


def _recent(values: dict) -> str:
    return ", ".join(json.dumps(v, ensure_ascii=False) for v in list(values)[-SHOWN:])


def _batch_schema(row: dict, count: int) -> dict:
    return {
        "type": "object",
        "properties": {"rows": {"type": "array", "items": row, "minItems": count, "maxItems": count}},
        "required": ["rows"],
    }


def _schema_type(schema: dict, *, wrap: bool = True) -> type[BaseModel]:
    """A pydantic type for llm.structured whose JSON schema is `schema` itself; rows are checked by jsonschema after
    parsing (with the reason for each failure), so pydantic only reads the JSON."""
    from pydantic import RootModel

    base: type[BaseModel] = _Rows if wrap else RootModel[Any]  # type: ignore[assignment]

    class Schema(base):  # type: ignore[valid-type, misc]
        @classmethod
        def model_json_schema(cls, *args, **kwargs) -> dict:
            return schema

    Schema.__name__ = "rows" if wrap else "row"
    return Schema


class _Rows(BaseModel):
    rows: list[Any]


def _top(counters: Counter) -> str:
    """The most common reason rows failed, for messages."""
    problems = [(k, v) for k, v in counters.items() if k.startswith("problem: ") or k == "unreadable replies"]
    if not problems:
        return ", ".join(f"{counters[k]} {k}" for k in ("exact", "near") if counters[k]) or ""
    reason, count = max(problems, key=lambda kv: kv[1])
    return f"most often {reason.removeprefix('problem: ')} ({count}×)"


def _line(kept: int, n: int, counters: Counter, turned: int) -> str:
    rate = kept / (counters["seconds"] / 60) if counters.get("seconds") else 0.0
    left = (n - kept) / rate if rate else 0.0
    eta = f", ~{left:.0f} min left" if kept < n and rate else ""
    return f"{kept}/{n} rows ({100 * kept // n}%), {turned} turned away in this batch, {rate:.1f} rows/min{eta}"


def _write(out, rows, dropped, spec, counters, checker, minutes, real) -> tuple[Report, dict[str, Path]]:
    """The data set, its dropped rows and its report, each written whole."""
    from ...files import atomic_write

    report = build(rows, spec, counters, checker.pass_rates(), minutes=minutes or None)
    if real is not None:
        from .reference import compare

        report.reference = compare(real, rows)
    export.write(rows, out, spec.fields)
    stem = out.with_suffix("")
    files = {"data": out, "report": Path(f"{stem}.report.json"), "dropped": Path(f"{stem}.dropped.jsonl")}
    atomic_write(files["report"], json.dumps(report.to_json(), indent=1, ensure_ascii=False))
    atomic_write(files["dropped"], "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dropped))
    return report, files
