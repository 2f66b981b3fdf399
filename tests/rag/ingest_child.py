"""One ingest in a child process, for the tests that kill it or run two at once (test_index_safety.py).

    python ingest_child.py FOLDER DB CHUNK_SIZE CHUNK_OVERLAP [LOCK_TIMEOUT]

It uses the tests' hashed bag-of-words embedder (conftest.fake_embed), prints `progress DONE TOTAL` after every
batch of 8 chunks (saved every 16), and `done SUMMARY` at the end; a refused ingest prints `refused MESSAGE` and exits 3.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("rag_conftest", Path(__file__).with_name("conftest.py"))
conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conftest)

import llmworks.embed  # noqa: E402

llmworks.embed.embed = conftest.fake_embed

from llmworks.apps.rag import KnowledgeBase  # noqa: E402
from llmworks.errors import LlmworksError  # noqa: E402

SAVE_EVERY = 16
folder, db, size, overlap = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lock_timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 5.0
try:
    report = KnowledgeBase.open(db).ingest(
        folder, chunk_size=size, chunk_overlap=overlap, batch_size=8, save_every=SAVE_EVERY,
        lock_timeout=lock_timeout, progress=lambda done, total: print(f"progress {done} {total}", flush=True))
except LlmworksError as e:
    print(f"refused {e}", flush=True)
    sys.exit(3)
print(f"done {report.summary()}", flush=True)
