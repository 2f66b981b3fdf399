"""Vector stores behind one small interface: Chroma on disk (default) or FAISS in memory.

Stores never embed anything themselves: every vector comes from `llmworks.embed`, so Chroma never fetches its
default embedding model. Each chunk's metadata carries its file's hash, which is what makes ingest incremental.

An index is never rebuilt in place: `staging(info)` gives an index beside the live one, and `promote(staging)`
makes it the live one in a single step (Chroma: one collection per settings, and `active.json` naming the live
one, replaced atomically). Until then readers see the old index, whole, whatever happens to the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from ...errors import LlmworksError, StoreError
from ...files import atomic_write

COLLECTION = "chunks"
"""The collection of indexes made before `active.json` existed (and of a store filled without `ingest`)."""
POINTER = "active.json"
LOCK = "ingest.lock"
LOCK_WAIT_S = 5.0
"""How long a second ingest waits for the first before refusing: covers a double click, not a long ingest (one can
run for hours; a command that sits silent that long looks hung, and the user should choose what happens next)."""


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

    @property
    def key(self) -> str:
        """The settings as one string, also written into every chunk's metadata (so a mix can be detected)."""
        return f"{self.embed_model} {self.chunking}"


class VectorStore(Protocol):
    def add(self, ids: list[str], vectors: np.ndarray, texts: list[str], metadatas: list[dict]) -> None: ...
    def delete_sources(self, sources: list[str]) -> None: ...
    def source_hashes(self) -> dict[str, str]: ...
    def metadatas(self) -> list[dict]: ...
    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]: ...
    def all(self, *, vectors: bool = False) -> StoredChunks: ...
    def count(self) -> int: ...
    def info(self) -> StoreInfo: ...
    def staging(self, info: StoreInfo) -> VectorStore: ...
    def promote(self, staging: VectorStore) -> None: ...
    def lock(self, timeout: float = LOCK_WAIT_S): ...


def _hashes(metadatas: list[dict]) -> dict[str, str]:
    return {m["source"]: m.get("file_hash", "") for m in metadatas}


def _read_only(path: Path, error: BaseException) -> bool:
    text = str(error).lower().replace("-", "")
    return "readonly" in text or isinstance(error, PermissionError) or not os.access(path, os.W_OK)


def _read_only_error(path: Path) -> StoreError:
    # Chroma writes to its SQLite file even to read it, so a read-only index cannot be opened at all.
    return StoreError(
        f"The index at {path} is read-only (Chroma must write to its folder even to search it).",
        f"Make it writable (chmod -R u+w '{path}'), or copy it to a writable folder and pass that with --db.",
        path=path,
    )


