"""The Tester: run a pricer over items and score it the course's way.

    report = evaluate(pricer, items)
    report.error, report.rmsle, report.hit_rate        # mean |guess - truth| in $, RMSLE, share of green
    report.rows[0].color                                # "green" | "orange" | "red"
    report.scatter_png("scatter.png")

An item without an estimate (an LLM refusal) scores as a guess of $0, so refusing is never cheaper than guessing;
`report.missing` counts them.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

from .items import Item, PricerDataError, PricerError, check_price


def color_for(truth: float, guess: float) -> str:
    """green: error < $40 or < 20 % of truth; orange: < $80 or < 40 %; red otherwise."""
    error = abs(guess - truth)
    if error < 40 or error < 0.2 * truth:
        return "green"
    if error < 80 or error < 0.4 * truth:
        return "orange"
    return "red"


@dataclass
class Row:
    title: str
    truth: float
    guess: float | None

    @property
    def scored_guess(self) -> float:
        return 0.0 if self.guess is None else max(0.0, self.guess)

    @property
    def error(self) -> float:
        return abs(self.scored_guess - self.truth)

    @property
    def sle(self) -> float:
        return (math.log1p(self.truth) - math.log1p(self.scored_guess)) ** 2

    @property
    def color(self) -> str:
        return color_for(self.truth, self.scored_guess)


@dataclass
class Report:
    model: str
    rows: list[Row]
    duration_s: float

    @property
    def n(self) -> int:
        return len(self.rows)

    @property
    def error(self) -> float:
        return sum(r.error for r in self.rows) / self.n

    @property
    def rmsle(self) -> float:
        return math.sqrt(sum(r.sle for r in self.rows) / self.n)

    @property
    def hit_rate(self) -> float:
        return sum(r.color == "green" for r in self.rows) / self.n

    @property
    def missing(self) -> int:
        return sum(r.guess is None for r in self.rows)

    def summary(self) -> dict:
        return {
            "model": self.model,
            "n": self.n,
            "error": round(self.error, 2),
            "rmsle": round(self.rmsle, 4),
            "hit_rate": round(self.hit_rate, 4),
            "missing": self.missing,
            "seconds": round(self.duration_s, 2),
        }

    def title(self) -> str:
        return f"{self.model}: error=${self.error:,.2f} RMSLE={self.rmsle:.2f} hits={self.hit_rate:.1%} n={self.n}" + (
            f" no-estimate={self.missing}" if self.missing else ""
        )

    def scatter_png(self, path: str | Path) -> Path:
        """Truth vs estimate, coloured like the rows, with the y = x line."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ...files import atomic_write

        fig, ax = plt.subplots(figsize=(9, 7))
        top = max([r.truth for r in self.rows] + [r.scored_guess for r in self.rows] + [1.0])
        ax.plot([0, top], [0, top], color="deepskyblue", lw=1.5, alpha=0.6)
        ax.scatter(
            [r.truth for r in self.rows], [r.scored_guess for r in self.rows], s=6, c=[r.color for r in self.rows]
        )
        ax.set_xlabel("Ground truth ($)")
        ax.set_ylabel("Model estimate ($)")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_title(self.title())
        import io

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        plt.close(fig)
        return atomic_write(path, buf.getvalue())


def evaluate(pricer, items: list[Item], *, model: str | None = None) -> Report:
    """Predict every item (one batch call) and score it; the clock covers prediction only. True prices must be finite
    and above 0 (load_items checks files; this checks items built in code): a NaN or negative truth scores nothing."""
    if not items:
        raise PricerError("No items to score: pass a data file with items, or a smaller --n.")
    for k, item in enumerate(items, 1):
        try:
            check_price(item.price)
        except ValueError as e:
            raise PricerDataError(f"Item {k} ({item.title[:60]!r}): {e}.", "Fix its price or leave it out.") from None
    start = time.perf_counter()
    guesses = list(pricer.predict(items))
    duration = time.perf_counter() - start
    if len(guesses) != len(items):
        raise ValueError(f"{type(pricer).__name__}.predict returned {len(guesses)} estimates for {len(items)} items")
    rows = [
        Row(i.title, i.price, None if g is None or not math.isfinite(g) else float(g)) for i, g in zip(items, guesses)
    ]
    return Report(model or getattr(pricer, "name", type(pricer).__name__), rows, duration)
