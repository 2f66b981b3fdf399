"""The estimator on the pricer's public API: each ensemble member's view, first-use training with the fast member."""

from __future__ import annotations

import json

import pytest

from llmworks.apps.deals import PricerEstimator, load_estimator
from llmworks.apps.deals import estimator as module
from llmworks.apps.pricer import Item, make_pricer
from llmworks.errors import LlmworksError
from llmworks.events import Progress, final


def items(n: int) -> list[Item]:
    return [
        Item(title=f"Lamp {k}", price=10.0 + 10 * k, text=f"Lamp {k} with {k} bulbs, {k * 10} watts") for k in range(n)
    ]


def test_ensemble_members_each_give_their_view():
    pricer = make_pricer("ensemble", members=["constant", "features"]).fit(items(20))
    value = PricerEstimator(pricer)("Lamp 7 with 7 bulbs, 70 watts")
    assert value.pricer == "ensemble" and set(value.members) == {"constant", "features"}
    assert value.price is not None and all(v is not None for v in value.members.values())


def test_first_use_trains_the_fast_member_on_large_data(tmp_path, monkeypatch):
    data = tmp_path / "items.jsonl"
    data.write_text("".join(json.dumps(i.to_dict()) + "\n" for i in items(12)))
    monkeypatch.setattr(module, "FAST", "constant")
    monkeypatch.setattr(module, "FAST_ABOVE_ITEMS", 10)
    with pytest.raises(LlmworksError, match="No saved pricer"):
        final(load_estimator())
    events = list(load_estimator(train_data=data))
    lines = [e.text for e in events if isinstance(e, Progress)]
    assert "training constant on 12 items" in lines[0] and "fast member" in lines[0]
    assert final(events).result.name == "constant"
    assert "Loading the saved constant pricer" in next(e.text for e in load_estimator() if isinstance(e, Progress))
