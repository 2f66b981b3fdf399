"""Benchmark: the deal agents replayed offline over real feed captures.

    .venv/bin/python benchmarks/deals_replay.py --data ../shared/data/deals \
        --pricer-data ../shared/data/pricer/items_dev.jsonl --model local/qwen2.5-1.5b --kills 3

Prints five tables:
1. parse: items read / <item> elements in each feed, and how many state a clear price;
2. selection: the model's picks (structured output) whose URL and price match the feed exactly, before the code
   check drops the others (after it: 100 % by construction), and the seconds per scan;
3. estimator: mean absolute error on the pricer's hold-out (250 items, seed 42; the first --limit of them), the
   pricer fitted on the rest and asked through the deals' estimator (the same text-in path a deal takes);
4. restart: a replay of every feed in a child process killed with SIGKILL at a random moment, then a second replay
   to the end, against a loopback json:// endpoint: alerts received, duplicates (one alert key twice) and missing
   alerts versus an uninterrupted replay. Picks are made in code here (the best-described candidates), so the run
   is deterministic and the kill lands anywhere in scanning, estimating, queueing or sending. "extra" are deals a
   single replay never reached: each scan takes the five best new deals, so the restarted scans go deeper;
5. agent: the autonomous mode on --model: tool steps, model calls, cost, stayed in budget, alerts <= the limit.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LISTED = re.compile(r"url: (\S+)\nprice: \$([\d.]+)")


def feeds_in(folder: str) -> list[str]:
    return sorted(str(p) for p in Path(folder).rglob("*.xml"))


def parse_table(feeds: list[str]) -> None:
    from llmworks.apps.deals import read_feed

    print("| feed | items | read | parse rate | clear price |\n|---|---:|---:|---:|---:|")
    total = [0, 0, 0]
    for path in feeds:
        feed = read_feed(path)
        priced = sum(i.price is not None for i in feed.items)
        total = [total[0] + feed.declared, total[1] + len(feed.items), total[2] + priced]
        print(f"| {Path(path).parent.name}/{Path(path).name} | {feed.declared} | {len(feed.items)} | "
              f"{len(feed.items) / max(1, feed.declared):.0%} | {priced} |")  # fmt: skip
    print(f"| **all** | {total[0]} | {total[1]} | {total[1] / max(1, total[0]):.0%} | {total[2]} |\n")


def selection_table(feeds: list[str], model: str) -> None:
    from llmworks.apps.deals.feeds import read_feed
    from llmworks.apps.deals.scanner import candidates, select

    print("| feed | candidates | model picks | URL+price exact | kept | s |\n|---|---:|---:|---:|---:|---:|")
    proposed = exact = 0
    for path in feeds:
        pool = candidates([read_feed(path)])
        start = time.perf_counter()
        picks, n, dropped, fallback = select(pool, model=model)
        seconds = time.perf_counter() - start
        wrong = sum(why.startswith(("URL not", "price")) for why in dropped)
        proposed, exact = proposed + n, exact + n - wrong
        share = "no valid output" if fallback else f"{(n - wrong) / n:.0%}" if n else "-"
        name = f"{Path(path).parent.name}/{Path(path).name}"
        print(f"| {name} | {len(pool)} | {n} | {share} | {len(picks)} | {seconds:.0f} |")
        for why in dropped:
            print(f"|  dropped: {why[:90]} | | | | | |")
    share = f"{exact / proposed:.0%}" if proposed else "-"
    print(f"| **all** | | {proposed} | {share} | (kept picks: 100 % exact after the check) | |\n")


def estimator_table(data: str, pricer: str, n: int, limit: int, out: Path) -> Path:
    from llmworks.apps.deals import PricerEstimator
    from llmworks.apps.pricer import holdout_split, load_items, make_pricer

    train, test = holdout_split(load_items(data), n, 42)
    start = time.perf_counter()
    fitted = make_pricer(pricer).fit(train)
    fit_s = time.perf_counter() - start
    saved = fitted.save(out / pricer)
    estimator = PricerEstimator(fitted)
    start = time.perf_counter()
    errors = [abs((estimator(item.text).price or 0.0) - item.price) for item in test[:limit]]
    per = (time.perf_counter() - start) / max(1, len(errors))
    print(
        "| pricer | train | hold-out items | mean abs error | fit s | s per estimate |\n|---|---:|---:|---:|---:|---:|"
    )
    print(f"| {pricer} | {len(train)} | {len(errors)} | ${sum(errors) / len(errors):.2f} | {fit_s:.0f} | {per:.3f} |\n")
    return saved


def child(db: str, pricer_dir: str, endpoint: str, threshold: str, feeds: list[str]) -> None:
    """One replay: every feed scanned in turn, picks made in code, alerts posted to `endpoint`."""
    from llmworks import llm
    from llmworks.apps.deals import Memory, PricerEstimator, run
    from llmworks.apps.pricer import load_pricer
    from llmworks.events import result
    from llmworks.llm.testing import FunctionModel

    def brain(request):
        if request.schema:
            listed = LISTED.findall(request.messages[-1]["content"])
            return {"deals": [{"product_description": "-", "price": float(p), "url": u} for u, p in listed]}
        return "A deal worth a look."

    estimator, memory = PricerEstimator(load_pricer(pricer_dir)), Memory.open(db)
    with llm.override(FunctionModel(brain)):
        for feed in feeds:
            result(run([feed], estimator=estimator, memory=memory, threshold=threshold, notify=[endpoint],
                       fetch_pages=False))  # fmt: skip


def replay(db: Path, pricer_dir: Path, endpoint, threshold: str, feeds: list[str], kill_after: float | None) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [sys.executable, __file__, "--child", str(db), str(pricer_dir), endpoint.url, threshold, *feeds]
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    return time.perf_counter() - start


def restart_table(feeds: list[str], pricer_dir: Path, threshold: str, kills: int, seed: int, tmp: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "deals"))
    from helpers import Endpoint

    reference = Endpoint().start()
    seconds = replay(tmp / "reference.db", pricer_dir, reference, threshold, feeds, None)
    reference.stop()
    expected = {k for k, _ in reference.posts}
    print(f"Uninterrupted replay: {len(reference.posts)} alerts in {seconds:.0f} s.\n")
    print("| trial | killed at s | alerts received | distinct | duplicates | missing | extra |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rng = random.Random(seed)
    for trial in range(1, kills + 1):
        endpoint = Endpoint().start()
        at = rng.uniform(0.5, seconds)
        db = tmp / f"trial{trial}.db"
        replay(db, pricer_dir, endpoint, threshold, feeds, at)
        replay(db, pricer_dir, endpoint, threshold, feeds, None)
        endpoint.stop()
        keys = [k for k, _ in endpoint.posts]
        print(f"| {trial} | {at:.1f} | {len(keys)} | {len(set(keys))} | {len(keys) - len(set(keys))} | "
              f"{len(expected - set(keys))} | {len(set(keys) - expected)} |")  # fmt: skip
    print()


def agent_table(feed: str, model: str, pricer_dir: Path, budget: float, max_alerts: int, max_steps: int, tmp: Path):
    from llmworks.apps.deals import Memory, PricerEstimator, run_autonomous
    from llmworks.apps.pricer import load_pricer
    from llmworks.events import Progress, ToolStep, final

    events = []
    start = time.perf_counter()
    agent = run_autonomous(
        [feed],
        model=model,
        estimator=PricerEstimator(load_pricer(pricer_dir)),
        memory=Memory.open(tmp / "agent.db"),
        budget=budget,
        max_alerts=max_alerts,
        max_steps=max_steps,
        fetch_pages=False,
        dry_run=True,
    )
    for event in agent:
        events.append(event)
        if isinstance(event, ToolStep):
            print(f"  → {event.name}({json.dumps(event.arguments)[:80]}) {(event.error or event.result or '')[:80]}")
        elif isinstance(event, Progress):
            print(f"  {event.text[:140]}")
    done = final(events).result
    alerts = len(done.messages)
    print("| model | tool steps | model calls | cost $ | budget $ | in budget | alerts (limit) | stopped by | s |")
    print("|---|---:|---:|---:|---:|---|---|---|---:|")
    print(f"| {model} | {done.steps} | {done.calls} | {done.cost_usd:.4f} | {budget:.4f} | "
          f"{'yes' if done.cost_usd <= budget else 'NO'} | {alerts} ({max_alerts}) | {done.stopped_by} | "
          f"{time.perf_counter() - start:.0f} |\n")  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        db, pricer_dir, endpoint, threshold, *feeds = sys.argv[2:]
        child(db, pricer_dir, endpoint, threshold, feeds)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/deals", help="folder of feed captures (*.xml, recursive)")
    parser.add_argument("--pricer-data", default="../shared/data/pricer/items_dev.jsonl")
    parser.add_argument("--pricer", default="tfidf", help="pricer fitted for the estimator (the deals' fast member)")
    parser.add_argument("--n", type=int, default=250, help="the pricer's hold-out size (seed 42)")
    parser.add_argument("--limit", type=int, default=100, help="hold-out items estimated")
    parser.add_argument("--model", default="local/qwen2.5-1.5b", help="model of the selection and the agent")
    parser.add_argument("--threshold", default="50")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=float, default=0.05)
    parser.add_argument("--max-alerts", type=int, default=1)
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--agent-feed", default=None, help="feed of the agent run (default: the largest)")
    parser.add_argument("--skip", default="", help="comma-separated: selection,restart,agent")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    feeds = feeds_in(args.data)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        os.environ.setdefault("LLMWORKS_HOME", str(tmp / "home"))
        print("## Parse\n")
        parse_table(feeds)
        if "selection" not in skip:
            print(f"## Selection ({args.model})\n")
            selection_table(feeds, args.model)
        print("## Estimator\n")
        pricer_dir = estimator_table(args.pricer_data, args.pricer, args.n, args.limit, tmp / "pricers")
        if "restart" not in skip:
            print(f"## Restart (kill -9 mid-replay, threshold {args.threshold})\n")
            restart_table(feeds, pricer_dir, args.threshold, args.kills, args.seed, tmp)
        if "agent" not in skip:
            feed = args.agent_feed or max(feeds, key=lambda f: Path(f).stat().st_size)
            print(f"## Autonomous agent ({Path(feed).name})\n")
            agent_table(feed, args.model, pricer_dir, args.budget, args.max_alerts, args.max_steps, tmp)


if __name__ == "__main__":
    main()
