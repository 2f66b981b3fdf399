"""Ingest speed: a fresh Chroma index of a folder, then an incremental re-ingest (nothing changed).

    .venv/bin/python benchmarks/rag_ingest.py [--data ../shared/data/insurellm/knowledge-base]

Target (issue 5): the 76 insurellm files in ≤ 20 s on a 2-core machine. Wall time includes loading the embedding
model; CPU time is printed too, because a busy shared machine inflates wall time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

started_wall, started_cpu = time.perf_counter(), time.process_time()
parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/insurellm/knowledge-base")
parser.add_argument("--chunk-size", type=int, default=None)
parser.add_argument("--chunk-overlap", type=int, default=None)
parser.add_argument("--store", default="chroma", choices=["chroma", "faiss"])
args = parser.parse_args()

from llmworks.apps.rag import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, KnowledgeBase

db = tempfile.mkdtemp(prefix="rag-bench-")
try:
    kb = KnowledgeBase.open(db, store=args.store)
    options = {
        "chunk_size": args.chunk_size or DEFAULT_CHUNK_SIZE,
        "chunk_overlap": args.chunk_overlap if args.chunk_overlap is not None else DEFAULT_CHUNK_OVERLAP,
    }
    first = kb.ingest(args.data, **options)
    wall, cpu = time.perf_counter() - started_wall, time.process_time() - started_cpu
    t = time.perf_counter()
    again = kb.ingest(args.data, **options)
    again_s = time.perf_counter() - t
finally:
    shutil.rmtree(db, ignore_errors=True)
print(
    f"files: {len(first.added)}  chunks: {first.chunks_total}  "
    f"chunking: {options['chunk_size']}/{options['chunk_overlap']}"
    f"  store: {args.store}  cores: {os.cpu_count()}  load avg: {os.getloadavg()[0]:.1f}"
)
print(
    f"first ingest (process start → done, model load included): wall {wall:.1f} s, CPU {cpu:.1f} s "
    f"(ingest() alone {first.seconds:.1f} s)"
)
print(f"re-ingest, nothing changed: {again_s:.2f} s ({again.unchanged} unchanged, {again.chunks_embedded} embedded)")
