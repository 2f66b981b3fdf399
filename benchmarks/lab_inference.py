"""Quantized (GGUF on llama.cpp) vs dequantized (float32 in transformers): load time, peak memory, time to first
token, speed and perplexity on the lab's fixed paragraph, each run in a process of its own.

    python benchmarks/lab_inference.py                                   # SmolLM2-135M and Qwen2.5-Coder-0.5B
    python benchmarks/lab_inference.py -m local/qwen2.5-1.5b --runtimes llama.cpp
    python benchmarks/lab_inference.py --gguf ~/models/other.gguf --paragraph-file my.txt
"""

from __future__ import annotations

import argparse
from pathlib import Path

from llmworks.apps.lab.inference import MODELS, PARAGRAPH, RUNTIMES, run
from llmworks.events import Delta, Done, Progress


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-m", "--model", action="append", help=f"embedded model, repeatable (default: {MODELS})")
    parser.add_argument("--gguf", action="append", default=[], help="any .gguf file, repeatable")
    parser.add_argument("--runtimes", default=",".join(RUNTIMES))
    parser.add_argument("--prompt", default="Name three primary colours and one thing of each colour.")
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--paragraph-file", type=Path, help="text to measure perplexity on (default: the lab's)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    paragraph = args.paragraph_file.read_text(encoding="utf-8") if args.paragraph_file else PARAGRAPH
    events = run(
        args.prompt,
        args.model,
        gguf=args.gguf,
        runtimes=tuple(args.runtimes.split(",")),
        max_tokens=args.max_tokens,
        paragraph=paragraph,
        threads=args.threads,
    )
    rows = []
    for event in events:
        if isinstance(event, Progress):
            print(f"\n# {event.text}", flush=True)
        elif isinstance(event, Delta):
            print(event.text, end="", flush=True)
        elif isinstance(event, Done):
            rows = event.result.rows
    print("\n\n| model | runtime | weights | load s | base RSS MB | peak RSS MB | first token s | tok/s | perplexity |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r.error:
            print(f"| {r.model} | {r.runtime} | {r.weights} | failed: {r.error} |")
            continue
        cells = [f"{r.load_s:.1f}", f"{r.base_rss_mb:,.0f}", f"{r.peak_rss_mb:,.0f}", f"{r.ttft_s:.2f}"]
        cells += [f"{r.tokens_per_s:.1f}" if r.tokens_per_s else "—", f"{r.perplexity:.2f}" if r.perplexity else "—"]
        print(f"| {r.model} | {r.runtime} | {r.weights} | " + " | ".join(cells) + " |")
    if rows:
        print(f"\nperplexity over {rows[0].ppl_tokens} tokens of the paragraph; replies capped at {args.max_tokens}")


if __name__ == "__main__":
    main()
