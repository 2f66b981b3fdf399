"""Tool-calling accuracy of FlightAI on 46 varied requests: prices, bookings, cancellations, booking lists and
off-topic questions that must not call a tool.

    .venv/bin/python benchmarks/airline_tools.py                 # local/smollm2, tool decisions only
    .venv/bin/python benchmarks/airline_tools.py --full          # whole assistant turns, replies included (slower)
    .venv/bin/python benchmarks/airline_tools.py --no-router     # the model layer's own tool choice, for comparison
    .venv/bin/python benchmarks/airline_tools.py -m openai/gpt-4.1-mini
    .venv/bin/python benchmarks/airline_tools.py --threads 1     # on a busy machine: see --help
    .venv/bin/python benchmarks/airline_tools.py --limit 10      # the first 10 requests, still balanced
    # two halves in parallel, then one summary:
    benchmarks/airline_tools.py --shard 1/2 --rows a.jsonl & benchmarks/airline_tools.py --shard 2/2 --rows b.jsonl
    benchmarks/airline_tools.py --merge a.jsonl b.jsonl

For each request, the first tool call the model makes (name and arguments) is compared with the expected one;
cities and names are compared case- and accent-insensitively, dates as ISO dates, codes upper-cased. Printed:
- tool accuracy: right tool (or rightly no tool), on-topic requests
- tool + arguments accuracy: right tool and every argument right, on-topic requests
- off-topic answered without a tool: the model itself picked no tool
- off-topic with no effect: no tool call succeeded (the app's argument checks refused the invented ones)
- reply-check replacements (--full) and seconds per request.
Decisions only: the embedded model routes, then makes the first tool call (validated for real); the loop is stopped
there, so no reply is written. That is what tool-calling accuracy measures, at about half the model calls.
Runs in a throwaway data dir; requests are interleaved by category so a partial run is still balanced.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date

TODAY = date(2026, 11, 23)  # fixed, so the dates in the requests stay in the future and the results repeatable

PRICES = [
    ("How much is a flight to Paris?", "Paris"),
    ("What does a ticket to London cost?", "London"),
    ("Price of a return ticket to Tokyo?", "Tokyo"),
    ("How much to fly to Zürich?", "Zürich"),
    ("I'd like to know the fare to Sydney.", "Sydney"),
    ("how much is a ticket to berlin", "Berlin"),
    ("What's the price for São Paulo?", "São Paulo"),
    ("Tell me the cost of flying to Madrid.", "Madrid"),
    ("What do flights to New York cost?", "New York"),
    ("ticket price to reykjavik?", "Reykjavík"),
    ("How expensive is a flight to Rome?", "Rome"),
    ("How much is a flight to Atlantis?", "Atlantis"),  # not a destination: the tool must refuse it
]
BOOKINGS = [
    ("Book a flight to Tokyo for Ada Lovelace on 2027-03-14", "Tokyo", "Ada Lovelace", "2027-03-14"),
    ("Please reserve a seat to Paris for Alan Turing on 2027-02-01", "Paris", "Alan Turing", "2027-02-01"),
    ("I want to book a flight to London for Grace Hopper on 2027-05-20", "London", "Grace Hopper", "2027-05-20"),
    ("Book Berlin for Marie Curie on 2027-04-02", "Berlin", "Marie Curie", "2027-04-02"),
    ("Can you book a flight to Sydney for Linus Pauling on 2027-06-30?", "Sydney", "Linus Pauling", "2027-06-30"),
    ("Reserve a ticket to Rome for Ada Lovelace on 2027-07-04", "Rome", "Ada Lovelace", "2027-07-04"),
    ("Book a trip to Madrid on 2027-01-15 for Katherine Johnson", "Madrid", "Katherine Johnson", "2027-01-15"),
    ("Book a flight to Zurich for Niels Bohr on 2027-08-09", "Zürich", "Niels Bohr", "2027-08-09"),
    ("Please book a flight to Kraków for Emmy Noether on 10 September 2027", "Kraków", "Emmy Noether", "2027-09-10"),
    ("Book a flight to New York for Richard Feynman on 2027-10-11", "New York", "Richard Feynman", "2027-10-11"),
]
CANCELS = [
    "Cancel booking {code}",
    "Please cancel my reservation {code}",
    "I need to cancel {code}",
    "cancel confirmation code {code}",
    "My plans changed, cancel booking {code} please",
    "Can you cancel {code}?",
]
LISTS = [
    ("What bookings does Grace Hopper have?", "Grace Hopper"),
    ("Show me the reservations for Alan Turing", "Alan Turing"),
    ("List the bookings of Ada Lovelace", "Ada Lovelace"),
    ("Which flights has Marie Curie booked?", "Marie Curie"),
    ("Do I have any bookings? My name is Grace Hopper", "Grace Hopper"),
    ("Show bookings for Alan Turing please", "Alan Turing"),
]
OFF_TOPIC = [
    "Tell me a joke about cats",
    "What's the weather like today?",
    "Who wrote Hamlet?",
    "Hello, how are you?",
    "What is 2 plus 2?",
    "Translate 'good morning' into French",
    "What is the capital of Australia?",
    "Recommend a good book",
    "Thanks, that's all!",
    "Write a haiku about the sea",
    "How do I bake bread?",
    "What time is it?",
]


def cases(db) -> list[dict]:
    """The requests with their expected call; cancellation codes come from bookings made here first."""
    codes = [
        db.book(city, name, date(2027, 2, 10 + i)).code
        for i, (city, name) in enumerate(
            [
                ("Paris", "Grace Hopper"),
                ("London", "Alan Turing"),
                ("Tokyo", "Ada Lovelace"),
                ("Rome", "Marie Curie"),
                ("Berlin", "Grace Hopper"),
                ("Madrid", "Alan Turing"),
            ]
        )
    ]
    groups = [
        [dict(kind="price", text=t, tool="get_ticket_price", args={"destination_city": c}) for t, c in PRICES],
        [
            dict(kind="book", text=t, tool="book_flight", args={"destination_city": c, "passenger_name": n, "date": d})
            for t, c, n, d in BOOKINGS
        ],
        [
            dict(kind="cancel", text=t.format(code=code), tool="cancel_booking", args={"confirmation_code": code})
            for t, code in zip(CANCELS, codes)
        ],
        [dict(kind="list", text=t, tool="list_bookings", args={"passenger_name": n}) for t, n in LISTS],
        [dict(kind="off-topic", text=t, tool=None, args={}) for t in OFF_TOPIC],
    ]
    return [c for row in itertools.zip_longest(*groups) for c in row if c]  # interleaved by category


def same(key: str, got, want: str) -> bool:
    from llmworks.apps.airline.dates import parse_date
    from llmworks.apps.airline.db import normalize

    if not isinstance(got, str):
        return False
    if key == "date":
        return parse_date(got, TODAY) == date.fromisoformat(want)
    if key == "confirmation_code":
        return got.strip().upper() == want
    return normalize(got) == normalize(want)


class _FirstCall(BaseException):
    """Stops the tool loop after the first tool call (a BaseException, so the loop does not catch it)."""


def first_call_only(toolbox):
    """The toolbox's tools, each validated for real (refusals recorded on the toolbox) and then stopping the loop."""
    import functools

    def stopping(fn):
        @functools.wraps(fn)  # keeps the name, docstring and signature the tool schema is built from
        def wrapper(**kwargs):
            try:
                fn(**kwargs)
            except Exception:
                pass  # the toolbox recorded the refusal
            raise _FirstCall

        return wrapper

    return [dataclasses.replace(tool, fn=stopping(tool.fn)) for tool in toolbox.tools()]


