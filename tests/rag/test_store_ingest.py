"""Stores agree with exact cosine search; ingest is incremental (unchanged skipped, changed replaced, deleted
removed) on both Chroma and FAISS."""

from __future__ import annotations

import numpy as np
import pytest

from llmworks.apps.rag import KnowledgeBase, ingest, open_store
from llmworks.apps.rag.store import ChromaStore, FaissStore
from llmworks.errors import LlmworksError


@pytest.fixture(params=["chroma", "faiss"])
def store(request, tmp_path):
    return open_store(tmp_path / "db", kind=request.param)


def _random_unit(n, dims, seed):
    v = np.random.default_rng(seed).normal(size=(n, dims)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_store_top_k_matches_exact_cosine(store, seed):
    vectors = _random_unit(120, 16, seed)
    ids = [f"c{i}" for i in range(120)]
    store.add(ids, vectors, [f"text {i}" for i in ids], [{"source": f"s{i % 7}", "position": i} for i in range(120)])
    for q in _random_unit(5, 16, seed + 100):
        exact = [ids[i] for i in np.argsort(-(vectors @ q))[:10]]
        got = store.query(q, 10)
        assert [cid for cid, _ in got] == exact
        assert got[0][1] == pytest.approx(float(vectors[int(exact[0][1:])] @ q), abs=1e-4)


def test_delete_sources_and_all_are_consistent(store):
    vectors = _random_unit(6, 8, 3)
    store.add(
        [f"c{i}" for i in range(6)],
        vectors,
        [f"t{i}" for i in range(6)],
        [
            {"source": "a" if i < 3 else "b", "position": i % 3, "file_hash": "h" + ("a" if i < 3 else "b")}
            for i in range(6)
        ],
    )
    assert store.source_hashes() == {"a": "ha", "b": "hb"}
    store.delete_sources(["a"])
    everything = store.all(vectors=True)
    assert everything.ids == ["c3", "c4", "c5"] and everything.texts == ["t3", "t4", "t5"]
    assert np.allclose(everything.vectors, vectors[3:], atol=1e-6)
    assert [cid for cid, _ in store.query(vectors[0], 10)] and {c for c, _ in store.query(vectors[0], 10)} <= {
        "c3",
        "c4",
        "c5",
    }


def test_ingest_is_incremental(store, corpus, embedder):
    first = ingest(corpus, store)
    assert len(first.added) == 5 and first.unchanged == 0 and first.chunks_embedded == len(embedder.texts)
    total = store.count()
    assert total == first.chunks_total == len(embedder.texts)
    metas = store.all().metadatas
    assert {m["doc_type"] for m in metas} == {"employees", "products", "company"}
    assert all({"source", "doc_type", "title", "position", "file_hash"} <= set(m) for m in metas)

    embedder.texts.clear()
    again = ingest(corpus, store)
    assert (again.added, again.updated, again.removed, again.unchanged) == ([], [], [], 5)
    assert embedder.texts == [] and store.count() == total

    # change one file: only its chunks are embedded again, and its old text is gone
    path = corpus / "products/Claimbot.md"
    path.write_text(path.read_text().replace("$4,200/month", "$5,100/month"))
    changed = ingest(corpus, store)
    assert changed.updated == ["products/Claimbot.md"] and changed.unchanged == 4
    assert embedder.texts and all(t.startswith("Claimbot (products)") for t in embedder.texts)
    texts = store.all().texts
    assert any("$5,100/month" in t for t in texts) and not any("$4,200" in t for t in texts)
    assert store.count() == total

    # delete one file: its chunks leave the index, nothing is embedded
    embedder.texts.clear()
    (corpus / "employees/Ravi Okafor.md").unlink()
    removed = ingest(corpus, store)
    assert removed.removed == ["employees/Ravi Okafor.md"] and embedder.texts == []
    assert not any(m["source"] == "employees/Ravi Okafor.md" for m in store.all().metadatas)
    assert store.count() < total

    # a new file is added
    (corpus / "products/Notes.md").write_text("# Notes\nShort note about Claimbot.")
    assert ingest(corpus, store).added == ["products/Notes.md"]


def test_changing_chunk_settings_rebuilds_everything(store, corpus, embedder):
    ingest(corpus, store)
    embedder.texts.clear()
    report = ingest(corpus, store, chunk_size=300, chunk_overlap=50)
    assert report.rebuilt and len(report.added) == 5
    assert store.count() == len(embedder.texts) == report.chunks_total


def test_chroma_index_persists_across_opens(tmp_path, corpus, embedder):
    db = tmp_path / "db"
    first = KnowledgeBase.open(db)
    first.ingest(corpus)
    count = first.store.count()
    embedder.texts.clear()
    reopened = KnowledgeBase.open(db)
    assert reopened.store.count() == count
    assert reopened.ingest(corpus).unchanged == 5 and embedder.texts == []


def test_empty_folder_and_empty_index_are_clear_errors(tmp_path, embedder):
    (tmp_path / "empty").mkdir()
    kb = KnowledgeBase.open(tmp_path / "db")
    with pytest.raises(LlmworksError, match="No documents"):
        kb.ingest(tmp_path / "empty")
    with pytest.raises(LlmworksError, match="llmworks rag ingest"):
        kb.search("anything")


def test_open_store_kinds(tmp_path):
    assert isinstance(open_store(tmp_path / "x"), ChromaStore)
    assert isinstance(open_store(kind="faiss"), FaissStore)
    with pytest.raises(LlmworksError, match="chroma"):
        open_store(kind="milvus")
