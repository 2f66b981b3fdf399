"""What a deal is really worth: the pricer's best saved model, loaded once, wrapped as a function of text.

    estimator = result(load_estimator())                   # the saved ensemble (or another saved pricer)
    estimator("Lenovo IdeaPad Slim 3 Chromebook 14\" …")   # Valuation(price, members, pricer)
    PricerEstimator(make_pricer("tfidf").fit(items))       # any fitted pricer, e.g. a small one in tests
    FunctionEstimator(lambda text: 199.0)                  # or a function

Built on the pricer's public API only (`load_pricer`, `make_pricer`, `item_from_description`, the workflow's
`saved_models`, `models_dir`, `train_and_save`). An ensemble's `member_estimates`/`combine` give each member's view,
as the pricer's own `estimate` shows them; the pricer is loaded once instead of per estimate as `estimate()` does.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ...errors import LlmworksError
from ...events import Done, Event, Progress, app

PREFERRED = ("ensemble", "tfidf", "knn", "boosting", "forest")
"""Saved pricers in order of preference: the course's ensemble first, then its members."""
FAST = "tfidf"
"""The ensemble member trained first when the ensemble would take minutes: the ensemble's best single member."""
FAST_ABOVE_ITEMS = 800
"""Training sets larger than this fit the fast member first: on 1,500 items (two busy cores) the ensemble took
232 s to fit, its TF-IDF member 84 s."""
SECONDS_PER_ITEM = {"tfidf": 0.06, "ensemble": 0.16}
"""Fit time per training item measured as above: the estimate shown before training."""


@dataclass
class Valuation:
    """An estimate of a product's true price, and each ensemble member's view."""

    price: float | None
    pricer: str
    members: dict[str, float | None] = field(default_factory=dict)


Estimator = Callable[[str], Valuation]


class PricerEstimator:
    """A fitted pricer as an estimator."""

    def __init__(self, pricer, name: str | None = None):
        self.pricer, self.name = pricer, name or pricer.name

    def __call__(self, text: str) -> Valuation:
        from ..pricer import item_from_description

        item = item_from_description(text)
        if hasattr(self.pricer, "member_estimates"):
            members = self.pricer.member_estimates([item])
            price = _finite(self.pricer.combine(members)[0])
            return Valuation(price, self.name, {k: _finite(v[0]) for k, v in members.items()})
        return Valuation(_finite(self.pricer.predict([item])[0]), self.name)


class FunctionEstimator:
    """`fn(text) -> price` as an estimator (tests, or any pricing service)."""

    def __init__(self, fn: Callable[[str], float | None], name: str = "function"):
        self.fn, self.name = fn, name

    def __call__(self, text: str) -> Valuation:
        return Valuation(_finite(self.fn(text)), self.name)


def _finite(value) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def best_saved() -> str | None:
    """The most preferred pricer saved under the pricer's models folder, or None."""
    from ..pricer.workflow import saved_models

    saved = saved_models()
    for name in PREFERRED:
        if name in saved:
            return name
    return saved[0] if saved else None


@app
def load_estimator(
    pricer: str | None = None, *, train_data: str | os.PathLike | None = None, full: bool = False
) -> Iterator[Event]:
    """Done(PricerEstimator) from the saved pricer `pricer` (default: the best saved one). With none saved and
    `train_data` given, train one first (progress and estimated time shown): the ensemble when the data is small or
    `full`, else its fast member."""
    from ..pricer import load_pricer
    from ..pricer.workflow import models_dir

    name = pricer or best_saved()
    if name and (models_dir() / name / "pricer.json").is_file():
        yield Progress(f"Loading the saved {name} pricer…")
        yield Done(PricerEstimator(load_pricer(models_dir() / name), name))
        return
    if train_data is None:
        what = f"No saved {name!r} pricer" if name else "No saved pricer"
        raise LlmworksError(
            f"{what} to estimate deals with.",
            f"Train one: llmworks pricer train --pricer {name or 'ensemble'} --data items.jsonl, or pass --train-data "
            "items.jsonl.",
        )
    from ..pricer import load_items

    items = load_items(train_data)
    name = pricer or ("ensemble" if full or len(items) <= FAST_ABOVE_ITEMS else FAST)
    eta = SECONDS_PER_ITEM.get(name, 0.4) * len(items)
    note = (
        ""
        if name != FAST or pricer
        else " (the ensemble's fast member: the ensemble would take minutes; train it with llmworks pricer train "
        "--pricer ensemble, and the next run uses it)"
    )
    yield Progress(f"No saved pricer: training {name} on {len(items):,} items, about {_duration(eta)}{note}…")
    yield from _train(name, train_data)
    yield Done(PricerEstimator(load_pricer(models_dir() / name), name))


def _train(name: str, data) -> Iterator[Event]:
    from ..pricer.workflow import train_and_save

    start = time.perf_counter()
    trained = train_and_save(name, data)
    yield Progress(f"Trained {name} in {_duration(time.perf_counter() - start)}, saved to {trained.path}")


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
