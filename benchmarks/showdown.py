"""The offline showdown: the embedded models on the bundled prompt set (or --prompts), the table as Markdown.

    flock /tmp/bench.lock .venv/bin/python benchmarks/showdown.py --repeats 3 --limit 13 --out showdown.md

--limit keeps the first N prompts (the bundled set's 14th is judged, by --judge); wall time is printed per model.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("-m", "--model", action="append", help="repeat; default: the three embedded models")
parser.add_argument("--prompts", type=Path, help="a .yaml/.jsonl prompt set (default: the bundled one)")
parser.add_argument("--limit", type=int, help="only the first N prompts")
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--judge", help="judge model for judge checks (default: LLMWORKS_MODEL)")
parser.add_argument("--temperature", type=float)
parser.add_argument("--out", type=Path, help="write the table (.md, .csv or .json)")
args = parser.parse_args()

from llmworks.apps import showdown
from llmworks.commands.render import render

models = args.model or ["local/smollm2", "local/qwen2.5-0.5b", "local/qwen2.5-1.5b"]
items = showdown.load_prompts(args.prompts) if args.prompts else showdown.default_prompts()
items = items[: args.limit] if args.limit else items
started = time.perf_counter()
result = render(
    showdown.run(models, items, repeats=args.repeats, judge=args.judge, temperature=args.temperature)
).result
elapsed = time.perf_counter() - started
print(showdown.to_markdown(result))
for model in models:
    runs = [r for r in result.runs if r.model == model]
    seconds = sum(r.duration_s or 0 for r in runs)
    print(f"{model}: {len(runs)} replies, {seconds:.0f} s of generation")
print(f"{elapsed:.0f} s in all")
if args.out:
    showdown.write(result, args.out)
