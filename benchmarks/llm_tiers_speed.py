"""Speed and memory of each offline tier: a 500-token prompt, a reply of up to 200 tokens.

    .venv/bin/python benchmarks/llm_tiers_speed.py [--runs 3] [--models local/qwen2.5-1.5b,...] [--threads 2]

Each model runs in its own process (peak RSS is per model): load, then `--runs` replies through llm.stream at
temperature 0. Every run starts with a different line so llama.cpp's prompt cache cannot skip the prompt.
Prints per model: load time, median time to first token (prompt processing), median decode tokens/s, median whole
reply, its CPU seconds, peak RSS. The default model must finish the median reply in <= 30 s on two quiet cores
(issue 11). On a busy machine wall times mean little; with --threads 1 the CPU seconds of a reply are about what it
takes on one quiet core (llama.cpp's threads spin, so with more threads CPU time overstates the work).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MODELS = ["local/qwen2.5-1.5b", "local/qwen2.5-0.5b", "local/smollm2"]
TOPICS = [
    "harbour",
    "library",
    "orchard",
    "observatory",
    "bakery",
    "railway",
    "glacier",
    "vineyard",
    "lighthouse",
    "market",
    "foundry",
    "monastery",
    "canal",
    "meadow",
    "workshop",
    "quarry",
    "theatre",
    "archive",
]


def prompt(run: int) -> str:
    """~500 tokens of varied notes (no repeated sentence the cache or the model could lean on), then the ask."""
    notes = [
        f"Note {i + 1}: the {t} opened in {1700 + 13 * i + run}, employs {12 + 7 * i} people, and is known "
        f"for its {['stone walls', 'night shifts', 'old maps', 'blue doors', 'long queues', 'quiet yard'][i % 6]}."
        for i, t in enumerate(TOPICS)
    ]
    return (
        f"Run {run}. Here are notes about a town.\n"
        + "\n".join(notes)
        + "\nWrite a detailed guide to the town that walks through every note in order, one paragraph each."
    )


def child(model: str, runs: int) -> dict:
    from llmworks import llm

    started = time.perf_counter()
    _ = llm.get_model(model)._engine  # load (and join, the first time) outside the timed replies
    load_s = time.perf_counter() - started
    rows = []
    for run in range(runs):
        cpu = time.process_time()
        s = llm.stream(prompt(run), model=model, max_tokens=200, temperature=0)
        for _ in s:
            pass
        r = s.response
        rows.append(
            {
                "ttft": r.ttft_s,
                "total": r.duration_s,
                "tps": r.tokens_per_s or 0.0,
                "in": r.usage.input_tokens,
                "out": r.usage.output_tokens,
                "cpu": time.process_time() - cpu,
            }
        )
    status = open("/proc/self/status").read()
    peak_mb = int(status.split("VmHWM:")[1].split()[0]) // 1024
    return {"model": model, "load_s": load_s, "runs": rows, "peak_mb": peak_mb}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--threads", type=int, default=None, help="LLMWORKS_THREADS for the runs (default: as set)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return
    env = dict(os.environ)
    if args.threads:
        env["LLMWORKS_THREADS"] = str(args.threads)
    print(
        f"threads={env.get('LLMWORKS_THREADS', 'default')}, cpus={os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.1f} (a busy machine slows every figure)"
    )
    print(
        f"{'model':20} {'load s':>7} {'prompt tok':>10} {'TTFT s':>7} {'tok/s':>6} {'reply tok':>9} "
        f"{'reply s':>8} {'CPU s':>6} {'peak RSS MB':>11}"
    )
    for model in args.models.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--child", model, "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            env=env,
        )
        if out.returncode:
            print(f"{model:20} failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
            continue
        result = json.loads(out.stdout.strip().splitlines()[-1])
        runs = result["runs"]

        def med(key, runs=runs):
            return statistics.median(r[key] for r in runs)

        print(
            f"{model:20} {result['load_s']:7.1f} {med('in'):10.0f} {med('ttft'):7.1f} {med('tps'):6.1f} "
            f"{med('out'):9.0f} {med('total'):8.1f} {med('cpu'):6.1f} {result['peak_mb']:11,}"
        )


if __name__ == "__main__":
    main()
