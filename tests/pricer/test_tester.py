"""The Tester's metrics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from llmworks.apps.pricer.items import Item
from llmworks.apps.pricer.tester import color_for, evaluate


class Fixed:
    name = "fixed"

    def __init__(self, guesses):
        self.guesses = guesses

    def predict(self, items):
        return list(self.guesses)


def test_colors_follow_the_course_thresholds():
    assert color_for(100, 139) == "green"  # < $40
    assert color_for(1000, 1190) == "green"  # $190 but < 20 %
    assert color_for(100, 170) == "orange"  # < $80
    assert color_for(500, 680) == "orange"  # $180 but < 40 %
    assert color_for(100, 185) == "red"


@pytest.mark.parametrize(
    ("truth", "guess", "color"),
    [
        # $40: strictly under is a hit (at $100 the 20 % rule gives only $20, so the dollar rule decides)
        (100, 139.99, "green"),
        (100, 140, "orange"),
        (100, 60.01, "green"),
        (100, 60, "orange"),
        # 20 %: strictly under is a hit (at $1,000 the dollar rule gives only $40, so the percentage decides)
        (1000, 1199.99, "green"),
        (1000, 1200, "orange"),
        (1000, 800.01, "green"),
        (1000, 800, "orange"),
        # either rule suffices: $45 off is a hit at $250 (< 20 %) and not at $150
        (250, 295, "green"),
        (150, 195, "orange"),
        # orange ends the same way: $80, or 40 %
        (100, 179.99, "orange"),
        (100, 180, "red"),
        (1000, 1399.99, "orange"),
        (1000, 1400, "red"),
    ],
)
def test_color_boundaries(truth, guess, color):
    assert color_for(truth, guess) == color


def test_hit_rate_counts_only_strictly_inside_the_boundaries():
    items = [Item("a", 100.0, "a"), Item("b", 100.0, "b"), Item("c", 1000.0, "c"), Item("d", 1000.0, "d")]
    report = evaluate(Fixed([139.99, 140.0, 1199.99, 1200.0]), items)
    assert [r.color for r in report.rows] == ["green", "orange", "green", "orange"]
    assert report.hit_rate == 0.5


def test_metrics_and_missing_estimates():
    items = [Item("a", 100.0, "a"), Item("b", 10.0, "b"), Item("c", 50.0, "c")]
    report = evaluate(Fixed([110.0, None, 150.0]), items)
    assert report.error == pytest.approx((10 + 10 + 100) / 3)  # no estimate scores as $0
    expected = math.sqrt(
        ((math.log(101) - math.log(111)) ** 2 + math.log(11) ** 2 + (math.log(51) - math.log(151)) ** 2) / 3
    )
    assert report.rmsle == pytest.approx(expected)
    assert report.hit_rate == pytest.approx(2 / 3)
    assert report.missing == 1
    assert [r.color for r in report.rows] == ["green", "green", "red"]  # $10 off a $10 item is still < $40


def test_wrong_number_of_estimates_is_an_error():
    with pytest.raises(ValueError, match="2 estimates for 3 items"):
        evaluate(Fixed([1.0, 2.0]), [Item("a", 1, "a")] * 3)


def test_scatter_png(tmp_path):
    report = evaluate(Fixed([10.0, 20.0]), [Item("a", 12.0, "a"), Item("b", 90.0, "b")])
    path = report.scatter_png(tmp_path / "plot.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
