"""Benchmark: what the embedded 1.5B LLM costs and gives the pricer, on a few CV items (never the hold-out).

    .venv/bin/python benchmarks/pricer_llm_probe.py --extra ../shared/data/pricer/train_extra.jsonl \
        --oof oof.npz --limit 20

For each item the LLM extracts attributes the encoders may lack (product type, brand tier, pack quantity) and a
price guess, in one constrained-JSON call; the guess is clipped to the price range of the item's 5 nearest training
items (DESIGN.md: the 1.5B zero-shot scored $415). Prints seconds per item, hours per 1,000 items, and, with the
ensemble's out-of-fold estimates from pricer_cv.py --oof (columns blended by median blend), the error on these
items with and without a 20 % log-weight on the clipped guess. On a few dozen items that difference is a probe,
not a verdict.

Measured 30 Nov 2026 on the shared 2-core machine (load 5-9), local/qwen2.5-1.5b, stopped after 5 items: 80-97 s an
item for ~185 prompt and ~50 reply tokens (at the quiet machine's ~40 tok/s prompt and ~15 tok/s reply it would be
~8 s): 24 h per 1,000 items as measured, ~2.3 h quiet, and the 13k training rows the attributes would be needed for
~30 h even quiet. On those 5 items the clipped guess erred $137 on average, the ensemble (out of fold) $84, the
mix $95. Not kept: it cannot be cross-validated on this machine, and nothing it showed suggests it would pay.
"""

from __future__ import annotations

import argparse
import time
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field


class Attributes(BaseModel):
    product_type: str = Field(description="what kind of product this is, 1-4 words")
    brand_tier: Literal["budget", "mid-range", "premium"]
    pack_quantity: int = Field(description="how many units are sold together (1 if one)")
    price: float = Field(description="your estimate of its price in US dollars")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/pricer/items_dev.jsonl")
    parser.add_argument("--extra", default=None)
    parser.add_argument("--oof", default=None, help=".npz from pricer_cv.py --oof (same --data, default seed)")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("-m", "--model", default="local/qwen2.5-1.5b")
    args = parser.parse_args()

    from llmworks import llm
    from llmworks.apps.pricer.ensemble import blend_logs, median_blend
    from llmworks.apps.pricer.items import load_items
    from llmworks.apps.pricer.neighbours import KNNPricer, embed_items
    from llmworks.apps.pricer.splits import holdout_split, weighted_extras

    items, _ = holdout_split(load_items(args.data))
    probe = items[: args.limit]
    train = items[args.limit :]
    train += weighted_extras(load_items(args.extra), train) if args.extra else []
    index = KNNPricer(k=5).fit(train)
    idx, _ = index.neighbours(embed_items(probe), 5)
    prices_of = np.array([i.price for i in train])

    guesses, seconds, tokens = [], [], 0
    for n, (item, near) in enumerate(zip(probe, idx), 1):
        start = time.perf_counter()
        reply = llm.structured(
            [
                {"role": "system", "content": "You read product listings and describe the product."},
                {"role": "user", "content": item.text[:1200]},
            ],
            schema=Attributes,
            model=args.model,
            temperature=0.0,
            max_tokens=80,
            retries=0,
        )
        seconds.append(time.perf_counter() - start)
        tokens += reply.usage.input_tokens + reply.usage.output_tokens
        low, high = prices_of[near].min(), prices_of[near].max()
        guesses.append(float(np.clip(reply.output.price, low, high)))
        print(
            f"{n:3d} {seconds[-1]:5.1f}s truth ${item.price:7.2f} guess ${reply.output.price:8.2f} → clipped "
            f"${guesses[-1]:7.2f} | {reply.output.product_type} / {reply.output.brand_tier} / "
            f"x{reply.output.pack_quantity}",
            flush=True,
        )
    per_item = float(np.mean(seconds))
    print(
        f"\n{args.model}: {per_item:.1f} s an item ({tokens / len(probe):.0f} tokens), "
        f"{per_item * 1000 / 3600:.1f} h per 1,000 items; the {len(train):,} training rows would take "
        f"{per_item * len(train) / 3600:.0f} h"
    )
    truth = np.array([i.price for i in probe])
    clipped_error = np.abs(np.array(guesses) - truth).mean()
    print(f"clipped LLM guess alone: ${clipped_error:.2f} mean error on {len(probe)} items")
    if args.oof:
        saved = np.load(args.oof)
        logs = np.log1p(saved["oof"])
        coef, intercept = median_blend(logs, np.log1p(saved["prices"]), np.ones(len(logs)))
        ensemble = np.expm1(blend_logs(logs[: len(probe)], coef, intercept))
        mixed = np.expm1(0.8 * np.log1p(ensemble) + 0.2 * np.log1p(guesses))
        print(
            f"ensemble (out of fold): ${np.abs(ensemble - truth).mean():.2f}; with 20 % of the clipped guess: "
            f"${np.abs(mixed - truth).mean():.2f}"
        )


if __name__ == "__main__":
    main()
