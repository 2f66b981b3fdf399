"""Vector stores behind one small interface: Chroma on disk (default) or FAISS in memory.

Stores never embed anything themselves: every vector comes from `llmworks.embed`, so Chroma never fetches its
default embedding model. Each chunk's metadata carries its file's hash, which is what makes ingest incremental.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from ...llm.errors import LLMError

COLLECTION = "chunks"


@dataclass
class StoredChunks:
    """Everything in a store, in one consistent order."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict]
    vectors: np.ndarray | None = None


@dataclass
class StoreInfo:
    """Settings recorded with an index: a different embedding model or chunking means re-embedding everything."""

    embed_model: str = ""
    chunking: str = ""
    extra: dict = field(default_factory=dict)


class VectorStore(Protocol):
    def add(self, ids: list[str], vectors: np.ndarray, texts: list[str], metadatas: list[dict]) -> None: ...
    def delete_sources(self, sources: list[str]) -> None: ...
    def source_hashes(self) -> dict[str, str]: ...
    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]: ...
    def all(self, *, vectors: bool = False) -> StoredChunks: ...
    def count(self) -> int: ...
    def info(self) -> StoreInfo: ...
    def set_info(self, info: StoreInfo) -> None: ...
    def clear(self) -> None: ...


class ChromaStore:
    """Chroma's persistent client: SQLite + HNSW (cosine) under `path`."""

    def __init__(self, path: Path):
        import chromadb
        from chromadb.config import Settings

        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._client = chromadb.PersistentClient(
                path=str(self.path), settings=Settings(anonymized_telemetry=False, allow_reset=True))
        except Exception as e:  # a corrupt or foreign folder: say which one and how to start over
            raise LLMError(f"Cannot open the Chroma index at {self.path}: {e}. "
                           "Delete that folder and run `llmworks rag ingest` again.") from e
        self._col = self._collection()

    def _collection(self):
        # embedding_function=None: Chroma must never embed (its default would download a model at run time)
        return self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"})

    def add(self, ids, vectors, texts, metadatas):
        for start in range(0, len(ids), 2000):  # Chroma caps the batch size
            end = start + 2000
            self._col.add(ids=ids[start:end], embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                          documents=texts[start:end], metadatas=metadatas[start:end])

    def delete_sources(self, sources):
        if sources:
            self._col.delete(where={"source": {"$in": list(sources)}})

    def source_hashes(self):
        got = self._col.get(include=["metadatas"])
        return {m["source"]: m.get("file_hash", "") for m in got["metadatas"] or []}

    def query(self, vector, k):
        n = self.count()
        if n == 0:
            return []
        got = self._col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=min(k, n),
                              include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]

    def all(self, *, vectors=False):
        include = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
        got = self._col.get(include=include)
        order = sorted(range(len(got["ids"])), key=lambda i: (got["metadatas"][i]["source"],
                                                              got["metadatas"][i]["position"]))
        vecs = None
        if vectors:
            vecs = np.asarray(got["embeddings"], dtype=np.float32)[order] if order else np.zeros((0, 0), np.float32)
        return StoredChunks([got["ids"][i] for i in order], [got["documents"][i] for i in order],
                            [got["metadatas"][i] for i in order], vecs)

    def count(self):
        return self._col.count()

    def info(self):
        meta = self._col.metadata or {}
        return StoreInfo(meta.get("embed_model", ""), meta.get("chunking", ""))

    def set_info(self, info):
        meta = {k: v for k, v in (self._col.metadata or {}).items() if not k.startswith("hnsw:")}
        meta.update(embed_model=info.embed_model, chunking=info.chunking)
        self._col.modify(metadata=meta)

    def clear(self):
        self._client.delete_collection(COLLECTION)
        self._col = self._collection()


class FaissStore:
    """FAISS exact inner-product index in memory (vectors are unit length, so inner product = cosine)."""

    def __init__(self):
        self.clear()

    def clear(self):
        self._ids: list[str] = []
        self._texts: list[str] = []
        self._metas: list[dict] = []
        self._vectors = None
        self._index = None
        self._info = StoreInfo()

    def _rebuild(self):
        import faiss

        self._index = None
        if self._vectors is not None and len(self._vectors):
            self._index = faiss.IndexFlatIP(self._vectors.shape[1])
            self._index.add(self._vectors)

    def add(self, ids, vectors, texts, metadatas):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._ids += list(ids)
        self._texts += list(texts)
        self._metas += [dict(m) for m in metadatas]
        self._vectors = vectors if self._vectors is None else np.vstack([self._vectors, vectors])
        self._rebuild()

    def delete_sources(self, sources):
        gone = set(sources)
        keep = [i for i, m in enumerate(self._metas) if m["source"] not in gone]
        self._ids = [self._ids[i] for i in keep]
        self._texts = [self._texts[i] for i in keep]
        self._metas = [self._metas[i] for i in keep]
        if self._vectors is not None:
            self._vectors = self._vectors[keep]
        self._rebuild()

    def source_hashes(self):
        return {m["source"]: m.get("file_hash", "") for m in self._metas}

    def query(self, vector, k):
        if self._index is None:
            return []
        scores, rows = self._index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), min(k, len(self._ids)))
        return [(self._ids[r], float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def all(self, *, vectors=False):
        order = sorted(range(len(self._ids)), key=lambda i: (self._metas[i]["source"], self._metas[i]["position"]))
        vecs = self._vectors[order] if vectors and self._vectors is not None else None
        return StoredChunks([self._ids[i] for i in order], [self._texts[i] for i in order],
                            [self._metas[i] for i in order], vecs)

    def count(self):
        return len(self._ids)

    def info(self):
        return self._info

    def set_info(self, info):
        self._info = info


def open_store(db: Path | str | None = None, *, kind: str = "chroma") -> VectorStore:
    """`kind="chroma"`: on disk at `db` (default: <data dir>/rag/chroma); `kind="faiss"`: in memory."""
    if kind == "faiss":
        return FaissStore()
    if kind != "chroma":
        raise LLMError(f"Unknown store {kind!r}; choose 'chroma' (on disk) or 'faiss' (in memory).")
    if db is None:
        from ...config import get_settings

        db = get_settings().path("rag", "chroma")
    return ChromaStore(Path(db))
