"""No ingest may lose an index (issue 10): bad options, failures and kills mid-way, concurrent ingests, files that
cannot be read. Each test counts the index's chunks before and after."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from llmworks.apps.rag import KnowledgeBase, ingest, open_store, run_ingest
from llmworks.apps.rag.store import LOCK, POINTER
from llmworks.errors import LlmworksError
from llmworks.events import Done, Progress

ingest_module = importlib.import_module("llmworks.apps.rag.ingest")  # the package re-exports the function
CHILD = Path(__file__).with_name("ingest_child.py")
WORDS = [
    "claims", "policy", "premium", "underwriting", "adjuster", "renewal", "broker", "portal", "coverage",
    "deductible", "fraud", "triage", "invoice", "contract", "region", "quarter", "audit", "reserve",
]  # fmt: skip


def _state(store) -> tuple[int, str, list[str]]:
    """Count, settings and every chunk's text: what must not change."""
    info = store.info()
    return store.count(), f"{info.embed_model} {info.chunking}", store.all().texts


def _fresh(db: Path):
    """The index as a new process would open it (Chroma caches clients per path within a process)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return open_store(db)


def _generated(root: Path, files: int = 24, paragraphs: int = 12) -> Path:
    """A corpus big enough that ingesting it takes a few seconds: `files` documents of ~`paragraphs` KB each."""
    import random

    rng = random.Random(7)
    for i in range(files):
        body = [f"# Report {i}"]
        for p in range(paragraphs):
            body.append(f"## Section {p}")
            body.append(" ".join(f"{rng.choice(WORDS)} {rng.randrange(10_000)}." for _ in range(110)))
        path = root / f"team{i % 4}" / f"report_{i:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(body))
    return root


# --- options are checked before anything touches the index ---------------------------------------------------


@pytest.mark.parametrize(
    "options,message",
    [
        ({"chunk_overlap": 2000}, "--chunk-overlap must be between 0 and half"),
        ({"chunk_size": 0}, "--chunk-size 0 is out of range"),
        ({"chunk_size": 300, "chunk_overlap": 150}, "--chunk-overlap must be between 0 and half"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"embed_model": "openai/gpt-4o"}, "Unknown embedding model"),
    ],
)
@pytest.mark.parametrize("kind", ["chroma", "faiss"])
def test_bad_options_leave_the_index_as_it_was(kind, options, message, corpus, embedder, tmp_path):
    store = open_store(tmp_path / "db", kind=kind)
    ingest(corpus, store)
    before = _state(store)
    embedder.texts.clear()
    with pytest.raises(LlmworksError, match=message):
        ingest(corpus, store, **options)
    assert _state(store) == before and before[0] > 0 and embedder.texts == []
    if kind == "chroma":
        assert _state(_fresh(tmp_path / "db")) == before


# --- new settings build beside the old index ---------------------------------------------------------------


class Failing:
    """The test embedder, failing from its `after`-th call on (a provider going down mid-way)."""

    def __init__(self, inner, after: int):
        self.inner, self.calls, self.after = inner, 0, after

    def __call__(self, texts, **kwargs):
        self.calls += 1
        if self.calls >= self.after:
            raise LlmworksError("The embedding service stopped answering.")
        return self.inner(texts, **kwargs)


@pytest.mark.parametrize("kind", ["chroma", "faiss"])
def test_failure_mid_rebuild_keeps_the_old_index_whole_and_queryable(kind, corpus, embedder, tmp_path, monkeypatch):
    import llmworks.embed

    db = tmp_path / "db"
    kb = KnowledgeBase.open(db, store=kind)
    kb.ingest(corpus)
    before = _state(kb.store)
    failing = Failing(embedder, after=3)
    monkeypatch.setattr(llmworks.embed, "embed", failing)
    with pytest.raises(LlmworksError, match="stopped answering"):
        kb.ingest(corpus, chunk_size=300, chunk_overlap=50, batch_size=2, save_every=2)
    assert failing.calls == 3  # it failed mid-way, two batches saved in the new index
    assert _state(kb.store) == before
    monkeypatch.setattr(llmworks.embed, "embed", embedder)
    assert kb.search("Claimbot pricing tier")[0].source == "products/Claimbot.md"
    if kind == "chroma":
        assert _state(_fresh(db)) == before


def test_rebuild_resumes_what_a_failed_one_saved(corpus, embedder, tmp_path, monkeypatch):
    import llmworks.embed

    db = tmp_path / "db"
    reference = open_store(kind="faiss")
    ingest(corpus, reference, chunk_size=300, chunk_overlap=50)
    embedder.texts.clear()

    kb = KnowledgeBase.open(db)
    kb.ingest(corpus)
    monkeypatch.setattr(llmworks.embed, "embed", Failing(embedder, after=4))
    with pytest.raises(LlmworksError):
        kb.ingest(corpus, chunk_size=300, chunk_overlap=50, batch_size=1, save_every=1)
    monkeypatch.setattr(llmworks.embed, "embed", embedder)
    report = kb.ingest(corpus, chunk_size=300, chunk_overlap=50)
    assert report.rebuilt and report.chunks_embedded == reference.count() - 3 > 0  # 3 saved chunks kept
    assert sorted(kb.store.all().texts) == sorted(reference.all().texts)
    assert kb.store.info().chunking == "300/50"
    assert kb.ingest(corpus, chunk_size=300, chunk_overlap=50).unchanged == 5


def _child(folder: Path, db: Path, size: int, overlap: int, *extra: str) -> subprocess.Popen:
    """ingest_child.py: embeds 8 chunks per batch, saves every 16."""
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(folder), str(db), str(size), str(overlap), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


SAVED = 48
KILL_AT = SAVED + 8  # the first batch after the third save: 48 chunks are saved


def _kill_after_saves(child: subprocess.Popen) -> int:
    """SIGKILL the child once it has saved SAVED chunks and is embedding more; return its chunk total."""
    for line in child.stdout:
        if line.startswith("progress") and int(line.split()[1]) >= KILL_AT:
            os.kill(child.pid, signal.SIGKILL)
            child.communicate()
            assert child.returncode == -signal.SIGKILL
            total = int(line.split()[2])
            assert total > 3 * KILL_AT  # killed well before the end: there was much left to do
            return total
    raise AssertionError(f"the child ended before saving {SAVED} chunks: {child.stderr.read()[-2000:]}")


def test_sigkill_mid_rebuild_keeps_the_old_index_then_the_rerun_resumes(tmp_path, embedder):
    docs, db = _generated(tmp_path / "docs"), tmp_path / "db"
    ingest(docs, open_store(db))
    before = _state(_fresh(db))

    total = _kill_after_saves(_child(docs, db, 400, 50))  # a real process, killed mid-way through the rebuild

    kb = KnowledgeBase(_fresh(db))
    assert _state(kb.store) == before and before[0] > 0
    hits = kb.search("claims audit reserve", k=5)  # still queryable, and serving the old chunks
    # a hit is an old chunk, or an old section (its first chunk, then the rest), or the overview of the old chunks
    old = tuple(before[2])
    assert len(hits) == 5 and all(hit.metadata.get("overview") or hit.text.startswith(old) for hit in hits)
    embedder.texts.clear()
    report = kb.ingest(docs, chunk_size=400, chunk_overlap=50)
    assert report.rebuilt and report.chunks_embedded == len(embedder.texts) <= total - SAVED
    assert kb.store.count() == total and kb.store.info().chunking == "400/50"
    assert {m["settings"] for m in kb.store.metadatas()} == {"local/minilm 400/50"}


def test_sigkill_mid_incremental_ingest_resumes_without_reembedding_saved_chunks(tmp_path, embedder):
    docs, db = _generated(tmp_path / "docs"), tmp_path / "db"
    ingest(docs, open_store(db))
    for path in sorted(docs.rglob("*.md")):  # every file changes
        path.write_text(path.read_text().replace("claims", "claim forms"))

    total = _kill_after_saves(_child(docs, db, 1000, 150))

    kb = KnowledgeBase(_fresh(db))
    embedder.texts.clear()
    report = kb.ingest(docs)
    assert report.chunks_embedded == len(embedder.texts) <= total - SAVED
    assert report.unchanged >= 2 and report.unchanged + len(report.resumed) + len(report.updated) == 24  # 24 each
    reference = open_store(kind="faiss")
    ingest(docs, reference)
    assert sorted(kb.store.all().texts) == sorted(reference.all().texts)
    embedder.texts.clear()
    assert kb.ingest(docs).unchanged == 24 and embedder.texts == []


# --- one ingest at a time -----------------------------------------------------------------------------------


def test_a_second_ingest_is_refused_while_one_runs(corpus, embedder, tmp_path):
    db = tmp_path / "db"
    store = open_store(db)
    ingest(corpus, store)
    before = _state(store)
    with FileLock(str(db / LOCK)):  # what a running ingest in another process holds
        with pytest.raises(LlmworksError, match="Another ingest is running on the index at .*Wait for it"):
            ingest(corpus, store, chunk_size=300, chunk_overlap=50, lock_timeout=0.2)
    assert _state(store) == before
    assert ingest(corpus, store, chunk_size=300, chunk_overlap=50).rebuilt  # free again


def test_concurrent_ingests_with_different_settings_never_mix(tmp_path, embedder):
    docs, db = _generated(tmp_path / "docs", files=30), tmp_path / "db"
    store = open_store(db)  # opened first, as a workbench would be
    child = _child(docs, db, 1000, 150)
    assert next(line for line in child.stdout if line.startswith("progress"))  # it holds the lock now
    with pytest.raises(LlmworksError, match="Another ingest is running"):
        ingest(docs, store, chunk_size=400, chunk_overlap=50, lock_timeout=0.2)
    assert child.poll() is None  # refused by the lock, not because the first had finished
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0 and "done 30 added" in out, err[-2000:]

    store = _fresh(db)
    assert {m["settings"] for m in store.metadatas()} == {"local/minilm 1000/150"}
    assert store.info().chunking == "1000/150"
    embedder.texts.clear()
    assert ingest(docs, store).unchanged == 30 and embedder.texts == []


# --- the index says what it holds, and a re-run repairs a mix ----------------------------------------------


def test_a_mixed_index_is_repaired_not_reported_unchanged(corpus, embedder, tmp_path):
    import numpy as np

    store = open_store(tmp_path / "db")
    ingest(corpus, store)
    clean = sorted(store.all().texts)
    meta = {m["source"]: m for m in store.metadatas()}
    # a chunk made with other settings (what two interleaved ingests left), and one of an older version of a file
    store.add(
        ["intruder", "leftover"],
        np.eye(2, 64, dtype=np.float32),
        ["Claimbot (products) › a 300-character chunk", "Ravi Okafor (employees) › last year's record"],
        [
            {**meta["products/Claimbot.md"], "position": 7, "settings": "local/minilm 300/50"},
            {**meta["employees/Ravi Okafor.md"], "position": 9, "file_hash": "0" * 64},
        ],
    )
    embedder.texts.clear()

    report = ingest(corpus, store)
    assert report.repaired == ["employees/Ravi Okafor.md", "products/Claimbot.md"] and report.unchanged == 3
    assert "2 repaired" in report.summary()
    assert sorted(store.all().texts) == clean
    assert embedder.texts and all(t.startswith(("Claimbot", "Ravi")) for t in embedder.texts)
    assert ingest(corpus, store).unchanged == 5


# --- files that cannot be read are skipped, the rest ingested ----------------------------------------------


def _heard(embedder, events) -> tuple:
    """(the report, [(warning, texts embedded when it came)]): an ingest run to the end, its warnings timed."""
    heard, report = [], None
    for event in events:
        if isinstance(event, Progress) and event.warning:
            heard.append((event.text, len(embedder.texts)))
        elif isinstance(event, Done):
            report = event.result
    return report, heard


def _unreadable(path: Path) -> None:
    """A file whose read fails, even for root (who ignores permission bits): /proc/self/mem reads EIO at 0."""
    if os.geteuid() == 0:
        path.symlink_to("/proc/self/mem")
    else:
        path.write_text("secret")
        path.chmod(0)


@pytest.mark.parametrize("kind", ["chroma", "faiss"])
def test_bad_files_are_reported_and_skipped_the_rest_ingested(kind, corpus, embedder, tmp_path, minimal_pdf):
    if not Path("/proc/self/mem").exists() and os.geteuid() == 0:
        pytest.skip("needs /proc to make an unreadable file as root")
    store = open_store(tmp_path / "db", kind=kind)
    ingest(corpus, store)
    count = store.count()
    (corpus / "reports").mkdir()
    (corpus / "reports" / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (corpus / "reports" / "q3.pdf").write_bytes(minimal_pdf("Claims fell 8 percent in Q3"))
    (corpus / "reports" / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4000))
    _unreadable(corpus / "reports" / "locked.txt")
    embedder.texts.clear()
    report, heard = _heard(embedder, run_ingest(corpus, store, chunk_size=400, chunk_overlap=50))
    assert report.added == [
        "company/culture.html",
        "company/history.txt",
        "employees/Maxine Zebulon.md",
        "employees/Ravi Okafor.md",
        "products/Claimbot.md",
        "reports/q3.pdf",
    ]
    assert sorted(s.split(":")[0] for s in report.skipped) == [
        "reports/broken.pdf",
        "reports/locked.txt",
        "reports/photo.md",
    ]
    assert "looks binary" in " ".join(report.skipped) and "Cannot read PDF" in " ".join(report.skipped)
    assert [n for _, n in heard] == [0, 0, 0]  # heard before any embedding
    assert all(text.startswith("Skipped reports/") for text, _ in heard)
    assert report.rebuilt and store.count() > count
    assert not any("\ufffd" in t for t in store.all().texts)
    assert "3 skipped" in report.summary()


def test_nothing_readable_is_an_error_and_the_index_is_unchanged(corpus, embedder, tmp_path):
    store = open_store(tmp_path / "db")
    ingest(corpus, store)
    before = _state(store)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.pdf").write_bytes(b"not a pdf")
    (bad / "b.md").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(LlmworksError, match="None of the 2 files .* could be ingested .*index was not changed"):
        ingest(bad, store, chunk_size=300, chunk_overlap=50)
    with pytest.raises(LlmworksError, match="None of the 2 files"):
        ingest(bad, store)  # same settings: the old files are not dropped either
    assert _state(store) == before


def test_an_unreadable_file_keeps_its_previous_chunks(corpus, embedder, tmp_path):
    if not Path("/proc/self/mem").exists() and os.geteuid() == 0:
        pytest.skip("needs /proc to make an unreadable file as root")
    store = open_store(tmp_path / "db")
    ingest(corpus, store)
    before = _state(store)
    path = corpus / "company/history.txt"
    path.unlink()
    _unreadable(path)
    report = ingest(corpus, store)
    assert report.skipped and report.removed == [] and report.unchanged == 4
    assert _state(store) == before


# --- a large ingest says so before it starts ---------------------------------------------------------------


def test_large_ingest_warns_with_an_estimate_before_embedding(corpus, embedder, tmp_path, monkeypatch):
    store = open_store(kind="faiss")
    report, heard = _heard(embedder, run_ingest(corpus, store))
    assert heard == [] and report.warnings == []  # a small ingest says nothing
    monkeypatch.setattr(ingest_module, "LARGE_INGEST_CHUNKS", 2)
    monkeypatch.setattr(ingest_module, "LOCAL_CHUNKS_PER_S", 0.0005)  # so the estimate reads in hours
    report, heard = _heard(embedder, run_ingest(corpus, open_store(kind="faiss")))
    chunks = report.chunks_embedded
    ((text, embedded_then),) = heard
    assert embedded_then == len(embedder.texts) - chunks  # before the first chunk of this ingest
    assert f"Large ingest: {chunks:,} chunks to embed (about {chunks / 0.0005 / 3600:.1f} h" in text
    assert "run the same command again to resume" in text and report.warnings == [text]


# --- the pointer to the live index ---------------------------------------------------------------------------


def _client(db: Path):
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(db), settings=Settings(anonymized_telemetry=False, allow_reset=True))


def _collections(db: Path) -> list[str]:
    return sorted(c.name for c in _client(db).list_collections())


def test_a_rebuild_swaps_the_pointer_and_drops_the_old_collection(corpus, embedder, tmp_path):
    db = tmp_path / "db"
    store = open_store(db)
    ingest(corpus, store)
    first = json.loads((db / POINTER).read_text())["collection"]
    assert _collections(db) == [first]
    ingest(corpus, store, chunk_size=300, chunk_overlap=50)
    second = json.loads((db / POINTER).read_text())["collection"]
    assert second != first and _collections(db) == [second]
    assert _fresh(db).info().chunking == "300/50"


def test_an_index_from_before_the_pointer_keeps_working(corpus, embedder, tmp_path):
    # what the previous version wrote: one "chunks" collection, settings in its metadata, chunks without stamps
    reference = open_store(kind="faiss")
    ingest(corpus, reference)
    old = reference.all(vectors=True)
    _client(tmp_path / "db").create_collection(
        "chunks",
        embedding_function=None,
        metadata={"hnsw:space": "cosine", "embed_model": "local/minilm", "chunking": "1000/150"},
    ).add(
        ids=old.ids,
        embeddings=old.vectors,
        documents=old.texts,
        metadatas=[{k: v for k, v in m.items() if k not in ("file_chunks", "settings")} for m in old.metadatas],
    )
    store = _fresh(tmp_path / "db")
    embedder.texts.clear()
    report = ingest(corpus, store)
    assert report.unchanged == 5 and not report.rebuilt and embedder.texts == []
    assert store.count() == len(old.ids) and not (tmp_path / "db" / POINTER).exists()


def test_a_damaged_pointer_falls_back_to_the_one_index_there_is(corpus, embedder, tmp_path):
    db = tmp_path / "db"
    store = open_store(db)
    ingest(corpus, store)
    before = _state(store)
    (db / POINTER).write_text("{not json")
    assert _state(_fresh(db)) == before
    assert ingest(corpus, _fresh(db)).unchanged == 5
