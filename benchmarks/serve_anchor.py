"""Anchor for `llmworks bench serve`: the raw llama.cpp server (xllamacpp's built-in HTTP server) on the embedded
GGUF, then — with --ours — `llmworks serve` on the same model, loaded the same way; the overhead is the ratio.

    flock /tmp/bench.lock .venv/bin/python benchmarks/serve_anchor.py --concurrency 1,4 --requests 4 --ours

Both run on 127.0.0.1 only, one after the other (never both loaded), with one slot (n_parallel=1, as our server's
engine), the same threads and context, and temperature 0 so both decode the same tokens. Prints vLLM's table for
each server and the ours/raw ratio of output throughput, median TTFT and median TPOT per level.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

FIELDS = [
    ("output tok/s", "output_throughput"),
    ("req/s", "request_throughput"),
    ("median TTFT ms", "median_ttft_ms"),
    ("median TPOT ms", "median_tpot_ms"),
    ("median ITL ms", "median_itl_ms"),
    ("median E2E ms", "median_e2el_ms"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench(url: str, model: str, args, extra_body: dict | None = None) -> list:
    from llmworks.apps import loadtest
    from llmworks.commands.render import render

    report = render(
        loadtest.run(
            url,
            concurrency=args.levels,
            requests=args.requests,
            model=model,
            max_tokens=args.max_tokens,
            temperature=0.0,
            timeout_s=args.timeout,
            extra_body=extra_body,
        )
    ).result
    return report.levels


def raw_server(path: Path, args):
    """xllamacpp's llama.cpp server on loopback, configured as llmworks' engine is (embedded.py `_load`)."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = args.ctx
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.n_parallel = 1
    params.warmup = False
    params.verbosity = -1
    params.hostnames = ["127.0.0.1"]
    params.port = free_port()
    return xlc.Server(params)


def ours_server(model: str, args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "LLMWORKS_THREADS": str(args.threads), "LLMWORKS_LOG_CALLS": "1"}
    cmd = [sys.executable, "-m", "llmworks", "serve", "--port", str(port), "-m", model, "--queue", "64"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"llmworks serve exited: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(url + "/health", timeout=1.0, trust_env=False).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("llmworks serve did not answer /health within 60 s")


def table(title: str, levels: list) -> None:
    print(f"\n{title}")
    print(f"{'metric':<16}" + "".join(f"{'c=' + str(m.concurrency):>12}" for m in levels))
    for label, name in FIELDS + [("completed", "completed"), ("failed", "failed")]:
        print(f"{label:<16}" + "".join(f"{getattr(m, name):>12.2f}" for m in levels))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local/qwen2.5-1.5b", help="an embedded model of the catalog")
    parser.add_argument("--concurrency", default="1,4")
    parser.add_argument("--requests", type=int, default=4, help="per level")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ctx", type=int, default=8192, help="context window, as the catalog gives the engine")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--ours", action="store_true", help="also start `llmworks serve` and compare")
    args = parser.parse_args()
    args.levels = [int(c) for c in args.concurrency.split(",")]

    from llmworks.llm.providers.embedded import model_file

    path = model_file(args.model.split("/", 1)[1])
    started = time.perf_counter()
    server = raw_server(path, args)
    # like for like: our engine samples free text with llama.cpp's DRY anti-loop settings, so the raw server gets
    # them too (without them it skips that sampler: ~5 % faster per token, measured, which is not server overhead)
    from llmworks.llm.providers.embedded import ANTI_LOOP

    raw = bench(server.listening_address, str(path), args, extra_body=ANTI_LOOP)
    del server  # the raw engine's memory goes back before ours loads the same file
    import gc

    gc.collect()
    table(f"raw llama.cpp server (xllamacpp), {args.model}", raw)
    if args.ours:
        proc, url = ours_server(args.model, args)
        try:
            mine = bench(url, args.model, args)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        table(f"llmworks serve, {args.model}", mine)
        print(f"\n{'ours / raw':<16}" + "".join(f"{'c=' + str(m.concurrency):>12}" for m in raw))
        for label, name in FIELDS:
            ratios = [
                getattr(o, name) / getattr(r, name) if getattr(r, name) else float("nan") for o, r in zip(mine, raw)
            ]
            print(f"{label:<16}" + "".join(f"{x:>12.3f}" for x in ratios))
    print(
        f"\n{args.requests} requests per level, ≤ {args.max_tokens} tokens, temperature 0, {args.threads} threads; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
