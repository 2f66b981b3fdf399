"""Tail calibration: a monotone piecewise-linear map on the log scale that undoes a blend's regression to the mean."""

from __future__ import annotations

import numpy as np

from llmworks.apps.pricer.calibration import TailCalibration, l1_fit


def shrunk(seed: int = 0, n: int = 800):
    """True log prices and estimates pulled towards the middle, harder at the top (as a blend of regressors is)."""
    rng = np.random.default_rng(seed)
    y = np.log1p(np.exp(rng.uniform(0.5, 6.9, n)))
    middle = 4.0
    estimate = middle + 0.8 * (y - middle) - 0.5 * np.maximum(y - 5.7, 0) + rng.normal(0, 0.15, n)
    return estimate, y


def test_the_map_stretches_the_tail_back():
    estimate, y = shrunk()
    calibration = TailCalibration().fit(estimate, y)
    test_estimate, test_y = shrunk(seed=1)
    before = np.abs(np.expm1(test_estimate) - np.expm1(test_y))
    after = np.abs(np.expm1(calibration(test_estimate)) - np.expm1(test_y))
    dear = np.expm1(test_y) > 400
    assert after.mean() < 0.8 * before.mean()
    assert after[dear].mean() < 0.6 * before[dear].mean()


def test_the_map_never_turns_down():
    estimate, y = shrunk()
    y = np.where(np.expm1(estimate) > 300, y - 2.0, y)  # a tail that asks for a falling slope
    calibration = TailCalibration().fit(estimate, y)
    grid = np.linspace(0, 7, 200)
    assert np.all(np.diff(calibration(grid)) >= -1e-9)


def test_a_blend_keeps_non_negative_weights():
    rng = np.random.default_rng(0)
    y = rng.normal(4, 1, 300)
    x = np.column_stack([y + rng.normal(0, 0.1, 300), -y + rng.normal(0, 0.1, 300)])
    coef, _ = l1_fit(x, y, np.ones(300))
    assert coef[1] >= 0 and coef[0] > 0.9
