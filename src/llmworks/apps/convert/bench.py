"""`convert bench`: every model (and py2many, and the Cython baseline) on the bundled programs and the correctness
set, one row each: compile@1, pass@1, pass after repairs, median speed-up, tokens and cost. Speed-ups come from the
bundled programs only: a correctness problem runs for milliseconds, its ratio would measure process start-up."""

from __future__ import annotations

import statistics
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from llmworks import llm
from llmworks.errors import LlmworksError
from llmworks.events import Done, Event, Progress, app
from llmworks.llm.types import Usage
from llmworks.sandbox import Sandbox

from . import toolchain as tc
from .baseline import Baseline, cython_baseline
from .converter import PYTHON_LIMITS, REPAIRS, Conversion, Round, convert, native_limits, python_run
from .correctness import humaneval

FIRST = ["pi", "max_subarray"]  # the course's two programs lead, so a short run (--limit 2) is the course's demo
BASELINE = "cython (no model)"


@dataclass
class BenchRow:
    model: str
    runs: int = 0
    compiled_first: int = 0
    passed_first: int = 0
    passed: int = 0
    speedups: list[float] = field(default_factory=list)
    usage: Usage = field(default_factory=lambda: Usage(cost_usd=0.0))
    verdicts: Counter = field(default_factory=Counter)

    def add(self, c: Conversion, *, timed: bool = True) -> None:
        """Count one conversion; `timed=False` (a correctness problem, milliseconds of work) adds no speed-up."""
        self.runs += 1
        first = c.rounds[0].verdict if c.rounds else c.verdict
        self.compiled_first += first not in ("compile-error", "env")
        self.passed_first += first == "pass"
        self.passed += c.verdict == "pass"
        self.verdicts[c.verdict] += 1
        self.usage = self.usage + c.usage
        if timed and c.speedup is not None:
            self.speedups.append(c.speedup)

    def rate(self, n: int) -> float | None:
        return n / self.runs if self.runs else None

    @property
    def median_speedup(self) -> float | None:
        return statistics.median(self.speedups) if self.speedups else None

    def as_json(self) -> dict:
        return {
            "model": self.model,
            "runs": self.runs,
            "compile@1": self.rate(self.compiled_first),
            "pass@1": self.rate(self.passed_first),
            "pass_repaired": self.rate(self.passed),
            "median_speedup": self.median_speedup,
            "tokens": self.usage.input_tokens + self.usage.output_tokens,
            "cost_usd": self.usage.cost_usd,
            "verdicts": dict(self.verdicts),
        }


@dataclass
class BenchReport:
    to: str
    programs: list[str]
    rows: list[BenchRow]
    conversions: list[Conversion] = field(default_factory=list, repr=False)

    def as_json(self) -> dict:
        return {"to": self.to, "programs": self.programs, "rows": [r.as_json() for r in self.rows]}


def programs() -> dict[str, str]:
    """The bundled benchmark programs: name → source, the course's two first."""
    folder = resources.files("llmworks.apps.convert") / "programs"
    found = {p.name[:-3]: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name.endswith(".py")}
    return {name: found[name] for name in [*FIRST, *sorted(set(found) - set(FIRST))]}


@app
def bench(
    models: Sequence[str | llm.Model | None] = (None,),
    *,
    to: str = "cpp",
    only: Sequence[str] = (),
    limit: int | None = None,
    tasks: int = 0,
    repairs: int = REPAIRS,
    baseline: bool = True,
) -> Iterator[Event]:
    """Run each model on the programs (`only` names some; `limit` keeps the first N) and the first `tasks`
    correctness problems; Done carries a BenchReport."""
    bundled = programs()
    unknown = sorted(set(only) - set(bundled))
    if unknown:
        raise LlmworksError(f"Unknown program(s): {', '.join(unknown)}.", f"Choose from: {', '.join(bundled)}.")
    chosen = {n: bundled[n] for n in (only or bundled)}
    chosen = dict(list(chosen.items())[:limit] if limit is not None else chosen.items())
    correctness = {t.name: t.program for t in humaneval()[:tasks]} if tasks else {}
    chain = tc.probe(to)
    box = Sandbox()
    names = [m if isinstance(m, str) or m is None else m.name for m in models]
    rows = {i: BenchRow(name or llm.get_model(None).name) for i, name in enumerate(names)}
    base = BenchRow(BASELINE)
    report = BenchReport(to, [*chosen, *correctness], [])
    with tempfile.TemporaryDirectory(prefix="llmworks-bench-") as work:
        for n, (name, code) in enumerate([*chosen.items(), *correctness.items()], 1):
            source = Path(work, name.replace("/", "_") + ".py")
            source.write_text(code)
            yield Progress(f"[{n}/{len(report.programs)}] {name}: Python")
            expected = python_run(source, PYTHON_LIMITS, box)
            for i, model in enumerate(models):
                conversion = yield from _quiet(
                    convert(source, code, expected, chain, model=model, repairs=repairs, stream=False)
                )
                rows[i].add(conversion, timed=name in chosen)
                report.conversions.append(conversion)
                yield Progress(f"[{n}/{len(report.programs)}] {name}: {rows[i].model} → {conversion.verdict}")
            if baseline and name in chosen:
                b = cython_baseline(source, expected.stdout, native_limits(expected))
                base.add(_baseline_conversion(source, expected, b))
                yield Progress(f"[{n}/{len(report.programs)}] {name}: {BASELINE} → {b.verdict}")
    report.rows = [*rows.values(), *([base] if baseline and chosen else [])]
    yield Done(report)


def _quiet(events: Iterator[Event]) -> Iterator[Event]:
    """A conversion's events without its per-round chatter (the bench reports one line per program and model)."""
    while True:
        try:
            event = next(events)
        except StopIteration as stop:
            return stop.value
        if isinstance(event, Progress) and event.warning:
            yield event


def _baseline_conversion(source: Path, expected, b: Baseline) -> Conversion:
    """The Cython result as a row entry like any translation's."""
    return Conversion(
        source=source,
        lang="python",
        model=BASELINE,
        verdict=b.verdict,
        rounds=[Round(1, b.verdict, b.detail, "", b.native_s, Usage(cost_usd=0.0))],
        code="",
        out=None,
        python_s=expected.cpu_s,
        native_s=b.native_s if b.verdict == "pass" else None,
        usage=Usage(cost_usd=0.0),
        command="cython --embed",
    )
