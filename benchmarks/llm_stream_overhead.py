"""How much does llmworks add on top of the raw llama.cpp binding when streaming the embedded model?

    .venv/bin/python benchmarks/llm_stream_overhead.py [--runs 8] [--max-tokens 128]

Both sides use the same loaded model (llmworks' engine) and the same request: temperature 0, so both decode the
same tokens. Runs alternate raw / llmworks to share the machine's noise; medians and their ratio are printed.
Target: llmworks within 3 % of the raw binding (ratio ≤ 1.03 for time to first token and for decode time).
"""

from __future__ import annotations

import argparse
import statistics
import time

from llmworks import llm
from llmworks.config import get_settings
from llmworks.llm.providers.embedded import EmbeddedModel

PROMPT = "Explain in a few sentences why the sky is blue."


def raw(model: EmbeddedModel, max_tokens: int) -> tuple[float, float, int]:
    """(ttft, tokens/s after the first, tokens) straight from xllamacpp's streaming callback."""
    server, lock = model._engine
    payload = {
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": max_tokens,
        "temperature": 0.0,
        "stream": True,
    }
    stamps: list[float] = []

    def on_chunk(chunk) -> bool:
        delta = ((chunk.get("choices") or [{}])[0].get("delta") or {}).get("content")
        if delta:
            stamps.append(time.perf_counter())
        return False

    start = time.perf_counter()
    with lock:
        server.handle_chat_completions(payload, on_chunk)
    end = time.perf_counter()
    return stamps[0] - start, (len(stamps) - 1) / (end - stamps[0]), len(stamps)


def ours(max_tokens: int) -> tuple[float, float, int]:
    s = llm.stream(PROMPT, model="local/smollm2", temperature=0.0, max_tokens=max_tokens)
    n = sum(1 for _ in s)
    r = s.response
    return r.ttft_s, (n - 1) / (r.duration_s - r.ttft_s), n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    get_settings().log_calls = False  # measure the call path, not SQLite (logging is measured separately below)
    model = llm.get_model("local/smollm2")
    ours(8), raw(model, 8)  # load + warm both paths
    results: dict[str, list[tuple[float, float, int]]] = {"raw": [], "llmworks": []}
    for _ in range(args.runs):
        results["raw"].append(raw(model, args.max_tokens))
        results["llmworks"].append(ours(args.max_tokens))
    get_settings().log_calls = True
    logged = [ours(args.max_tokens) for _ in range(max(2, args.runs // 2))]

    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    print(f"prompt: {PROMPT!r}, max_tokens={args.max_tokens}, runs={args.runs} (alternating)")
    print(f"{'':22}{'TTFT ms':>10}{'tok/s':>10}{'tokens':>8}")
    for name, rows in [
        ("raw xllamacpp", results["raw"]),
        ("llmworks.stream", results["llmworks"]),
        ("llmworks + call log", logged),
    ]:
        print(f"{name:22}{med(rows, 0) * 1000:10.1f}{med(rows, 1):10.1f}{med(rows, 2):8.0f}")
    ttft_ratio = med(results["llmworks"], 0) / med(results["raw"], 0)
    speed_ratio = med(results["raw"], 1) / med(results["llmworks"], 1)
    print(f"ratio llmworks/raw: TTFT {ttft_ratio:.3f}, time per token {speed_ratio:.3f} (target ≤ 1.03)")


if __name__ == "__main__":
    main()
