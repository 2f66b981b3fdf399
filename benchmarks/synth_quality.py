"""Benchmark the synthetic data generator: a 6-field business schema (orders of a wholesaler, with a regex id that
must be unique, an enum, two ranges, a date and two rules) on a real model; validity after repair, exact and near
duplicates, distinct-2, rows/minute, and the time 500 rows would take at that rate.

    .venv/bin/python benchmarks/synth_quality.py [-n 500] [-m local/qwen2.5-1.5b] [--batch-size 10] [--seed 0]
        [--spec orders.json | --total] [--reference real.csv] [--json out.json]

`--total` adds a seventh field the model must compute, `total == round(quantity * unit_price, 2)`.

Run heavy runs under `flock /tmp/bench.lock`; with a small -n the table's last column extrapolates to 500 rows.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

ORDERS = {
    "description": "orders placed with a wholesale office-supplies company",
    "schema": {
        "type": "object",
        "properties": {
            "order_id": {"type": "string", "pattern": "^ORD-[0-9]{5}$"},
            "customer": {"type": "string", "description": "the customer's company name", "maxLength": 40},
            "region": {"type": "string", "enum": ["North", "South", "East", "West"]},
            "quantity": {"type": "integer", "minimum": 1, "maximum": 500},
            "unit_price": {"type": "number", "minimum": 0.5, "maximum": 900},
            "order_date": {"type": "string", "format": "date", "description": "in 2025"},
        },
        "required": ["order_id", "customer", "region", "quantity", "unit_price", "order_date"],
    },
    "unique": ["order_id"],
    "rules": ["order_date >= '2025-01-01' and order_date <= '2025-12-31'", "quantity * unit_price <= 50000"],
}


def with_total() -> dict:
    spec = json.loads(json.dumps(ORDERS))
    spec["schema"]["properties"]["total"] = {"type": "number", "minimum": 0, "description": "quantity × unit price"}
    spec["schema"]["required"].append("total")
    spec["rules"].append("total == round(quantity * unit_price, 2)")
    return spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500, help="rows to make (default 500)")
    parser.add_argument("-m", "--model", default=None, help="provider/model (default: LLMWORKS_MODEL)")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spec", type=Path, help="another spec file (default: the built-in orders schema)")
    parser.add_argument("--total", action="store_true", help="add a total field derived by a rule")
    parser.add_argument("--reference", type=Path, help="real rows to compare column shapes and pair trends with")
    parser.add_argument("--out", type=Path, help="where the data set goes (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    from llmworks import llm
    from llmworks.apps import synth
    from llmworks.events import Done, Progress

    spec = synth.load(args.spec) if args.spec else synth.Spec.of_json(with_total() if args.total else ORDERS)
    out = args.out or Path(tempfile.mkdtemp(prefix="synth-bench-")) / "orders.jsonl"
    model = llm.get_model(args.model).name
    started = time.perf_counter()
    for event in synth.generate(
        spec, args.n, out, model=model, seed=args.seed, batch_size=args.batch_size, fresh=True, reference=args.reference
    ):
        if isinstance(event, Progress):
            print(("Warning: " if event.warning else "") + event.text, flush=True)
        elif isinstance(event, Done):
            done = event
    minutes = (time.perf_counter() - started) / 60
    result, report = done.result, done.result.report
    rate = len(result.rows) / minutes
    numbers = {
        "model": model,
        "rows": len(result.rows),
        "asked": args.n,
        "written": report.generated,
        "valid_as_written": report.valid_as_written,
        "valid_after_repair": report.valid_after_repair,
        "output_valid": report.output_valid,
        "repaired": report.repaired,
        "derived": report.derived,
        "exact_dup_rate": report.exact_dup_rate,
        "near_dup_rate": report.near_dup_rate,
        "distinct_2": report.distinct_2,
        "rows_per_min": rate,
        "minutes": minutes,
        "minutes_for_500": 500 / rate,
        "output_tokens": done.usage.output_tokens,
        "input_tokens": done.usage.input_tokens,
        "calls": done.calls,
        "reference": report.reference and {k: report.reference[k] for k in ("column_shapes", "pair_trends")},
    }
    head = ["model", "rows", "valid as written", "valid after repair", "output valid", "exact dup", "near dup"]
    head += ["distinct-2", "rows/min", "min for 500"]
    cells = [
        model,
        f"{len(result.rows)}/{args.n}",
        f"{report.valid_as_written:.1%}",
        f"{report.valid_after_repair:.1%}",
        f"{report.output_valid:.1%}",
        f"{report.exact_dup_rate:.1%}",
        f"{report.near_dup_rate:.1%}",
        f"{report.distinct_2:.3f}",
        f"{rate:.1f}",
        f"{500 / rate:.0f}",
    ]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n| " + " | ".join(cells) + " |")
    print(
        f"{done.calls} calls, {done.usage.input_tokens:,} in / {done.usage.output_tokens:,} out tokens, "
        f"{minutes:.1f} min; data in {out}"
    )
    print(f"repaired by a call: {report.repaired}, by computing derived fields: {report.derived}")
    print("dropped:", json.dumps(report.dropped), "rules:", json.dumps(report.rules))
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=1))


if __name__ == "__main__":
    main()
