"""Deal agents: watch deal feeds, price each deal with the pricer, alert on true bargains — autonomous and
restart-safe.

    from llmworks.apps import deals
    for event in deals.run(["dealnews.xml"], threshold="30%", notify=["ntfy://my-deals"]): ...   # Done(DealRun)
    result(deals.run(["dealnews.xml"], dry_run=True)).opportunities      # deal, estimate, discount, evidence
    result(deals.run_autonomous(budget=0.02, max_alerts=1)).stopped_by   # the tool-loop agent
    deals.Memory.open().deals()                                           # what it has seen and alerted

Modules: feeds (RSS/Atom in), scanner (the model's picks, checked against the feed), estimator (the pricer as a
function of text), memory (SQLite: deals, alert outbox, steps), messenger (the message, Apprise out), budget (the
agent's $ cap), planner (the pipeline and the agent).
"""

from .estimator import FunctionEstimator, PricerEstimator, Valuation, load_estimator
from .feeds import DEFAULT_FEEDS, Feed, FeedItem, read_feed
from .memory import Alert, Memory
from .opportunity import Deal, DealSelection, Opportunity, Threshold
from .planner import DealRun, deliver, run, run_autonomous

__all__ = [
    "DEFAULT_FEEDS",
    "Alert",
    "Deal",
    "DealRun",
    "DealSelection",
    "Feed",
    "FeedItem",
    "FunctionEstimator",
    "Memory",
    "Opportunity",
    "PricerEstimator",
    "Threshold",
    "Valuation",
    "deliver",
    "load_estimator",
    "read_feed",
    "run",
    "run_autonomous",
]
