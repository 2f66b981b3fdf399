"""One ingest in a child process, for the tests that kill it or run two at once (test_index_safety.py).

    python ingest_child.py FOLDER DB CHUNK_SIZE CHUNK_OVERLAP [LOCK_TIMEOUT]

It uses the tests' hashed bag-of-words embedder (conftest.fake_embed), prints `progress DONE TOTAL` at the
ingest's progress event after every batch of 8 chunks (saved every 16), and `done SUMMARY` at the end; a refused
ingest prints `refused MESSAGE` and exits 3.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("rag_conftest", Path(__file__).with_name("conftest.py"))
conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conftest)

import llmworks.embed  # noqa: E402

llmworks.embed.embed = conftest.fake_embed

from llmworks.apps.rag import KnowledgeBase  # noqa: E402
from llmworks.errors import LlmworksError  # noqa: E402
from llmworks.events import Done  # noqa: E402

SAVE_EVERY = 16
folder, db, size, overlap = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lock_timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 5.0
try:
    for event in KnowledgeBase.open(db).run_ingest(
        folder, chunk_size=size, chunk_overlap=overlap, batch_size=8, save_every=SAVE_EVERY, lock_timeout=lock_timeout
    ):
        embedded = re.fullmatch(r"Embedded ([\d,]+) of ([\d,]+) chunks", getattr(event, "text", ""))
        if embedded:
            print("progress", *(n.replace(",", "") for n in embedded.groups()), flush=True)
        if isinstance(event, Done):
            report = event.result
except LlmworksError as e:
    print(f"refused {e}", flush=True)
    sys.exit(3)
print(f"done {report.summary()}", flush=True)
