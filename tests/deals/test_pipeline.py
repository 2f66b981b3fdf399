"""The fixed pipeline with a scripted model and a function estimator: picks checked against the feed, memory,
thresholds, price drops, dry runs, the notifier down then up."""

from __future__ import annotations

import pytest

from llmworks import llm
from llmworks.apps.deals import FunctionEstimator, Memory, Threshold, deliver, run
from llmworks.errors import LlmworksError
from llmworks.events import Progress, result

from .helpers import FIXTURES, Endpoint, picker, worth

FEED = str(FIXTURES / "deals.xml")
ESTIMATOR = FunctionEstimator(worth)


def go(memory, model=None, **options):
    with llm.override(model or picker()):
        events = list(run([FEED], estimator=ESTIMATOR, memory=memory, fetch_pages=False, **options))
    return result(events), [e.text for e in events if isinstance(e, Progress)]


def test_opportunities_with_estimates_and_evidence(tmp_path):
    memory = Memory.open(tmp_path / "d.db")
    done, _ = go(memory, threshold="50")
    by_url = {o.deal.url.rsplit("/", 1)[1]: o for o in done.opportunities}
    assert set(by_url) == {"acme-monitor?iref=rss", "bolt-drill", "blanket"}
    monitor = by_url["acme-monitor?iref=rss"]
    assert monitor.estimate == 400.0 and monitor.discount == 201.0 and "HDR10" in monitor.evidence
    # only the monitor is $50+ below its estimate: one alert, queued (no notifier given)
    assert [a.url for a in done.alerts] == [monitor.deal.url] and memory.counts() == {
        "deals": 3,
        "sent": 0,
        "pending": 1,
    }


def test_picks_not_in_the_feed_are_dropped(tmp_path):
    def spoil(deals):
        deals[0]["url"] += "-typo"  # a URL the feed does not have
        deals[1]["price"] = 40.0  # "$40 off" is not the price
        return deals

    done, lines = go(Memory.open(tmp_path / "d.db"), picker(spoil), dry_run=True)
    assert len(done.opportunities) == 1 and done.proposed == 3 and len(done.dropped) == 2
    assert any("URL not in the feed" in line for line in lines) and any("price $40.00 not stated" in x for x in lines)


def test_seen_deals_are_skipped_and_price_drops_come_back(tmp_path):
    memory = Memory.open(tmp_path / "d.db")
    go(memory)
    again, _ = go(memory)
    assert again.opportunities == [] and memory.counts()["pending"] == 1
    cheaper = tmp_path / "cheaper.xml"
    cheaper.write_text((FIXTURES / "deals.xml").read_text().replace("199.00", "149.00").replace("$199", "$149"))
    with llm.override(picker()):
        dropped = result(run([str(cheaper)], estimator=ESTIMATOR, memory=memory, fetch_pages=False))
    [o] = dropped.opportunities
    assert o.deal.price == 149.0 and o.previous_price == 199.0
    assert [(a.price, a.status) for a in dropped.alerts] == [(149.0, "pending")]  # a new alert: new price


def test_dry_run_writes_and_sends_nothing(tmp_path):
    memory = Memory.open(tmp_path / "d.db")
    endpoint = Endpoint().start()
    try:
        done, _ = go(
            memory,
            picker(message="Acme monitor at $199, worth $400: https://deals.example/acme-monitor?iref=rss"),
            dry_run=True,
            notify=[endpoint.url],
        )
    finally:
        endpoint.stop()
    assert endpoint.posts == [] and memory.counts() == {"deals": 0, "sent": 0, "pending": 0}
    assert len(done.messages) == 1 and "$400" in done.messages[0]


def test_message_gets_the_facts_the_model_left_out(tmp_path):
    done, _ = go(Memory.open(tmp_path / "d.db"), picker(message="Great monitor, buy it."), dry_run=True)
    [message] = done.messages
    assert message.startswith("Great monitor, buy it.") and "$199.00" in message and "$400.00" in message
    assert "https://deals.example/acme-monitor?iref=rss" in message
    facts = "Acme monitor, $199, worth about $400: a bargain."
    done, _ = go(Memory.open(tmp_path / "e.db"), picker(message=facts), dry_run=True)
    assert done.messages == [f"{facts} https://deals.example/acme-monitor?iref=rss"]  # only the link was missing


def test_percent_threshold(tmp_path):
    done, _ = go(Memory.open(tmp_path / "d.db"), threshold="20%", dry_run=True)
    assert len(done.messages) == 2  # monitor (50 %) and drill (26 %); the blanket is dearer than its estimate
    assert Threshold.parse("30%").percent == 30 and Threshold.parse("$50").amount == 50
    for bad in ("abc", "150%", "-5"):
        with pytest.raises(LlmworksError, match="--threshold"):
            Threshold.parse(bad)


def test_notifier_down_then_up(tmp_path):
    memory = Memory.open(tmp_path / "d.db")
    endpoint = Endpoint()  # its port is free: nothing listens yet
    done, lines = go(memory, notify=[endpoint.url])
    assert done.sent == 0 and memory.counts() == {"deals": 3, "sent": 0, "pending": 1}
    assert any("kept for a retry" in line for line in lines)
    [alert] = memory.pending()
    assert alert.attempts == 1 and alert.last_error and alert.message  # the written message is kept for the retry
    endpoint.start()
    try:
        with llm.override(picker(message="never asked: the kept message is sent")):
            sent = result(deliver(memory, [endpoint.url]))
            again = result(deliver(memory, [endpoint.url]))
    finally:
        endpoint.stop()
    assert (sent, again) == (1, 0) and memory.counts()["sent"] == 1
    [(key, body)] = endpoint.posts
    assert body["message"] == alert.message and body["title"] == "Deal alert" and key


def test_bad_notify_url_is_refused_before_anything_runs(tmp_path):
    memory = Memory.open(tmp_path / "d.db")
    with pytest.raises(LlmworksError, match="cannot use the notification URL"):
        go(memory, notify=["nosuchscheme://x"])
    assert memory.counts()["deals"] == 0


def test_model_without_a_valid_selection_falls_back_to_code(tmp_path):
    done, lines = go(Memory.open(tmp_path / "d.db"), picker(lambda deals: "not a list"), dry_run=True)
    assert len(done.opportunities) == 3 and any("took the best-described deals in code" in x for x in lines)
