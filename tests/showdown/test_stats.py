"""The showdown statistics on data of known truth: interval width and coverage, and the paired test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmworks.apps.showdown.stats import bootstrap_ci, paired_test, percentile


def test_interval_of_a_deterministic_half_right_model_matches_the_binomial_width():
    scores = np.array([[1.0] * 3] * 6 + [[0.0] * 3] * 6)  # 6 of 12 prompts always right, 6 always wrong
    mean, low, high = bootstrap_ci(scores)
    half = 1.96 * math.sqrt(0.25 / 12)  # the normal interval of a proportion: 0.5 ± 0.28
    assert mean == 0.5
    assert low == pytest.approx(0.5 - half, abs=0.06) and high == pytest.approx(0.5 + half, abs=0.06)


def test_a_model_that_is_always_right_has_no_spread():
    assert bootstrap_ci(np.ones((10, 3))) == (1.0, 1.0, 1.0)


def test_repeat_noise_widens_the_interval():
    rng = np.random.default_rng(1)
    steady = np.repeat(rng.random((20, 1)) < 0.6, 3, axis=1).astype(float)  # the same answer every repeat
    noisy = (rng.random((20, 3)) < 0.6).astype(float)  # each repeat a fresh coin
    _, lo_s, hi_s = bootstrap_ci(steady)
    _, lo_n, hi_n = bootstrap_ci(noisy)
    assert hi_s - lo_s > 0.2 and hi_n - lo_n > 0.1  # both uncertain, neither collapsed to a point


def test_95_percent_intervals_cover_the_true_quality_about_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    p, hits, trials = 0.7, 0, 200
    for trial in range(trials):
        difficulty = rng.random(30) < p  # which prompts the model can do
        scores = np.where(rng.random((30, 3)) < 0.9, difficulty[:, None], ~difficulty[:, None]).astype(float)
        truth = p * 0.9 + (1 - p) * 0.1  # expected score of a fresh prompt and a fresh sample
        _, low, high = bootstrap_ci(scores, samples=1000, seed=trial)
        hits += low <= truth <= high
    assert 0.88 <= hits / trials <= 0.99


def test_paired_test_ties_equal_models_and_separates_different_ones():
    a = np.array([[1.0] * 3] * 12)
    assert paired_test(a, a.copy())[1] == 1.0  # identical: a tie
    one_slip = a.copy()
    one_slip[4] = 0.0
    diff, p = paired_test(a, one_slip)
    assert diff == pytest.approx(1 / 12) and p >= 0.05  # one prompt of twelve is no evidence
    half = a.copy()
    half[:6] = 0.0
    diff, p = paired_test(a, half)
    assert diff == 0.5 and p == 2 / 2**6  # of the 64 sign patterns of six differences, only all-+ and all-−


def test_few_prompts_never_make_a_difference_significant():
    right, wrong = np.ones((2, 3)), np.zeros((2, 3))
    assert paired_test(right, wrong)[1] == 0.5  # two clear wins are what coin flips give a quarter of the time x2
    assert paired_test(np.ones((5, 3)), np.zeros((5, 3)))[1] == 2 / 32  # five: still not below 0.05


def test_many_differing_prompts_use_random_patterns_with_the_exact_answer():
    rng = np.random.default_rng(5)
    a = rng.random((40, 3))
    b = a - 0.02 + rng.normal(0, 0.1, (40, 1))  # a slightly better on average, noisily
    diff, p = paired_test(a, b)
    # the exact p of this statistic, by the normal approximation to the sign-flip distribution
    d = a.mean(axis=1) - b.mean(axis=1)
    z = abs(d.sum()) / math.sqrt((d**2).sum())
    exact = math.erfc(z / math.sqrt(2))
    assert diff == pytest.approx(d.mean()) and p == pytest.approx(exact, abs=0.03)


def test_pairing_finds_a_small_consistent_gap_that_separate_intervals_miss():
    rng = np.random.default_rng(3)
    base = (rng.random((40, 1)) < 0.5).astype(float).repeat(3, axis=1)  # shared hard and easy prompts
    better = base.copy()
    better[np.flatnonzero(base[:, 0] == 0)[:6]] = 1.0  # right on 6 more prompts, never worse
    _, lo_a, hi_a = bootstrap_ci(better)
    _, lo_b, hi_b = bootstrap_ci(base)
    assert lo_a < hi_b  # the two intervals overlap ...
    assert paired_test(better, base)[1] < 0.05  # ... but the paired test sees the gap


def test_percentile_is_linear_and_empty_is_none():
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([], 95) is None