def decide(bot, text: str, *, route: bool = True) -> tuple[str | None, dict, bool]:
    """(first tool called or None, its arguments, whether it succeeded) without the model writing a reply."""
    from llmworks import llm
    from llmworks.apps.airline import SYSTEM_PROMPT

    choice = "auto"
    if bot.embedded and route:  # the same route-then-call path as Assistant.run
        choice = bot.route(text)
        if choice == "answer_directly":
            return None, {}, False
    bot.toolbox.begin_turn(text)
    try:
        llm.run_tools(
            text,
            tools=first_call_only(bot.toolbox),
            model=bot.model,
            system=SYSTEM_PROMPT,
            tool_choice=choice,
            max_steps=1,
            max_tokens=1,
        )
    except _FirstCall:
        pass
    except llm.ModelOutputError as e:  # no usable call at all: counted as a miss
        return f"(invalid: {str(e)[:60]})", {}, False
    first = bot.toolbox.outcomes[0] if bot.toolbox.outcomes else None
    return (first.tool, first.arguments, first.ok) if first else (None, {}, False)


def summarize(rows: list[dict], model: str) -> None:
    on = [r for r in rows if r["tool"] is not None]
    off = [r for r in rows if r["tool"] is None]
    share = lambda rs, key: (sum(r[key] for r in rs) / len(rs)) if rs else float("nan")  # noqa: E731
    print(f"\n== {model}: {len(rows)} requests ({len(on)} on-topic, {len(off)} off-topic) ==")
    for kind in ["price", "book", "cancel", "list"]:
        rs = [r for r in on if r["kind"] == kind]
        if rs:
            print(
                f"  {kind:9s} tool {share(rs, 'tool_ok'):6.1%}   tool+args {share(rs, 'args_ok'):6.1%}   (n={len(rs)})"
            )
    print(f"tool accuracy (on-topic):          {share(on, 'tool_ok'):6.1%}")
    print(f"tool + arguments accuracy:         {share(on, 'args_ok'):6.1%}")
    print(f"off-topic answered without a tool: {share(off, 'tool_ok'):6.1%}")
    print(f"off-topic with no tool effect:     {1 - share(off, 'effect'):6.1%}   (after the app's argument checks)")
    if any("replaced" in r for r in rows):
        print(f"replies replaced by the check:     {share(rows, 'replaced'):6.1%}")
    print(
        f"seconds per request: mean {statistics.mean(r['seconds'] for r in rows):.1f}, "
        f"median {statistics.median(r['seconds'] for r in rows):.1f}"
    )


