"""The planning agents: the fixed pipeline (scan → estimate → pick → notify) and the autonomous agent (the model
layer's tool loop with `scan_deals`, `estimate_price` and `notify`, a step limit, a cost budget and the repeated-call
breaker). Both remember what they surfaced (memory.py) and record every step.

    for event in run(["feed.xml"], threshold="30%", notify=["ntfy://my-deals"]): ...     # Done(DealRun)
    result(run(["feed.xml"], dry_run=True)).opportunities
    result(run_autonomous(["feed.xml"], budget=0.02, max_alerts=1)).stopped_by
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from ... import llm
from ...events import Done, Event, Progress, ToolStep, app
from .estimator import Estimator, load_estimator
from .feeds import DEFAULT_FEEDS
from .memory import Alert, Memory
from .messenger import check_urls, send, write_message
from .opportunity import Opportunity, Threshold
from .scanner import PICKS, Scan, scan

THRESHOLD = "50"
"""Alert when a deal is $50 or more below its estimate (the course's rule)."""
BUDGET_USD = 0.05
MAX_STEPS = 8
MAX_ALERTS = 1
"""Alerts the autonomous agent may send per run (the course's agent sends one)."""


@dataclass
class DealRun:
    """What a run found and did."""

    run: str
    opportunities: list[Opportunity]
    alerts: list[Alert] = field(default_factory=list)
    """Alerts of this run (queued, sent or, in a dry run, only written)."""
    messages: list[str] = field(default_factory=list)
    """In a dry run: the messages that would have been sent."""
    sent: int = 0
    items_read: int = 0
    items_declared: int = 0
    proposed: int = 0
    dropped: list[str] = field(default_factory=list)
    steps: int = 0
    """Tool calls the agent made."""
    calls: int = 0
    """Model calls the agent made."""
    cost_usd: float | None = 0.0
    stopped_by: str = "done"
    """'done', or for the agent: 'answer', 'max_steps', 'repeat' (the breaker) or 'budget'."""
    answer: str = ""


def _sub(events: Iterator[Event]):
    """Pass another app's events on; return its result."""
    for event in events:
        if isinstance(event, Done):
            return event.result
        yield event
    raise RuntimeError("the app ended without a Done event")


def _estimator(estimator, pricer, train_data):
    if estimator is not None:
        return estimator
    return (yield from _sub(load_estimator(pricer, train_data=train_data)))


def _scan_events(result: Scan) -> Iterator[Progress]:
    for warning in result.warnings:
        yield Progress(warning, warning=True)
    read = sum(len(f.items) for f in result.feeds)
    declared = sum(f.declared for f in result.feeds)
    yield Progress(
        f"Read {read} of {declared} items in {len(result.feeds)} feeds; {len(result.candidates)} new with a clear "
        f"price; kept {len(result.picks)} of the model's {result.proposed} picks"
    )
    for why in result.dropped:
        yield Progress(f"Dropped a pick: {why}", warning=True)
    if result.fallback:
        yield Progress("The model gave no usable selection: took the best-described deals in code", warning=True)


def opportunity(pick, estimator: Estimator, previous: float | None = None) -> Opportunity:
    """Price one picked deal from the feed's own text (the evidence)."""
    evidence = pick.item.text
    value = estimator(evidence)
    return Opportunity(
        pick.deal,
        value.price,
        evidence,
        pick.item.title,
        pick.item.category,
        pick.item.feed,
        value.pricer,
        value.members,
        previous if previous is not None and previous > pick.deal.price else None,
    )


def _line(o: Opportunity) -> str:
    est = "no estimate" if o.estimate is None else f"estimate ${o.estimate:,.2f} ({o.discount_pct:+.0f}%)"
    drop = f", was ${o.previous_price:,.2f}" if o.previous_price else ""
    return f"${o.deal.price:,.2f}{drop} vs {est}: {o.title[:80]}"


@app
def deliver(memory: Memory, notify: list[str], *, model=None, run: str = "") -> Iterator[Event]:
    """Send every pending alert (this run's and any a down notifier left): Done(number sent)."""
    sent = 0
    pending = memory.pending()
    if pending and not notify:
        yield Progress(f"{len(pending)} alerts wait in the outbox: pass --notify URL to send them", warning=True)
        yield Done(0)
        return
    for alert in pending:
        text = alert.message
        if not text:
            text = write_message(alert, model=model)
            memory.set_message(alert.id, text)
        ok, why = send(text, notify, key=alert.key)
        if ok:
            memory.delivered(alert.id)
            sent += 1
        else:
            memory.failed(alert.id, why)
        if run:
            memory.log_step(run, "notify", {"alert": alert.id, "url": alert.url}, "sent" if ok else None, why or None)
        yield Progress(
            f"Alert {alert.id} sent: {alert.title[:60]}" if ok else f"Alert {alert.id} kept for a retry: {why}",
            warning=not ok,
        )
    yield Done(sent)


@app
def run(
    feeds: list[str] | None = None,
    *,
    threshold: str | Threshold = THRESHOLD,
    notify: list[str] | None = None,
    dry_run: bool = False,
    estimator: Estimator | None = None,
    memory: Memory | None = None,
    model=None,
    pricer: str | None = None,
    train_data=None,
    picks: int = PICKS,
    fetch_pages: bool = True,
    fetch=None,
) -> Iterator[Event]:
    """The fixed pipeline: deliver what a down notifier left, scan, estimate the picks, queue and send alerts for the
    deals past `threshold`. A dry run writes nothing and sends nothing: it shows the messages instead."""
    limit = threshold if isinstance(threshold, Threshold) else Threshold.parse(threshold)
    notify = list(notify or [])
    check_urls(notify)
    memory = memory or Memory.open()
    run_id = uuid.uuid4().hex[:12]
    log = (lambda *a, **k: None) if dry_run else (lambda *a, **k: memory.log_step(run_id, *a, **k))
    if not dry_run and memory.pending():
        yield from _sub(deliver(memory, notify, model=model, run=run_id))
    estimate = yield from _estimator(estimator, pricer, train_data)
    sources = feeds or DEFAULT_FEEDS
    yield Progress(f"Scanning {len(sources)} feeds…")
    found = scan(sources, is_new=memory.is_new, model=model, picks=picks, fetch_pages=fetch_pages, fetch=fetch)
    yield from _scan_events(found)
    log("scan", {"feeds": sources}, json.dumps([p.deal.url for p in found.picks]))
    opportunities = []
    for pick in found.picks:
        o = opportunity(pick, estimate, memory.last_price(pick.deal.url))
        opportunities.append(o)
        log("estimate", {"url": o.deal.url}, f"{o.estimate}")
        yield Progress(_line(o))
    result = DealRun(
        run_id,
        opportunities,
        items_read=sum(len(f.items) for f in found.feeds),
        items_declared=sum(f.declared for f in found.feeds),
        proposed=found.proposed,
        dropped=found.dropped,
    )
    bargains = [o for o in opportunities if limit.crossed(o)]
    yield Progress(f"{len(bargains)} of {len(opportunities)} deals are {limit} or more below their estimate")
    if dry_run:
        for o in bargains:
            alert = Alert(0, o.deal.url, o.deal.price, o.estimate or 0.0, o.discount, o.title, None, "dry-run", 0, None)
            result.messages.append(write_message(alert, model=model))
            yield Progress(f"Wrote the alert for {o.title[:70]} (dry run: not sent)")
        yield Done(result)
        return
    queued = memory.record(opportunities, alert_if=limit.crossed)
    result.sent = yield from _sub(deliver(memory, notify, model=model, run=run_id))
    result.alerts = [a for a in (memory.alert(i) for i in queued) if a]
    yield Done(result)


@app
def run_autonomous(
    feeds: list[str] | None = None,
    *,
    threshold: str | Threshold = THRESHOLD,
    notify: list[str] | None = None,
    dry_run: bool = False,
    budget: float = BUDGET_USD,
    max_steps: int = MAX_STEPS,
    max_alerts: int = MAX_ALERTS,
    estimator: Estimator | None = None,
    memory: Memory | None = None,
    model=None,
    pricer: str | None = None,
    train_data=None,
    fetch_pages: bool = True,
    fetch=None,
) -> Iterator[Event]:
    """The autonomous agent: the model decides which tools to call. Code keeps it honest: it can only estimate and
    notify deals the scan returned, only past the threshold, at most `max_alerts` times, within `budget` dollars."""
    from ...events import as_they_happen
    from .budget import Budgeted, BudgetExceeded

    limit = threshold if isinstance(threshold, Threshold) else Threshold.parse(threshold)
    notify = list(notify or [])
    check_urls(notify)
    memory = memory or Memory.open()
    run_id = uuid.uuid4().hex[:12]
    estimate = yield from _estimator(estimator, pricer, train_data)
    guarded = Budgeted(llm.get_model(model), budget)
    picks: dict = {}
    valued: dict[str, Opportunity] = {}
    result = DealRun(run_id, [])

    def scan_deals() -> str:
        """Scan the deal feeds for new deals; returns each deal's url, price and description."""
        found = scan(feeds or DEFAULT_FEEDS, is_new=memory.is_new, model=guarded, fetch_pages=fetch_pages, fetch=fetch)
        picks.update({p.deal.url: p for p in found.picks})
        result.items_read += sum(len(f.items) for f in found.feeds)
        result.items_declared += sum(f.declared for f in found.feeds)
        result.proposed, result.dropped = result.proposed + found.proposed, result.dropped + found.dropped
        deals = [
            {"url": p.deal.url, "price": p.deal.price, "description": p.deal.product_description} for p in found.picks
        ]
        return json.dumps(deals) if deals else "No new deals."

    def _valued(url: str) -> Opportunity:
        if url not in picks:
            raise llm.ToolError(f"{url!r} is not a deal from scan_deals; call scan_deals and use one of its urls")
        if url not in valued:
            valued[url] = opportunity(picks[url], estimate, memory.last_price(url))
            result.opportunities.append(valued[url])
        return valued[url]

    def estimate_price(url: str) -> str:
        """Estimate what a scanned deal is really worth.

        Args:
            url: the deal's url, as scan_deals returned it
        """
        o = _valued(url)
        return json.dumps(
            {
                "url": url,
                "price": o.deal.price,
                "estimate": o.estimate,
                "discount": round(o.discount, 2),
                "worth_notifying": limit.crossed(o),
            }
        )

    def notify_user(url: str) -> str:
        """Alert the user about a deal whose estimate shows it is a bargain.

        Args:
            url: the deal's url, as scan_deals returned it
        """
        # a deal not estimated yet is estimated here: the 1.5B asks to notify straight after the scan, and a
        # refusal that names estimate_price made it give up or repeat itself (measured); the threshold still holds
        o = _valued(url)
        if not limit.crossed(o):
            raise llm.ToolError(f"not a bargain: ${o.discount:,.2f} below the estimate, the threshold is {limit}")
        if len(result.alerts) + len(result.messages) >= max_alerts:
            raise llm.ToolError(f"the alert limit of {max_alerts} for this run is reached")
        if dry_run:
            alert = Alert(0, o.deal.url, o.deal.price, o.estimate or 0.0, o.discount, o.title, None, "dry-run", 0, None)
            result.messages.append(write_message(alert, model=guarded))
            return f"Dry run, not sent: {result.messages[-1]}"
        alert_id = memory.queue(o)
        if alert_id is None:
            return "Already alerted at this price."
        result.alerts.append(memory.alert(alert_id))
        alert = result.alerts[-1]
        text = write_message(alert, model=guarded)
        memory.set_message(alert_id, text)
        ok, why = send(text, notify, key=alert.key)
        if not ok:
            memory.failed(alert_id, why)
            return f"Queued, not sent yet ({why}); it will be retried."
        memory.delivered(alert_id)
        result.sent += 1
        return "Sent."

    def work(report):
        def on_step(step):
            result.steps += 1
            if not dry_run:
                memory.log_step(run_id, step.name, step.arguments, step.result, step.error)
            report(ToolStep.of(step))

        return llm.run_tools(
            f"Find deals, estimate the promising ones, and notify me about the best bargain (at most {max_alerts}).",
            tools=[scan_deals, estimate_price, notify_user],
            model=guarded,
            system=(
                "You find bargains. Call scan_deals once, then estimate_price for each deal's url, then notify_user "
                "for the deal with the largest discount if estimate_price says it is worth notifying. Then answer "
                "with one sentence saying what you did."
            ),
            max_steps=max_steps,
            tool_choice="scan_deals",  # the first turn scans: small models otherwise invent a url to notify (measured)
            temperature=0,
            on_step=on_step,
        )

    yield Progress(f"Agent running: at most {max_steps} steps, ${budget:.4f} budget, {max_alerts} alerts")
    try:
        if not dry_run and memory.pending() and notify:  # what a down notifier left, within the same budget
            yield from _sub(deliver(memory, notify, model=guarded, run=run_id))
        tool_run = yield from as_they_happen(work)
        result.stopped_by, result.answer = tool_run.stopped_by, tool_run.text
    except BudgetExceeded as e:
        result.stopped_by = "budget"
        yield Progress(str(e), warning=True)
        if not dry_run:
            memory.log_step(run_id, "budget", {}, None, str(e))
    if not dry_run:  # deals estimated but not alerted are seen too: the next scan skips them
        memory.record(result.opportunities)
    result.calls, result.cost_usd = guarded.calls, guarded.spent_usd
    yield Progress(
        f"Agent stopped ({result.stopped_by}) after {guarded.calls} model calls, ${guarded.spent_usd:.4f} of "
        f"${budget:.4f}; {len(result.alerts) + len(result.messages)} alerts"
    )
    yield Done(result)
