"""Benchmark: an embedded LLM's hidden states as pricer features, by the CV of pricer_cv.py (never the hold-out).

    .venv/bin/python benchmarks/pricer_cv.py --extra ../shared/data/pricer/train_extra.jsonl \
        --models tfidf,knn,boosting --oof oof.npz
    .venv/bin/python benchmarks/pricer_llm_embed.py --oof oof.npz [-m qwen2.5-0.5b] [--chars 200]

Embeds the first `--chars` characters of each dev item's text with the model's mean-pooled last hidden state
(llama.cpp's embedding mode), fits ridge regression on log price within each fold of the --oof file, and prints
the member alone, the median blend of the --oof members, and that blend with the new member (nested: blend
weights fitted on the other folds). The question it answers: do the LLM's hidden states carry price knowledge the
MiniLM-based members lack (issue 13, "knowledge the small encoders lack")?

Measured 30 Nov 2026, quiet 2-core machine, qwen2.5-0.5b (the coder instruct GGUF the catalog ships), 200
characters: 1.8 items/s (16 min for the 1,750 dev items); alone $122.58 (RMSLE 0.892), blend weight 0, blend
$93.02 against $92.99 without it. Not kept.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from pricer_cv import nested_blend


def embed(texts: list[str], model: str) -> np.ndarray:
    import xllamacpp as xlc

    from llmworks.llm.providers.embedded import model_file

    params = xlc.CommonParams()
    params.model.path = str(model_file(model))
    params.n_ctx, params.embedding, params.n_parallel, params.warmup, params.verbosity = 4096, True, 1, False, -1
    params.pooling_type = xlc.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    server = xlc.Server(params)
    vectors: list = []
    started = time.perf_counter()
    for start in range(0, len(texts), 16):
        reply = server.handle_embeddings({"input": texts[start : start + 16]})
        if isinstance(reply, dict) and "error" in reply:
            raise SystemExit(f"embedding failed: {reply['error']}")
        vectors += [row["embedding"] for row in reply["data"]]
        rate = len(vectors) / (time.perf_counter() - started)
        print(f"\rembedded {len(vectors)}/{len(texts)} ({rate:.2f}/s)", end="", flush=True)
    print()
    return np.array(vectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/pricer/items_dev.jsonl")
    parser.add_argument("--oof", required=True, help=".npz from pricer_cv.py --oof (same --data, its folds)")
    parser.add_argument("-m", "--model", default="qwen2.5-0.5b", help="a local catalog model (short name)")
    parser.add_argument("--chars", type=int, default=200)
    args = parser.parse_args()

    from sklearn.linear_model import RidgeCV

    from llmworks.apps.pricer.items import load_items
    from llmworks.apps.pricer.splits import holdout_split

    saved = np.load(args.oof)
    oof, prices, fold, members = saved["oof"], saved["prices"], saved["fold"], list(saved["models"])
    items, _ = holdout_split(load_items(args.data))
    if not np.allclose(prices, [i.price for i in items]):
        raise SystemExit(f"{args.oof} was written for other items than {args.data}.")
    x = embed([i.text[: args.chars] for i in items], args.model)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    target = np.log1p(prices)
    member = np.zeros(len(items))
    for k in np.unique(fold):
        train, test = fold != k, fold == k
        mean, scale = x[train].mean(0), x[train].std(0) + 1e-6
        ridge = RidgeCV(alphas=np.logspace(-1, 4, 12)).fit((x[train] - mean) / scale, target[train])
        member[test] = ridge.predict((x[test] - mean) / scale)

    alone = np.expm1(member)
    rmsle = np.sqrt(np.mean((member - target) ** 2))
    print(f"{args.model} hidden states, ridge alone: ${np.mean(np.abs(alone - prices)):.2f} (RMSLE {rmsle:.3f})")
    for label, columns, names in [
        ("blend of " + "/".join(members), oof, members),
        ("blend with the LLM member", np.column_stack([oof, alone]), [*members, "llm"]),
    ]:
        blended, coef = nested_blend(columns, prices, fold)
        weights = ", ".join(f"{n} {w:.2f}" for n, w in zip(names, coef))
        print(f"{label}: ${np.mean(np.abs(blended - prices)):.2f} (weights {weights})")


if __name__ == "__main__":
    main()
