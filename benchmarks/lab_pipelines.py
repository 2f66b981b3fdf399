"""Quality of each pipeline task on its small labelled set (apps/lab/data), per backend.

python benchmarks/lab_pipelines.py                                  # every task, the default model
python benchmarks/lab_pipelines.py -m local/qwen2.5-0.5b --tasks sentiment,qa --limit 5
python benchmarks/lab_pipelines.py --data-dir my/sets               # same file names, other data
"""

from __future__ import annotations

import argparse
from pathlib import Path

from llmworks.apps.lab.evaluate import FILES, evaluate
from llmworks.events import final


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "-m", "--model", default=None, help="catalog model or Hugging Face folder (default: LLMWORKS_MODEL)"
    )
    parser.add_argument("--tasks", default=",".join(FILES), help="comma-separated tasks")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder with the sets' file names")
    parser.add_argument("--limit", type=int, default=None, help="first N items of each set")
    parser.add_argument("--misses", action="store_true", help="print the items each task got wrong")
    args = parser.parse_args()
    rows = []
    for task in args.tasks.split(","):
        data = args.data_dir / FILES[task] if args.data_dir else None
        ev = final(evaluate(task, data=data, model=args.model, limit=args.limit)).result
        scores = ", ".join(f"{k} {v:.3f}" if v <= 1 else f"{k} {v:.1f}" for k, v in ev.scores.items())
        rows.append((task, ev.backend, ev.items, scores, ev.seconds))
        print(f"{task:10} {ev.backend:22} {ev.items:3}  {scores}  ({ev.seconds:.0f} s)", flush=True)
        if args.misses:
            for miss in ev.misses:
                print("    miss:", miss)
    print("\n| task | backend | items | quality | seconds |\n|---|---|---|---|---|")
    for task, backend, n, scores, secs in rows:
        print(f"| {task} | {backend} | {n} | {scores} | {secs:.0f} |")


if __name__ == "__main__":
    main()
