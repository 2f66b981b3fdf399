"""Offline model tiers: every offline app benchmark on each embedded model, in one markdown table (issue 11).

    .venv/bin/python benchmarks/offline_tiers.py --models local/smollm2,local/qwen2.5-0.5b,local/qwen2.5-1.5b \
        [--limit N] [--apps airline,brochure,summarizer,rag,pricer,debate,translation] [--json out.json] \
        [--threads N] [--data ../shared/data]

Each model runs in its own process (so its peak memory is its own), one app after the other; an app that fails
shows "error: ..." in its cell and the run goes on. Progress goes to stderr, the table to stdout.

The figures (higher is better, except the pricer's error):
- airline: FlightAI's first tool call right in name and every argument (off-topic: rightly no tool), share of the
  46 requests of benchmarks/airline_tools.py (interleaved by category, so the first N are balanced).
- brochure: of 12 known Insurellm facts (founder, year, city, 8 products, head count), the share the brochure of the
  locally served Insurellm site names (benchmarks/web_brochure.py; 400-token cap, temperature 0).
- summarizer: of the known facts each page holds, the share its neutral summary names (/about, then /).
- rag: Insurellm dev questions (spread over the categories) answered by the RAG app from an index ingested once
  with the offline embedder: mean recall of the reference keywords the question does not already contain (an
  "I don't know" scores 0); "IDK" counts those answers.
- pricer: mean absolute error in $ of the zero-shot LLM pricer on the first N hold-out items of items_dev.jsonl
  (the leaderboard's 250-item split; no estimate counts as $0, as in the Tester).
- debate: the debate app's argumentative and polite personas, model against itself; share of turns that keep their
  persona by a keyword rubric in code (more of its own markers, e.g. "disagree", "nonsense", than of the other's,
  e.g. "good point", "I agree"). Sampled at the app's default temperature, so it varies run to run.
- translation: `llmworks chat -s "Translate to <language>"` on six short sentences into French, Spanish and German;
  share whose reply holds the expected words and ended by itself (finish_reason "stop") within 64 tokens;
  "ended" counts the replies that stopped by themselves.
Speed, per model: load = first call (a file join on first use included); TTFT, tokens/s and reply seconds are
medians over 3 replies of up to 150 tokens to different ~500-token prompts (temperature 0). Memory: peak RSS after
loading the model and the speed replies ("RSS model"), and at the end of the run ("peak RSS", which includes the
apps' own libraries, e.g. torch for the RAG embedder).

Defaults (--limit unset) size a full three-model run to ~30 min on two quiet cores; --limit N caps every app at
N items (N=2 for a smoke test). Calls are not written to the call log; the airline database lives in a temp dir.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tiers_apps
from tiers_apps import APPS, Cell, Context

DEFAULT_N = {"airline": 20, "brochure": 1, "summarizer": 2, "rag": 8, "pricer": 30, "debate": 6, "translation": 18}
PROBES = 3
DATA = Path(__file__).resolve().parents[1] / "../shared/data"
COLUMNS = {
    "airline": "airline tool+args",
    "brochure": "brochure facts",
    "summarizer": "summary facts",
    "rag": "RAG keyword recall",
    "pricer": "pricer MAE",
    "debate": "debate persona",
    "translation": "translation",
}


def items_for(app: str, limit: int | None) -> int:
    return min(DEFAULT_N[app], limit) if limit else DEFAULT_N[app]


def error_text(e: BaseException) -> str:
    message = " ".join(str(e).split()) or type(e).__name__
    return f"error: {message[:90]}"


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM: ru_maxrss survives fork and exec, so a child
    started by a parent that holds 1 GB (torch, after the RAG ingest) would report at least that."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024  # kB
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


# --- one model, in its own process ---------------------------------------------------------------------------------


def run_model(model, apps: list[str], limit: int | None, ctx: Context, save=lambda result: None) -> dict:
    """Speed probe, then each app; `save(result)` after each step so a crash keeps what was measured."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    name = model if isinstance(model, str) else getattr(model, "name", repr(model))
    result: dict = {"model": name, "cells": {}, "speed": None}
    started = time.perf_counter()
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(f"{name} speed", total=PROBES)
        try:
            result["speed"] = tiers_apps.speed(model, PROBES, ctx, lambda: progress.advance(task))
        except Exception as e:
            result["speed"] = {"error": error_text(e)}
        result["rss_model_mb"] = peak_rss_mb()
        save(result)
        for app in apps:
            n = items_for(app, limit)
            task = progress.add_task(f"{name} {app}", total=n)
            t = time.perf_counter()
            try:
                cell = APPS[app](model, n, ctx, lambda task=task: progress.advance(task))
            except Exception as e:
                cell = Cell(None, error_text(e), "")
            cell.seconds = time.perf_counter() - t
            result["cells"][app] = vars(cell)
            result["peak_rss_mb"] = peak_rss_mb()
            result["seconds"] = time.perf_counter() - started
            save(result)
    return result


def one_model(args) -> int:
    """The child: run one model, writing its result JSON to args.out after each step."""
    apps = args.apps.split(",")
    ctx = Context(
        insurellm=args.data / "insurellm", pricer_items=args.data / "pricer" / "items_dev.jsonl", rag_db=args.rag_db
    )
    server = None
    if {"brochure", "summarizer"} & set(apps):
        import web_brochure

        ctx.site, server = web_brochure.serve(web_brochure.build_site(ctx.insurellm / "knowledge-base"))

    def save(result: dict) -> None:
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, args.out)

    run_model(args.one_model, apps, args.limit, ctx, save)
    if server:
        server.shutdown()
    return 0


# --- the parent: one process per model, then the table ------------------------------------------------------------


