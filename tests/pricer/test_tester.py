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
    assert color_for(100, 139) == "green"      # < $40
    assert color_for(1000, 1190) == "green"    # $190 but < 20 %
    assert color_for(100, 170) == "orange"     # < $80
    assert color_for(500, 680) == "orange"     # $180 but < 40 %
    assert color_for(100, 185) == "red"


def test_metrics_and_missing_estimates():
    items = [Item("a", 100.0, "a"), Item("b", 10.0, "b"), Item("c", 50.0, "c")]
    report = evaluate(Fixed([110.0, None, 150.0]), items)
    assert report.error == pytest.approx((10 + 10 + 100) / 3)  # no estimate scores as $0
    expected = math.sqrt(((math.log(101) - math.log(111)) ** 2 + math.log(11) ** 2
                          + (math.log(51) - math.log(151)) ** 2) / 3)
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
