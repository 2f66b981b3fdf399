"""The `Pricer` contract: `fit(items)` → `predict(items)` → estimates in $ (None = no estimate), saved to a folder.

    pricer = make_pricer("tfidf").fit(train)
    pricer.predict(test)            # [171.2, 23.9, ...]
    pricer.save("models/tfidf"); load_pricer("models/tfidf")

A saved pricer is a folder: `pricer.json` (name, class, options; for people and `leaderboard`) and `pricer.joblib`
(the fitted object). Load only folders you made yourself: joblib files are pickles, and loading one runs whatever
it names. The workbench therefore loads only from the data dir's models folder (`loading_only_from`).
"""

from __future__ import annotations

import importlib
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ...files import atomic_write
from .items import MIN_PRICE, Item, PricerError


class Pricer:
    name: ClassVar[str] = ""
    log_target: ClassVar[bool] = True
    """Regress on ln(1 + price): prices span three orders of magnitude and errors scale with them."""

    def fit(self, items: list[Item]) -> Pricer:
        return self

    def predict(self, items: list[Item]) -> list[float | None]:
        raise NotImplementedError

    def estimate(self, item: Item) -> float | None:
        return self.predict([item])[0]

    def embeds(self) -> bool:
        """Whether fitting embeds the items' texts (the slow part: an estimate is shown before it starts)."""
        return False

    def options(self) -> dict[str, Any]:
        """Constructor arguments, recorded in pricer.json."""
        return {k: v for k, v in vars(self).items() if not k.endswith("_") and _jsonable(v)}

    def save(self, directory: str | os.PathLike) -> Path:
        import joblib

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        joblib.dump(self, buf, compress=3)
        atomic_write(directory / "pricer.joblib", buf.getvalue())
        meta = {
            "name": self.name,
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "options": self.options(),
        }
        atomic_write(directory / "pricer.json", json.dumps(meta, indent=2) + "\n")
        return directory

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


_trusted_root: ContextVar[Path | None] = ContextVar("pricer_trusted_root", default=None)


@contextmanager
def loading_only_from(root: str | os.PathLike) -> Iterator[None]:
    """Within this block `load_pricer` refuses any folder outside `root`, whatever path reaches it (the workbench
    passes typed names through `resolve_pricer`, which also looks in the working directory)."""
    token = _trusted_root.set(Path(root).resolve())
    try:
        yield
    finally:
        _trusted_root.reset(token)


def load_pricer(directory: str | os.PathLike) -> Pricer:
    directory = Path(directory)
    root = _trusted_root.get()
    if root is not None and not directory.resolve().is_relative_to(root):
        raise PricerError(
            f"Saved pricers are loaded only from {root}, not {directory}: train one there with "
            "`llmworks pricer train --pricer NAME --data ITEMS.jsonl`."
        )
    meta_path = directory / "pricer.json"
    if not meta_path.is_file():
        raise PricerError(
            f"No saved pricer in {directory}: run `llmworks pricer train --pricer NAME --out {directory}`."
        )

    def damaged(what: str, name: str = "NAME") -> PricerError:
        return PricerError(
            f"The saved pricer in {directory} cannot be used: {what}. Retrain it with "
            f"`llmworks pricer train --pricer {name} --data ITEMS.jsonl --out {directory}`."
        )

    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        module_name, _, class_name = meta["class"].rpartition(".")
        name = str(meta.get("name") or "NAME")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # unreadable, not JSON, not the shape we write
        raise damaged("pricer.json is damaged") from None
    if not module_name.startswith(f"{__package__}."):  # only our own pricer classes: never import what a file names
        raise damaged("pricer.json names a class that is not one of llmworks' pricers", name)
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        raise damaged("it was saved by a version with a pricer this one does not have", name) from None
    if not (isinstance(cls, type) and issubclass(cls, Pricer)):
        raise damaged("pricer.json names a class that is not one of llmworks' pricers", name)
    if hasattr(cls, "load_from"):  # pricers whose weights are not a pickle (LoRA adapters)
        return cls.load_from(directory, meta)
    import joblib

    try:
        pricer = joblib.load(directory / "pricer.joblib")
    except PricerError:  # a pricer's own "retrain me" (an ensemble pickled before the median blend)
        raise
    except FileNotFoundError:
        raise damaged("pricer.joblib is missing", name) from None
    except Exception:  # truncated or garbage bytes fail in many ways (unpickling, zlib, index, EOF errors)
        raise damaged("pricer.joblib is damaged or was written by incompatible library versions", name) from None
    if not isinstance(pricer, cls):
        raise damaged(f"pricer.joblib does not hold the {class_name} that pricer.json names", name)
    return pricer


# name → "module:Class" (modules imported on demand: `--help` and the UI stay fast)
PRICERS: dict[str, str] = {
    "random": "baselines:RandomPricer",
    "constant": "baselines:ConstantPricer",
    "features": "baselines:FeaturesPricer",
    "bow": "classic:BowPricer",
    "word2vec": "classic:Word2VecPricer",
    "svr": "classic:SVRPricer",
    "forest": "classic:ForestPricer",
    "boosting": "classic:BoostingPricer",
    "tfidf": "classic:TfidfPricer",
    "embed-svr": "neighbours:EmbedSVRPricer",
    "knn": "neighbours:KNNPricer",
    "llm": "llm_pricers:LLMPricer",
    "rag": "llm_pricers:RAGPricer",
    "ensemble": "ensemble:EnsemblePricer",
    "lora": "lora:LoRAPricer",
}


def make_pricer(name: str, **options: Any) -> Pricer:
    if name not in PRICERS:
        from difflib import get_close_matches

        hint = get_close_matches(name, PRICERS, n=1)
        raise PricerError(
            f"Unknown pricer {name!r}."
            + (f" Did you mean {hint[0]!r}?" if hint else "")
            + f" Choose from: {', '.join(PRICERS)}."
        )
    module, _, cls = PRICERS[name].partition(":")
    pricer_cls = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
    try:
        return pricer_cls(**options)
    except TypeError as e:
        raise PricerError(f"Bad option for pricer {name!r}: {e}") from None


def targets(items: list[Item]) -> np.ndarray:
    return np.log1p(np.array([i.price for i in items], dtype=np.float64))


def weights(items: list[Item]) -> np.ndarray:
    """Per-item training weight (`meta["weight"]`, 1 by default): extra rows from another distribution count less."""
    return np.array([float(i.meta.get("weight", 1.0)) for i in items], dtype=np.float64)


def power_targets(items: list[Item], power: float) -> np.ndarray:
    """price ** power: a milder squash than the log for models whose loss is squared. On 5-fold CV of the dev
    items, ridge on TF-IDF fell from $99 mean error on log prices to $96.5 on cube roots: the log shrinks the
    dear items, whose errors dominate a mean in dollars."""
    return np.array([i.price for i in items], dtype=np.float64) ** power


def from_power(values: np.ndarray, power: float) -> list[float]:
    """Inverse of `power_targets`, clipped to the course's price range."""
    return [float(p) for p in np.clip(values, MIN_PRICE**power, 1000.0**power) ** (1 / power)]


def target_rows(items: list[Item]) -> list[Item]:
    """The rows of the distribution we are tested on: those without a down-weighting `meta["weight"]`."""
    rows = [i for i in items if "weight" not in i.meta]
    return rows or items


def to_prices(log_prices: np.ndarray) -> list[float]:
    return [float(p) for p in np.clip(np.expm1(log_prices), 0.0, None)]
