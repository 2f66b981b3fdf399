"""Benchmark: the pricer leaderboard on the dev items (250 held out with seed 42, the rest for training).

The hold-out is splits.HOLDOUT_N / HOLDOUT_SEED, the rows benchmarks/pricer_cv.py leaves out of the CV that
chooses settings.

    .venv/bin/python benchmarks/pricer_leaderboard.py --data ../shared/data/pricer/items_dev.jsonl \
        --extra ../shared/data/pricer/train_extra.jsonl --llm-n 50

Prints one markdown table (best first) and the CSV; --out also writes leaderboard.md/.csv/.json.
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/pricer/items_dev.jsonl")
    parser.add_argument("--extra", default=None, help="extra rows, down-weighted (e.g. train_extra.jsonl)")
    parser.add_argument("--extra-weight", type=float, default=0.5)
    parser.add_argument("--models", default=None, help="comma-separated (default: all)")
    parser.add_argument("--llm", default=None, help="model for the llm/rag pricers (default local/smollm2)")
    parser.add_argument("--llm-n", type=int, default=50)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()

    from llmworks.apps.pricer.splits import HOLDOUT_N, HOLDOUT_SEED
    from llmworks.apps.pricer.workflow import run_leaderboard
    from llmworks.events import Done, Progress

    start = time.perf_counter()
    for event in run_leaderboard(
        args.data,
        n=HOLDOUT_N,
        seed=HOLDOUT_SEED,
        models=args.models.split(",") if args.models else None,
        extra=args.extra,
        extra_weight=args.extra_weight,
        llm_model=args.llm,
        llm_n=args.llm_n or None,
    ):
        if isinstance(event, Progress):
            print(f"  {event.text}", flush=True)
        elif isinstance(event, Done):
            board = event.result
    print(board.markdown())
    print()
    print(board.csv(), end="")
    print(f"total {time.perf_counter() - start:.0f}s")
    if args.out:
        board.save(args.out)


if __name__ == "__main__":
    main()
