"""The autonomous agent: the tool loop drives scan/estimate/notify; code keeps it to scanned deals, the threshold,
the alert limit, the step limit and the $ budget (checked before each call)."""

from __future__ import annotations

import pytest

from llmworks import llm
from llmworks.apps.deals import FunctionEstimator, Memory, run_autonomous
from llmworks.apps.deals.budget import Budgeted, BudgetExceeded
from llmworks.errors import LlmworksError
from llmworks.events import ToolStep, result
from llmworks.llm.testing import FunctionModel, call

from .helpers import FIXTURES, LISTED, Endpoint, worth

FEED = str(FIXTURES / "deals.xml")
MONITOR = "https://deals.example/acme-monitor?iref=rss"
BLANKET = "https://deals.example/blanket"
DRILL = "https://deals.example/bolt-drill"
PRICED = "openai/gpt-4.1-mini"  # a name the catalog prices, so the budget has something to count


def agent(script: list, name: str = PRICED, message: str = "A bargain.") -> FunctionModel:
    """Structured picks copy the listing; tool turns follow `script`; alert messages are `message`."""
    turns = list(script)

    def brain(request):
        if request.schema:
            listed = LISTED.findall(request.messages[-1]["content"])
            return {"deals": [{"product_description": "A product.", "price": float(p), "url": u} for u, p in listed]}
        if request.tools and request.tool_choice != "none":
            return turns.pop(0) if turns else "Done."
        return message if not request.tools else "Done."

    return FunctionModel(brain, name=name)


def go(model, memory, **options):
    with llm.override(model):
        events = list(
            run_autonomous([FEED], estimator=FunctionEstimator(worth), memory=memory, fetch_pages=False, **options)
        )
    return result(events), [e for e in events if isinstance(e, ToolStep)]


def test_agent_scans_estimates_notifies_and_records_its_steps(tmp_path):
    memory, endpoint = Memory.open(tmp_path / "d.db"), Endpoint().start()
    script = [call("scan_deals"), call("estimate_price", url=MONITOR), call("notify_user", url=MONITOR), "Alerted."]
    try:
        done, steps = go(agent(script), memory, notify=[endpoint.url])
    finally:
        endpoint.stop()
    assert [s.name for s in steps] == ["scan_deals", "estimate_price", "notify_user"]
    assert all(s.error is None for s in steps) and steps[-1].result == "Sent."
    assert done.stopped_by == "answer" and done.sent == 1 and len(endpoint.posts) == 1
    assert [s["name"] for s in memory.steps(done.run)] == ["scan_deals", "estimate_price", "notify_user"]
    assert memory.counts() == {"deals": 1, "sent": 1, "pending": 0}


def test_code_refuses_what_the_model_should_not_do(tmp_path):
    script = [
        call("estimate_price", url="https://evil.example/x"),  # not scanned
        call("notify_user", url="http://example.com/deal1.html"),  # invented (the 1.5B's first move, measured)
        call("scan_deals"),
        call("notify_user", url=BLANKET),  # not estimated yet, and dearer than its estimate
    ]
    model = agent(script)
    done, steps = go(model, Memory.open(tmp_path / "d.db"), dry_run=True)
    errors = [s.error for s in steps if s.error]
    assert len(errors) == 3 and all("not a deal from scan_deals" in e for e in errors[:2])
    assert "not a bargain" in errors[2] and done.messages == []
    assert [o.deal.url for o in done.opportunities] == [BLANKET]  # notify_user estimated it, then refused
    first_turn = next(r for r in model.requests if r.tools)
    assert first_turn.tool_choice == "scan_deals"  # the first turn scans, whatever the model would rather do


def test_a_bargain_notified_before_its_estimate_is_estimated_then_sent(tmp_path):
    memory, endpoint = Memory.open(tmp_path / "d.db"), Endpoint().start()
    try:
        done, steps = go(agent([call("scan_deals"), call("notify_user", url=MONITOR), "Alerted."]), memory,
                         notify=[endpoint.url])  # fmt: skip
    finally:
        endpoint.stop()
    assert [s.name for s in steps] == ["scan_deals", "notify_user"] and steps[-1].result == "Sent."
    assert done.sent == 1 and [o.deal.url for o in done.opportunities] == [MONITOR] and len(endpoint.posts) == 1


def test_alert_limit(tmp_path):
    memory = Memory.open(tmp_path / "d.db")
    script = [
        call("scan_deals"),
        [call("estimate_price", url=MONITOR), call("estimate_price", url=DRILL)],
        call("notify_user", url=MONITOR),
        call("notify_user", url=DRILL),
    ]
    done, steps = go(agent(script), memory, threshold="1", max_alerts=1)
    assert [s.error for s in steps if s.error] == ["the alert limit of 1 for this run is reached"]
    assert [a.url for a in done.alerts] == [MONITOR] and memory.counts()["pending"] == 1  # no --notify: queued


def test_step_limit_and_repeat_breaker(tmp_path):
    loop = [call("scan_deals")] + [call("estimate_price", url=MONITOR)] * 5
    done, steps = go(agent(loop), Memory.open(tmp_path / "d.db"), dry_run=True)
    assert done.stopped_by == "repeat" and [s.name for s in steps] == ["scan_deals", "estimate_price"]
    wander = [call("scan_deals"), call("estimate_price", url=MONITOR), call("estimate_price", url=BLANKET)] * 3
    done, steps = go(agent(wander), Memory.open(tmp_path / "e.db"), dry_run=True, max_steps=2)
    assert done.stopped_by == "max_steps" and len(steps) == 2


def test_budget_exhaustion_stops_before_the_call_that_would_overspend(tmp_path):
    script = [call("scan_deals")] + [call("estimate_price", url=f"https://deals.example/{n}") for n in range(40)]
    budget = 0.003
    done, steps = go(agent(script), Memory.open(tmp_path / "d.db"), dry_run=True, budget=budget, max_steps=40)
    assert done.stopped_by == "budget" and 0 < done.cost_usd <= budget and done.calls >= 2
    assert 2 <= len(steps) < 40


def test_budget_wrapper_refuses_a_call_that_could_overspend():
    model = agent([], name=PRICED)
    guarded = Budgeted(model, budget_usd=0.0001)
    with pytest.raises(BudgetExceeded, match="budget"):
        llm.chat("word " * 2000, model=guarded, max_tokens=1000)
    assert model.requests == [] and guarded.spent_usd == 0  # refused before the model saw it
    with pytest.raises(LlmworksError, match="price of test/function is unknown"):
        Budgeted(agent([], name="test/function"), budget_usd=1.0)