class ChromaStore:
    """Chroma's persistent client: SQLite + HNSW (cosine) under `path`; the live collection is named in active.json."""

    def __init__(self, path: Path):
        import chromadb
        from chromadb.config import Settings

        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except FileExistsError as e:
            raise StoreError(
                f"{self.path} is a file, not an index folder.",
                "Pass a folder with --db (a new one is created).",
                path=self.path,
            ) from e
        except OSError as e:
            raise StoreError(
                f"Cannot create the index folder {self.path}: {e.strerror or e}.",
                "Pass a writable folder with --db.",
                path=self.path,
            ) from e
        try:
            self._client = chromadb.PersistentClient(
                path=str(self.path), settings=Settings(anonymized_telemetry=False, allow_reset=True)
            )
        except Exception as e:  # say which folder, and a next step that keeps the data
            if _read_only(self.path, e):
                raise _read_only_error(self.path) from e
            raise StoreError(
                f"Cannot open the Chroma index at {self.path}: {e}.",
                f"Move that folder aside (mv '{self.path}' '{self.path}.broken') and run "
                "`llmworks rag ingest` again to build a fresh one; the old folder stays for recovery.",
                path=self.path,
            ) from e
        self._pinned = False  # a staging view stays on its collection; the live store follows active.json
        self._seen: tuple | None = None
        self._col = None
        self._creates = (COLLECTION, {"hnsw:space": "cosine"})  # what the first write creates, if nothing is live
        self._follow()

    # --- which collection is live ---------------------------------------------------------------------------
    def _pointer(self) -> Path:
        return self.path / POINTER

    def _follow(self):
        """The live collection, re-read when active.json changed (another process may have promoted a build)."""
        if self._pinned:
            return self._col
        try:
            st = self._pointer().stat()
            seen = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            seen = None
        if self._col is not None and seen == self._seen:
            return self._col
        name = COLLECTION
        if seen is not None:
            try:
                name = json.loads(self._pointer().read_text(encoding="utf-8"))["collection"]
            except (OSError, ValueError, KeyError, TypeError):
                # only a hand edit can damage it (it is replaced atomically): the one index there is, if one is;
                # otherwise none, so the next ingest builds afresh and writes a new pointer
                names = [n for n in self._names() if n == COLLECTION or n.startswith(COLLECTION + "-")]
                name = names[0] if len(names) == 1 else ""
        self._seen, self._col = seen, self._get(name) if name else None
        return self._col

    def _names(self) -> list[str]:
        return [getattr(col, "name", col) for col in self._client.list_collections()]

    def _get(self, name: str):
        from chromadb.errors import NotFoundError

        try:
            return self._client.get_collection(name, embedding_function=None)
        except (NotFoundError, ValueError):
            return None

    def _live(self, *, create: bool = False):
        col = self._follow()
        if col is None and create:  # the first write: a staging view's collection, or the plain one
            name, meta = self._creates
            col = self._col = self._client.get_or_create_collection(name, embedding_function=None, metadata=meta)
        return col

    # --- chunks ---------------------------------------------------------------------------------------------
    def add(self, ids, vectors, texts, metadatas):
        col = self._live(create=True)
        for start in range(0, len(ids), 2000):  # Chroma caps the batch size
            end = start + 2000
            col.add(
                ids=ids[start:end],
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                documents=texts[start:end],
                metadatas=metadatas[start:end],
            )

    def delete_sources(self, sources):
        col = self._live()
        if sources and col is not None:
            col.delete(where={"source": {"$in": list(sources)}})

    def metadatas(self):
        col = self._live()
        return list(col.get(include=["metadatas"])["metadatas"] or []) if col is not None else []

    def source_hashes(self):
        return _hashes(self.metadatas())

    def query(self, vector, k):
        col = self._live()
        n = col.count() if col is not None else 0
        if n == 0:
            return []
        got = col.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=min(k, n), include=["distances"]
        )
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]

    def all(self, *, vectors=False):
        col = self._live()
        if col is None:
            return StoredChunks([], [], [], np.zeros((0, 0), np.float32) if vectors else None)
        include = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
        got = col.get(include=include)
        order = sorted(
            range(len(got["ids"])), key=lambda i: (got["metadatas"][i]["source"], got["metadatas"][i]["position"])
        )
        vecs = None
        if vectors:
            vecs = np.asarray(got["embeddings"], dtype=np.float32)[order] if order else np.zeros((0, 0), np.float32)
        return StoredChunks(
            [got["ids"][i] for i in order],
            [got["documents"][i] for i in order],
            [got["metadatas"][i] for i in order],
            vecs,
        )

    def count(self):
        col = self._live()
        return col.count() if col is not None else 0

    def info(self):
        col = self._live()
        meta = (col.metadata if col is not None else None) or {}
        return StoreInfo(meta.get("embed_model", ""), meta.get("chunking", ""))

    # --- rebuilds beside the live index ---------------------------------------------------------------------
    def staging(self, info: StoreInfo) -> ChromaStore:
        """The collection for `info`, created by its first write with the settings in its metadata (one write);
        a build that was killed left it partly filled, and ingest resumes it."""
        name = f"{COLLECTION}-{hashlib.sha1(info.key.encode()).hexdigest()[:12]}"
        view = object.__new__(ChromaStore)
        view.path, view._client, view._pinned, view._seen = self.path, self._client, True, None
        view._col = self._get(name)
        view._creates = (name, {"hnsw:space": "cosine", "embed_model": info.embed_model, "chunking": info.chunking})
        return view

    def promote(self, staging: ChromaStore) -> None:
        """Make `staging` the live index: one atomic rename of active.json; the old collection (and any build
        for other settings that was never finished) is dropped after."""
        atomic_write(self._pointer(), json.dumps({"collection": staging._col.name}) + "\n")
        self._col, self._seen = staging._col, None
        self._follow()
        self._drop_all_but({staging._col.name})

    def _drop_all_but(self, keep: set[str]) -> None:
        for name in self._names():
            if name not in keep and (name == COLLECTION or name.startswith(COLLECTION + "-")):
                self._client.delete_collection(name)

    @contextmanager
    def lock(self, timeout: float = LOCK_WAIT_S):
        """One ingest at a time per index folder, across processes (an OS file lock: freed if the holder dies)."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path / LOCK), timeout=timeout)
        try:
            lock.acquire()
        except Timeout as e:
            raise StoreError(
                f"Another ingest is running on the index at {self.path}.",
                "Wait for it to finish, then run this one again.",
                path=self.path,
            ) from e
        except OSError as e:
            if _read_only(self.path, e):
                raise _read_only_error(self.path) from e
            raise
        try:
            yield
        finally:
            lock.release()


class FaissStore:
    """FAISS exact inner-product index in memory (vectors are unit length, so inner product = cosine)."""

    def __init__(self, info: StoreInfo | None = None):
        self._ids: list[str] = []
        self._texts: list[str] = []
        self._metas: list[dict] = []
        self._vectors = None
        self._index = None
        self._info = info or StoreInfo()
        self._lock = threading.Lock()

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

    def metadatas(self):
        return [dict(m) for m in self._metas]

    def source_hashes(self):
        return _hashes(self._metas)

    def query(self, vector, k):
        if self._index is None:
            return []
        scores, rows = self._index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), min(k, len(self._ids)))
        return [(self._ids[r], float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def all(self, *, vectors=False):
        order = sorted(range(len(self._ids)), key=lambda i: (self._metas[i]["source"], self._metas[i]["position"]))
        vecs = self._vectors[order] if vectors and self._vectors is not None else None
        return StoredChunks(
            [self._ids[i] for i in order], [self._texts[i] for i in order], [self._metas[i] for i in order], vecs
        )

    def count(self):
        return len(self._ids)

    def info(self):
        return self._info

    def staging(self, info: StoreInfo) -> FaissStore:
        return FaissStore(info)

    def promote(self, staging: FaissStore) -> None:
        # one assignment per field under the GIL; readers in other threads see the old or the new index
        self._ids, self._texts, self._metas = staging._ids, staging._texts, staging._metas
        self._vectors, self._index, self._info = staging._vectors, staging._index, staging._info

    @contextmanager
    def lock(self, timeout: float = LOCK_WAIT_S):
        if not self._lock.acquire(timeout=timeout):
            raise LlmworksError(
                "Another ingest is running on this in-memory index.", "Wait for it to finish, then retry."
            )
        try:
            yield
        finally:
            self._lock.release()


def open_store(db: Path | str | None = None, *, kind: str = "chroma") -> VectorStore:
    """`kind="chroma"`: on disk at `db` (default: <data dir>/rag/chroma), or on the Chroma server `db` names by URL
    (http://host:8000); `kind="faiss"`: in memory."""
    if kind == "faiss":
        return FaissStore()
    if kind != "chroma":
        raise LlmworksError(f"Unknown store {kind!r}; choose 'chroma' (on disk) or 'faiss' (in memory).")
    if isinstance(db, str) and db.startswith(("http://", "https://")):
        from .chroma_server import ChromaServerStore

        return ChromaServerStore(db)
    return ChromaStore(Path(db) if db is not None else default_index())


def default_index() -> Path:
    """Where the index lives unless another is named: <data dir>/rag/chroma (the one place this is decided)."""
    from ...config import get_settings

    return get_settings().path("rag", "chroma")


def default_documents() -> Path:
    """Where uploaded documents go unless another folder is named: the folder the default index mirrors."""
    from ...config import get_settings

    return get_settings().path("rag", "documents")
