"""Each retrieval step measured one by one against the baseline, on the tune half (to decide) and the report half
and all dev questions (to report).

    .venv/bin/python benchmarks/rag_steps.py [--data ../shared/data/insurellm] [-k 10] [--multi-query FILE]

Ingests `<data>/knowledge-base` once into an in-memory FAISS index, then scores every variant of the Retriever on
the same questions (query vectors cached across variants, so the variants differ only in the step). A step is kept
when it raises MRR on the TUNE half without lowering any category's MRR there by more than 0.02; the `keep?`
column says so. Prints MRR / nDCG@k / coverage@k overall, spanning and holistic MRR, the worst category change, and
per variant the search latency, passages returned and the characters an answer's prompt would carry.
`--multi-query FILE` also scores multi-query retrieval with rewrites read from FILE (JSON lines {question, queries},
written by `--write-rewrites FILE -m MODEL [--rewrite-split tune]`, which asks the model once per question: slow
with an embedded model), on the splits whose every question was rewritten.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag_split import split_questions, timed_searches

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/insurellm")
parser.add_argument("-k", type=int, default=10)
parser.add_argument("--multi-query", default=None, help="JSON lines of {question, queries} to score multi-query")
parser.add_argument("--write-rewrites", default=None, help="write the model's rewrites of the questions to this file")
parser.add_argument("--rewrite-split", default="tune", choices=["tune", "report", "all"], help="questions to rewrite")
parser.add_argument("-m", "--model", default=None, help="model that writes the rewrites (default: LLMWORKS_MODEL)")
args = parser.parse_args()

import llmworks.embed
from llmworks.apps.rag import KnowledgeBase, Retriever, evaluate, load_tests
from llmworks.apps.rag.answer import ANSWER_K
from llmworks.apps.rag.multiquery import MultiQueryRetriever, rewrites

data = Path(args.data)
kb = KnowledgeBase.open(store="faiss")
kb.ingest(data / "knowledge-base")
all_tests = load_tests(data / "tests_dev.jsonl")
splits = {**split_questions(all_tests), "all": all_tests}

if args.write_rewrites:
    with open(args.write_rewrites, "w") as out:
        todo = splits[args.rewrite_split]
        for i, test in enumerate(todo, 1):
            started = time.perf_counter()
            queries = rewrites(test.question, model=args.model)
            out.write(json.dumps({"question": test.question, "queries": queries}) + "\n")
            out.flush()
            print(f"{i}/{len(todo)} {time.perf_counter() - started:.1f} s {queries}", flush=True)

real_embed = llmworks.embed.embed
_cache: dict = {}


def cached_embed(texts, **options):
    """Query vectors computed once for all variants (chunk vectors come from the store)."""
    import numpy as np

    key = (tuple(texts), options.get("model"))
    if key not in _cache:
        _cache[key] = real_embed(texts, **options)
    return np.array(_cache[key])


llmworks.embed.embed = cached_embed

BASE = {"fusion": "relative", "overview": False, "expand": False, "group": False}  # the retriever before issue 13
variants = {
    "baseline (relative fusion)": BASE,
    "rrf fusion (alpha 0.5)": {**BASE, "fusion": "rrf", "alpha": 0.5},
    "rrf fusion (alpha 0.4)": {**BASE, "fusion": "rrf", "alpha": 0.4},
    "overview chunks": {**BASE, "overview": True},
    "section expansion": {**BASE, "expand": True},
    "group by document": {**BASE, "group": True},
    "overview + expansion": {**BASE, "overview": True, "expand": True},
    "overview + exp + group": {**BASE, "overview": True, "expand": True, "group": True},
    "+ whole docs <= 2,500 chars": {**BASE, "overview": True, "expand": True, "group": True, "whole_documents": 2500},
}
retrievers = {name: Retriever(kb.store, **options) for name, options in variants.items()}
if args.multi_query:
    table = {
        row["question"]: row["queries"] for row in map(json.loads, Path(args.multi_query).read_text().splitlines())
    }
    retrievers["multi-query (3 rewrites)"] = MultiQueryRetriever(Retriever(kb.store, **BASE), table)
    both = {**BASE, "overview": True, "expand": True, "group": True}
    retrievers["multi-query + all steps"] = MultiQueryRetriever(Retriever(kb.store, **both), table)

rewritten = set(table) if args.multi_query else set()
scores = {
    (name, split): evaluate(tests, retriever, k=args.k)
    for name, retriever in retrievers.items()
    for split, tests in splits.items()
    if not name.startswith("multi-query") or all(t.question in rewritten for t in tests)  # only splits rewritten
}
print(f"k {args.k}; questions: tune {len(splits['tune'])}, report {len(splits['report'])}, all {len(all_tests)}")
print(f"{'variant':28} {'split':6} {'mrr':>6} {'ndcg':>6} {'cov':>6} {'span':>6} {'holis':>6} {'worst Δ':>16} keep?")
base = "baseline (relative fusion)"
for name in retrievers:
    for split in splits:
        if (name, split) not in scores:
            continue
        report = scores[(name, split)]
        overall, cats = report.overall(), report.by_category()
        base_cats = scores[(base, split)].by_category()
        worst = min(cats, key=lambda c: cats[c]["mrr"] - base_cats[c]["mrr"])
        delta = cats[worst]["mrr"] - base_cats[worst]["mrr"]
        keep = ""
        if split == "tune" and name != base:
            gain = overall["mrr"] - scores[(base, split)].overall()["mrr"]
            keep = "yes" if gain > 0 and delta >= -0.02 else "no"
        print(
            f"{name:28} {split:6} {overall['mrr']:6.3f} {overall['ndcg']:6.3f} {overall['coverage']:6.3f} "
            f"{cats['spanning']['mrr']:6.3f} {cats['holistic']['mrr']:6.3f} {worst[:9]:>9} {delta:+6.3f} {keep}"
        )

llmworks.embed.embed = real_embed
for name, retriever in retrievers.items():
    if name.startswith("multi-query"):
        continue  # its latency is the model's rewrite (seconds), reported by --write-rewrites
    timed = timed_searches(retriever, all_tests, args.k)
    latencies, passages = [t[0] for t in timed], [len(t[2]) for t in timed]
    answer_chars = [sum(len(h.text) for h in hits) for _, _, hits in timed_searches(retriever, all_tests, ANSWER_K)]
    print(
        f"latency {name:28} p50 {statistics.median(latencies):6.1f} ms  max {max(latencies):6.1f} ms; "
        f"{statistics.mean(passages):4.1f} passages in the top {args.k}, "
        f"{statistics.mean(answer_chars):6.0f} characters in the answer's top {ANSWER_K}"
    )
