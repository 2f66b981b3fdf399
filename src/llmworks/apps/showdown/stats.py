"""Uncertainty of a showdown: a hierarchical bootstrap over prompts and repeats, and a paired test between models.

    mean, low, high = bootstrap_ci(scores)          # scores: prompts x repeats, each in [0, 1]
    diff, p = paired_test(best, other)              # same prompts, same order; p < 0.05: not a tie

Prompts are resampled first (what a new prompt set would change), then the repeats within each drawn prompt (what
sampling the model again would change), so both sources of noise are in the interval. The paired test draws the
same prompts for both models, which is what makes it paired: a hard prompt lowers both and cancels out.
"""

from __future__ import annotations

import numpy as np

SAMPLES = 4000
"""Bootstrap draws: the 2.5 % and 97.5 % percentiles move by under 0.01 between seeds at this count."""
LEVEL = 0.95
ALPHA = 0.05
"""Two models whose paired test gives p >= ALPHA are a statistical tie."""


def _resampled_means(scores: np.ndarray, items: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mean score of each bootstrap draw: prompts `items` (draws x prompts), then repeats drawn within each."""
    repeats = scores.shape[1]
    picks = rng.integers(repeats, size=(*items.shape, repeats))
    return scores[items[..., None], picks].mean(axis=(1, 2))


def bootstrap_ci(
    scores: np.ndarray, *, level: float = LEVEL, samples: int = SAMPLES, seed: int = 0
) -> tuple[float, float, float]:
    """(mean, low, high): the mean score and its percentile bootstrap interval."""
    scores = np.asarray(scores, dtype=float)
    rng = np.random.default_rng(seed)
    items = rng.integers(scores.shape[0], size=(samples, scores.shape[0]))
    means = _resampled_means(scores, items, rng)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(scores.mean()), float(low), float(high)


def paired_test(a: np.ndarray, b: np.ndarray, *, samples: int = SAMPLES, seed: int = 0) -> tuple[float, float]:
    """(mean of a − b, two-sided p): the share of paired bootstrap draws on the other side of zero, doubled."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape[0] != b.shape[0]:
        raise ValueError("a paired test needs the same prompts for both models")
    rng = np.random.default_rng(seed)
    items = rng.integers(a.shape[0], size=(samples, a.shape[0]))
    diffs = _resampled_means(a, items, rng) - _resampled_means(b, items, rng)
    p = 2 * min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0)))
    return float(a.mean() - b.mean()), min(1.0, p)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (linear, as numpy and vLLM compute it), None for no values."""
    return float(np.percentile(values, q)) if values else None