def seeded_db(path=None):
    """A FlightAI database whose confirmation codes are the same every run (how a code tokenizes changes what
    is copied); `path` None means the data dir's default."""
    import random

    from llmworks.apps.airline import AirlineDB
    from llmworks.apps.airline import db as dbmod

    draw = random.Random(4)
    dbmod.new_code = lambda: "".join(draw.choice(dbmod.CODE_ALPHABET) for _ in range(dbmod.CODE_LENGTH))
    return AirlineDB(path)


def run_requests(
    model: str, db, *, limit: int | None = None, shard: str = "1/1", full: bool = False, route: bool = True, on_row=None
) -> list[dict]:
    """Score the first `limit` requests of the shard (balanced: they are interleaved by category), one row each;
    `on_row(i, row)` is called after each."""
    from llmworks.apps.airline import Assistant

    todo = cases(db)
    k, n = (int(x) for x in shard.split("/"))
    todo = todo[k - 1 :: n][:limit]
    rows = []
    for i, case in enumerate(todo, 1):
        bot = Assistant(model, db=db, today=lambda: TODAY)
        started = time.perf_counter()
        row = dict(case)
        if full:
            held = len(db.bookings())
            turn = bot.turn(case["text"])
            row["bookings_made"] = len(db.bookings()) - held
            first = turn.steps[0] if turn.steps else None
            tool, args = (first.name, first.arguments) if first else (None, {})
            effect = any(s.ok for s in turn.steps)
            row["replaced"] = turn.replaced is not None
        else:
            tool, args, effect = decide(bot, case["text"], route=route)
        tool_ok = tool == case["tool"]
        args_ok = tool_ok and all(same(key, args.get(key), want) for key, want in case["args"].items())
        row.update(
            called=tool,
            called_args=args,
            tool_ok=tool_ok,
            args_ok=args_ok,
            effect=effect,
            seconds=time.perf_counter() - started,
        )
        rows.append(row)
        if on_row:
            on_row(i, row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-m", "--model", default="local/smollm2")
    parser.add_argument(
        "--full",
        action="store_true",
        help="whole assistant turns, replies included (default: tool decisions only, faster)",
    )
    parser.add_argument(
        "--no-router",
        action="store_true",
        help="decisions only, embedded model: skip the app's router and let the model layer's own "
        "tool choice (tool_choice='auto') pick, for comparison",
    )
    parser.add_argument("--shard", default="1/1", help="K/N: run every N-th request from the K-th (parallel runs)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N requests (still balanced)")
    parser.add_argument("--rows", help="also write one JSON line per request here (for --merge)")
    parser.add_argument("--merge", nargs="+", help="summarize rows written by earlier --rows runs and exit")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="CPU threads for the embedded model (0 = its default, from os.cpu_count())",
    )
    opts = parser.parse_args()
    if opts.threads:
        # The embedded provider sizes llama.cpp's thread pool from os.cpu_count(). On a machine busy with other
        # work, 2 threads spin-waiting on each other were ~20x slower than 1 here (67 s vs 3 s a call); threads
        # change the speed, not the (greedy) decisions.
        os.cpu_count = lambda: opts.threads
    if opts.merge:
        rows = [json.loads(line) for f in opts.merge for line in open(f, encoding="utf-8") if line.strip()]
        summarize(rows, opts.model)
        return 0

    os.environ["LLMWORKS_HOME"] = tempfile.mkdtemp(prefix="airline-bench-")  # never touch the user's database
    db = seeded_db()
    mode = "whole turns" if opts.full else "tool decisions only" + (", no router" if opts.no_router else "")
    print(f"requests on {opts.model} ({mode}, shard {opts.shard}, limit {opts.limit or 'none'})", flush=True)
    sink = open(opts.rows, "a", encoding="utf-8") if opts.rows else None

    def show(i: int, row: dict) -> None:
        if sink:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            sink.flush()
        tool, args = row["called"], row["called_args"]
        called = f"{tool}({args})" if tool else "no tool"
        mark = "ok  " if row["args_ok"] else ("TOOL" if row["tool_ok"] else "MISS")
        print(f"[{i:2d}] {mark} {row['kind']:9s} {row['seconds']:5.1f}s  {row['text'][:60]!r} -> {called}", flush=True)

    rows = run_requests(
        opts.model, db, limit=opts.limit, shard=opts.shard, full=opts.full, route=not opts.no_router, on_row=show
    )
    summarize(rows, opts.model)
    if opts.full:  # the setup's own bookings (codes for the cancellation requests) are not counted
        made = sum(r["bookings_made"] for r in rows if r["kind"] == "book")
        print(f"bookings created by the {sum(r['kind'] == 'book' for r in rows)} booking requests: {made}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
