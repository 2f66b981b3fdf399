"""Uncertainty of a showdown: a hierarchical bootstrap interval of each model's quality, and a paired
randomisation test between two models on the same prompts.

    mean, low, high = bootstrap_ci(scores)          # scores: prompts x repeats, each in [0, 1]
    diff, p = paired_test(best, other)              # same prompts, same order; p < 0.05: not a tie

The interval resamples prompts first (what a new prompt set would change), then the repeats within each drawn
prompt (what sampling the model again would change), so both sources of noise are in it. The paired test works on
each prompt's difference of mean scores (a hard prompt lowers both models and cancels out) and flips their signs:
under "no difference" each sign is a coin, so p is the share of sign patterns whose total is at least as far from
zero as the one observed - exact up to 16 differing prompts, 20,000 random patterns beyond. Unlike a bootstrap of
the difference it stays honest on few prompts: two prompts, however clear, never give p below 0.5.
"""

from __future__ import annotations

import numpy as np

SAMPLES = 4000
"""Bootstrap draws: the 2.5 % and 97.5 % percentiles move by under 0.01 between seeds at this count."""
LEVEL = 0.95
EXACT_UP_TO = 16
"""Prompts that differ, up to which every sign pattern is enumerated (2^16 = 65,536)."""
PATTERNS = 20_000
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


def paired_test(a: np.ndarray, b: np.ndarray, *, samples: int = PATTERNS, seed: int = 0) -> tuple[float, float]:
    """(mean of a − b, two-sided p) of the sign-flip test on per-prompt mean differences."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape[0] != b.shape[0]:
        raise ValueError("a paired test needs the same prompts for both models")
    diffs = a.mean(axis=1) - b.mean(axis=1)
    differing = diffs[np.abs(diffs) > 1e-12]
    n = differing.size
    if n == 0:
        return 0.0, 1.0
    if n <= EXACT_UP_TO:
        signs = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1) * 2 - 1  # every pattern once
        extreme = np.abs(signs @ differing) >= abs(differing.sum()) - 1e-9
        p = float(extreme.mean())
    else:
        signs = np.random.default_rng(seed).choice([-1, 1], size=(samples, n))
        extreme = np.abs(signs @ differing) >= abs(differing.sum()) - 1e-9
        p = (float(extreme.sum()) + 1) / (samples + 1)  # the observed pattern counts as one of them
    return float(diffs.mean()), min(1.0, p)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (linear, as numpy and vLLM compute it), None for no values."""
    return float(np.percentile(values, q)) if values else None