def build_rag_index(kb: Path, where: Path, console) -> Path:
    from llmworks.apps.rag import KnowledgeBase

    console.print(f"ingesting {kb} into a temp index (offline embedder) ...")
    t = time.perf_counter()
    report = KnowledgeBase.open(where).ingest(kb)
    console.print(f"  {report.chunks_total} chunks in {time.perf_counter() - t:.0f} s")
    return where


def child_env(threads: int) -> dict:
    env = dict(os.environ, LLMWORKS_LOG_CALLS="0", LLMWORKS_ALLOW_PRIVATE_URLS="1", HF_HUB_OFFLINE="1")
    if threads:
        env["LLMWORKS_THREADS"] = str(threads)
    return env


def run_all(args, apps: list[str], console) -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="offline-tiers-"))
    rag_db = (
        build_rag_index(args.data / "insurellm" / "knowledge-base", work / "rag", console) if "rag" in apps else None
    )
    results = []
    for i, model in enumerate(args.models.split(","), 1):
        console.rule(f"{model} ({i}/{len(args.models.split(','))})")
        out = work / f"model{i}.json"
        cmd = [
            sys.executable,
            __file__,
            "--one-model",
            model,
            "--out",
            str(out),
            "--apps",
            ",".join(apps),
            "--data",
            str(args.data),
        ]
        cmd += ["--limit", str(args.limit)] if args.limit else []
        cmd += ["--rag-db", str(rag_db)] if rag_db else []
        why = None
        try:
            code = subprocess.run(cmd, env=child_env(args.threads), timeout=args.model_timeout).returncode
            why = f"error: model process exited with code {code}" if code else None
        except subprocess.TimeoutExpired:
            why = f"error: model process passed --model-timeout {args.model_timeout} s"
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"model": model, "cells": {}}
        for app in apps:  # what a crashed or killed process did not reach
            result["cells"].setdefault(app, vars(Cell(None, why or "error: not run", "")))
        if not result.get("speed"):
            result["speed"] = {"error": why or "error: not run"}
        results.append(result)
    return results


def fmt(value, pattern: str) -> str:
    return pattern.format(value) if isinstance(value, (int, float)) else "–"


def table(results: list[dict], apps: list[str]) -> str:
    head = [
        "model",
        *(COLUMNS[a] for a in apps),
        "load s",
        "TTFT s",
        "tok/s",
        "500-tok reply s",
        "RSS model",
        "peak RSS",
        "run min",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        s = r.get("speed") or {}
        speed = (
            [s["error"], "", "", ""]
            if "error" in s
            else [
                fmt(s.get("load_s"), "{:.1f}"),
                fmt(s.get("ttft_s"), "{:.1f}"),
                fmt(s.get("tokens_per_s"), "{:.1f}"),
                fmt(s.get("reply_s"), "{:.1f}"),
            ]
        )
        row = [
            r["model"],
            *(r["cells"][a]["text"].replace("|", "/") for a in apps),
            *speed,
            fmt(r.get("rss_model_mb"), "{:,.0f} MB"),
            fmt(r.get("peak_rss_mb"), "{:,.0f} MB"),
            fmt((r.get("seconds") or 0) / 60, "{:.1f}"),
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def rests_on(results: list[dict], apps: list[str]) -> str:
    """What each figure rests on, e.g. 'airline: 20 requests'; per model where the counts differ."""
    parts = []
    for app in apps:
        counts = list(dict.fromkeys(r["cells"][app]["n"] for r in results if r["cells"][app]["n"]))
        parts.append(f"{app}: {' / '.join(counts) or 'n/a'}")
    probes = list(
        dict.fromkeys(
            f"{r['speed']['n']} replies to {r['speed']['input_tokens']:.0f}-token prompts"
            for r in results
            if "n" in (r.get("speed") or {})
        )
    )
    parts.append(f"speed: {' / '.join(probes) or 'n/a'}")
    return "Items per figure: " + "; ".join(parts) + "."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="local/smollm2,local/qwen2.5-0.5b,local/qwen2.5-1.5b")
    parser.add_argument("--apps", default=",".join(APPS), help=f"comma-separated, from: {', '.join(APPS)}")
    parser.add_argument(
        "--limit", type=int, default=None, help=f"at most N items per app (default per app: {DEFAULT_N})"
    )
    parser.add_argument("--json", type=Path, help="also write every number (per app, per model) here")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="LLMWORKS_THREADS for the models (0: the provider's default); 1 on a busy machine",
    )
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder (insurellm/, pricer/)")
    parser.add_argument("--model-timeout", type=int, default=3600, help="seconds before a model's process is ended")
    parser.add_argument("--one-model", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rag-db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_model:
        return one_model(args)

    from rich.console import Console

    console = Console(stderr=True)
    apps = [a.strip() for a in args.apps.split(",") if a.strip()]
    unknown = [a for a in apps if a not in APPS]
    if unknown:
        parser.error(f"unknown app(s) {', '.join(unknown)}; choose from {', '.join(APPS)}")
    if not (args.data / "insurellm" / "knowledge-base").is_dir():
        parser.error(f"no Insurellm knowledge base under {args.data}; pass --data (the shared data folder)")
    started = time.perf_counter()
    results = run_all(args, apps, console)
    print(table(results, apps))
    print()
    print(rests_on(results, apps))
    print(
        f"{os.cpu_count()} CPUs, threads {args.threads or 'default'}, load average at the end "
        f"{os.getloadavg()[0]:.1f}; whole run {(time.perf_counter() - started) / 60:.1f} min."
    )
    if args.json:
        args.json.write_text(
            json.dumps({"apps": apps, "limit": args.limit, "results": results}, indent=1, default=str), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
