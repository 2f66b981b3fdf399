"""Python → C++/Rust converter benchmark: one row per model (and py2many, and the Cython baseline) on the bundled
programs and HumanEval problems: compile@1, pass@1, pass after repairs, median speed-up, tokens, $.

    python benchmarks/convert_bench.py --models local/qwen2.5-1.5b,py2many --limit 3 --tasks 10
    python benchmarks/convert_bench.py --models openai/gpt-4.1-mini --tasks 152 --to rust

Prints a markdown table (the README's) and, with --json, the report as JSON. Speed-ups are CPU-time ratios measured
in the same run (both programs sandboxed), so a busy machine shifts both sides alike.
"""

from __future__ import annotations

import argparse
import json
import time

from llmworks.apps.convert.bench import bench
from llmworks.events import Progress


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="local/qwen2.5-1.5b,py2many", help="comma-separated provider/model names")
    parser.add_argument("--to", default="cpp", choices=["cpp", "rust"])
    parser.add_argument("--programs", default="", help="comma-separated bundled program names (default: all)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N bundled programs")
    parser.add_argument("--tasks", type=int, default=0, help="the first N HumanEval problems too")
    parser.add_argument("--repairs", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the Cython row")
    parser.add_argument("--json", action="store_true", help="also print the report as JSON")
    args = parser.parse_args()
    started = time.perf_counter()
    report = None
    for event in bench(
        [m.strip() for m in args.models.split(",") if m.strip()],
        to=args.to,
        only=[p for p in args.programs.split(",") if p],
        limit=args.limit,
        tasks=args.tasks,
        repairs=args.repairs,
        baseline=not args.no_baseline,
    ):
        if isinstance(event, Progress):
            print(f"[{time.perf_counter() - started:6.0f} s] {event.text}", flush=True)
        else:
            report = getattr(event, "result", report)
    print(f"\nPython → {args.to}: {', '.join(report.programs)} (repairs {args.repairs})\n")
    print("| model | runs | compile@1 | pass@1 | pass after repairs | median speed-up | tokens | $ |")
    print("|---|---|---|---|---|---|---|---|")
    for row in report.rows:
        j = row.as_json()
        print(
            f"| {row.model} | {row.runs} | {_pct(j['compile@1'])} | {_pct(j['pass@1'])} | {_pct(j['pass_repaired'])} "
            f"| {_x(j['median_speedup'])} | {j['tokens']:,} | {row.usage.cost_text(4)} |"
        )
    print("\nper program:")
    for c in report.conversions:
        print(f"  {c.source.stem:>16}  {c.model:>20}  {c.verdict:<13} rounds {len(c.rounds)}  speed-up {_x(c.speedup)}")
    print(f"\nwall time: {time.perf_counter() - started:.0f} s")
    if args.json:
        print(json.dumps(report.as_json(), indent=1))


def _pct(value):
    return "–" if value is None else f"{value:.0%}"


def _x(value):
    return "–" if value is None else f"{value:,.1f}x"


if __name__ == "__main__":
    main()
