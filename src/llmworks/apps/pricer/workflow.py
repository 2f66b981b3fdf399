"""The jobs behind the CLI and the UI, each an event stream (Progress, then Done with a typed result):

for event in run("Moen vanity light, 2 globes"): ...        # Done(Estimate) from the saved ensemble
estimate("Moen vanity light, 2 globes").price               # the same, run to the end
result(run_train("tfidf", "items.jsonl"))                   # Trained(pricer, path, seconds)
result(run_eval("tfidf", "items.jsonl")).report.error       # Evaluation(report, fit_seconds, n_train)
result(run_leaderboard("items.jsonl")).markdown()           # Leaderboard; a Progress line per pricer
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ...events import Done, Event, Progress, app, as_they_happen, result
from ...files import atomic_write, data_dir
from .base import PRICERS, Pricer, load_pricer, make_pricer
from .items import Item, PricerError, item_from_description, load_items
from .splits import holdout_split, weighted_extras
from .tester import Report, evaluate

T = TypeVar("T")
UNTRAINED = {"random", "llm"}
"""Pricers with nothing to learn: evaluated without a training set."""
LEADERBOARD_MODELS = [
    "random",
    "constant",
    "features",
    "bow",
    "word2vec",
    "svr",
    "forest",
    "boosting",
    "tfidf",
    "knn",
    "embed-svr",
    "ensemble",
    "llm",
    "rag",
]
LLM_MODELS = {"llm", "rag"}


def models_dir() -> Path:
    return data_dir("pricer", "models")


def resolve_pricer(
    model: str, *, llm_model: str | None = None, options: dict[str, Any] | None = None, prefer_saved: bool = False
) -> Pricer:
    """A saved pricer (a folder, or a name saved under LLMWORKS_HOME/pricer/models) or a fresh one by name.
    A pricer name means a fresh pricer, unless `prefer_saved` (estimates use what `pricer train` saved)."""
    path = Path(model)
    if (path / "pricer.json").is_file():
        return load_pricer(path)
    if (prefer_saved or model not in PRICERS) and (models_dir() / model / "pricer.json").is_file():
        return load_pricer(models_dir() / model)
    options = dict(options or {})
    if llm_model and model in LLM_MODELS:
        options["model"] = llm_model
    return make_pricer(model, **options)


def training_set(train: list[Item], extra_path: str | os.PathLike | None, extra_weight: float) -> list[Item]:
    if not extra_path or extra_weight <= 0:
        return train
    return train + weighted_extras(load_items(extra_path), train, scale=extra_weight)


def fitting(pricer: Pricer, items: list[Item]) -> Generator[Event, None, float]:
    """Fit `pricer` on `items`, yielding an estimate of the embedding work up front and the fit's own progress
    lines (folds, members, embedding batches) as Progress events; return the seconds it took."""
    from .embedding_cache import missing_count
    from .progress import duration

    what = f"Fitting {pricer.name} on {len(items):,} items"
    if pricer.embeds():
        new, seconds = missing_count([i.text for i in items])
        if new:
            what += f" ({new:,} texts to embed first, about {duration(seconds)})"
    yield Progress(what + "…")
    start = time.perf_counter()
    yield from reported(pricer.fit, items)
    return time.perf_counter() - start


def reported(work: Callable[..., T], *args: Any, **kwargs: Any) -> Generator[Event, None, T]:
    """Run `work(*args, **kwargs)` on a worker thread, yielding what it `progress.report`s as Progress events;
    return its result."""
    from .progress import reporting

    def job(say) -> T:
        with reporting(lambda text: say(Progress(text))):
            return work(*args, **kwargs)

    return (yield from as_they_happen(job))


@dataclass
class Trained:
    pricer: Pricer
    path: Path
    """Where it was saved."""
    seconds: float
    """Time to fit."""


@app
def run_train(
    model: str,
    data: str | os.PathLike,
    out: str | os.PathLike | None = None,
    *,
    extra: str | os.PathLike | None = None,
    extra_weight: float = 0.5,
    llm_model: str | None = None,
    options: dict[str, Any] | None = None,
) -> Iterator[Event]:
    """Fit the pricer `model` on `data` (plus down-weighted `extra` rows) and save it (default: the models folder)."""
    items = training_set(load_items(data), extra, extra_weight)
    pricer = resolve_pricer(model, llm_model=llm_model, options=options)
    seconds = yield from fitting(pricer, items)
    target = Path(out) if out else models_dir() / model
    yield Done(Trained(pricer, pricer.save(target), seconds))


def train_and_save(model: str, data: str | os.PathLike, out: str | os.PathLike | None = None, **options) -> Trained:
    """`run_train` to the end."""
    return result(run_train(model, data, out, **options))


@dataclass
class Evaluation:
    report: Report
    fit_seconds: float
    n_train: int


@app
def run_eval(
    model: str,
    data: str | os.PathLike,
    *,
    train: str | os.PathLike | None = None,
    n: int = 250,
    seed: int = 42,
    extra: str | os.PathLike | None = None,
    extra_weight: float = 0.5,
    llm_model: str | None = None,
    options: dict[str, Any] | None = None,
) -> Iterator[Event]:
    """Evaluate `model` on `n` items of `data`. A fresh trainable model is fitted first: on `train` when given,
    else on the rest of `data` (the first `n` of a seeded shuffle are held out). Saved models are used as they are."""
    items = load_items(data)
    pricer = resolve_pricer(model, llm_model=llm_model, options=options)
    fresh = model in PRICERS and not (Path(model) / "pricer.json").is_file()
    if train is not None:
        test, fit_items = items[: n or None], load_items(train)
    elif fresh and model not in UNTRAINED:
        if n <= 0 or n >= len(items):
            raise PricerError(
                f"Hold-out of {n} leaves nothing to train on in {len(items)} items: pass --train FILE or a smaller --n."
            )
        fit_items, test = holdout_split(items, n, seed)
    else:
        test, fit_items = items[: n or None], []
    fit_seconds, n_train = 0.0, 0
    if fresh and fit_items:
        fit_items = training_set(fit_items, extra, extra_weight)
        fit_seconds, n_train = (yield from fitting(pricer, fit_items)), len(fit_items)
    label = model if fresh else Path(model).name
    if llm_model and model in LLM_MODELS:
        label = f"{model} ({llm_model})"
    yield Progress(f"Pricing {len(test):,} items…")
    report = yield from reported(evaluate, pricer, test, model=label)
    yield Done(Evaluation(report, fit_seconds, n_train))


@dataclass
class Leaderboard:
    rows: list[dict[str, Any]]

    def markdown(self) -> str:
        lines = [
            "| model | error $ | RMSLE | hit rate | n | no estimate | fit s | predict s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in sorted(self.rows, key=lambda r: r["error"]):
            lines.append(
                f"| {r['model']} | {r['error']:.2f} | {r['rmsle']:.3f} | {r['hit_rate']:.1%} | {r['n']} | "
                f"{r['missing']} | {r['fit_seconds']:.1f} | {r['seconds']:.1f} |"
            )
        return "\n".join(lines)

    def csv(self) -> str:
        buf = io.StringIO()
        fields = ["model", "error", "rmsle", "hit_rate", "n", "missing", "n_train", "fit_seconds", "seconds"]
        writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(self.rows, key=lambda r: r["error"]))
        return buf.getvalue()

    def save(self, out: str | os.PathLike) -> Path:
        out = Path(out)
        atomic_write(out / "leaderboard.md", self.markdown() + "\n")
        atomic_write(out / "leaderboard.csv", self.csv())
        atomic_write(out / "leaderboard.json", json.dumps(self.rows, indent=2) + "\n")
        return out


@app
def run_leaderboard(
    data: str | os.PathLike,
    *,
    models: list[str] | None = None,
    n: int = 250,
    seed: int = 42,
    extra: str | os.PathLike | None = None,
    extra_weight: float = 0.5,
    llm_model: str | None = None,
    llm_n: int | None = 50,
) -> Iterator[Event]:
    """Every model on one split: train on the items not held out (plus weighted extras), test on the same `n`.
    LLM pricers run on the first `llm_n` test items only (a 135M model on 2 cores is ~1 s an item). A Progress line
    per pricer as it finishes; Done(Leaderboard)."""
    items = load_items(data)
    train, test = holdout_split(items, n, seed)
    fit_items = training_set(train, extra, extra_weight)
    rows = []
    for name in models or LEADERBOARD_MODELS:
        pricer = resolve_pricer(name, llm_model=llm_model)
        fit_seconds = 0.0 if name in UNTRAINED else (yield from fitting(pricer, fit_items))
        subset = test[:llm_n] if name in LLM_MODELS and llm_n else test
        label = f"{name} ({llm_model or _default_model()})" if name in LLM_MODELS else name
        report = yield from reported(evaluate, pricer, subset, model=label)
        row = {**report.summary(), "n_train": len(fit_items), "fit_seconds": round(fit_seconds, 2)}
        rows.append(row)
        yield Progress(f"{row['model']}: ${row['error']:.2f} (n={row['n']}, fit {row['fit_seconds']:.0f}s)")
    yield Done(Leaderboard(rows))


def _default_model() -> str:
    from ...config import get_settings

    return get_settings().model


@dataclass
class Estimate:
    """One product's price from a saved pricer; for an ensemble, each member's estimate and its weight."""

    pricer: str
    price: float | None
    """None: the pricer gave no estimate (an LLM that would not name a price)."""
    members: dict[str, float | None] = field(default_factory=dict)
    blend: dict[str, float] = field(default_factory=dict)


@app
def run(description: str, pricer: str = "ensemble") -> Iterator[Event]:
    """Estimate one pasted description's price with the pricer `pricer` saved by `pricer train` (or an untrained
    one such as `random`): Done(Estimate)."""
    item = item_from_description(description)
    yield Progress(f"Loading the {pricer} pricer…")
    found = resolve_pricer(pricer, prefer_saved=True)
    if not _is_fitted(found):
        raise PricerError(
            f"No trained {pricer!r} pricer yet: run `llmworks pricer train --pricer {pricer} --data ITEMS.jsonl` first."
        )
    if hasattr(found, "member_estimates"):
        members = found.member_estimates([item])
        yield Done(
            Estimate(
                pricer,
                _price(found.combine(members)[0]),
                {k: _price(v[0]) for k, v in members.items()},
                dict(found.blend),
            )
        )
        return
    yield Done(Estimate(pricer, _price(found.predict([item])[0])))


def _price(value) -> float | None:
    """A finite estimate as a float; anything else (None, NaN, inf) is no estimate."""
    return float(value) if value is not None and math.isfinite(value) else None


def estimate(description: str, pricer: str = "ensemble") -> Estimate:
    """`run` to the end: the Estimate."""
    return result(run(description, pricer))


def is_pricer(name: str) -> bool:
    """A pricer name, a pricer saved under that name, or a folder saved by `pricer train`."""
    return name in PRICERS or (Path(name) / "pricer.json").is_file() or (models_dir() / name / "pricer.json").is_file()


def _is_fitted(pricer: Pricer) -> bool:
    return pricer.name in UNTRAINED or any(k.endswith("_") for k in vars(pricer))


def saved_models() -> list[str]:
    root = models_dir()
    return sorted(p.name for p in root.iterdir() if (p / "pricer.json").is_file()) if root.is_dir() else []
