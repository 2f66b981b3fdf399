"""Embedding speed in this process vs on Ray (local mode, this machine's cores), same texts, same results.

    .venv/bin/python benchmarks/scale_embed.py --data ../shared/data/pricer/items_dev.jsonl --n 2000

Ray's start-up and the workers' model load are paid once, before timing (a warm-up batch); the table shows texts per
second each way, their ratio, and the largest difference between the two sets of vectors.
"""

from __future__ import annotations

import argparse
import json
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--data", required=True, help="JSONL with a 'text' field per row (e.g. the pricer's items)")
parser.add_argument("--n", type=int, default=2000, help="texts to embed")
parser.add_argument("--ray", default="local", help="Ray address: local, or a cluster's")
args = parser.parse_args()

import numpy as np

from llmworks import scale

with open(args.data, encoding="utf-8") as f:
    texts = [json.loads(line)["text"] for line, _ in zip(f, range(args.n))]
warm = [f"warm-up text {i}" for i in range(64)]
scale.embed(warm)  # the model loaded here
started = time.perf_counter()
here = scale.embed(texts)
local_s = time.perf_counter() - started
scale.embed(warm, ray=args.ray, chunk=16)  # Ray started, the model loaded in its workers
started = time.perf_counter()
there = scale.embed(texts, ray=args.ray)
ray_s = time.perf_counter() - started
print("| path | texts | seconds | texts/s |\n|---|---:|---:|---:|")
print(f"| this process | {len(texts):,} | {local_s:.1f} | {len(texts) / local_s:.0f} |")
print(f"| Ray ({args.ray}) | {len(texts):,} | {ray_s:.1f} | {len(texts) / ray_s:.0f} |")
print(f"speed-up {local_s / ray_s:.2f}x; largest difference between the vectors {np.abs(here - there).max():.2e}")
