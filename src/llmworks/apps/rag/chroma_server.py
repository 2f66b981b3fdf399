"""The index on a Chroma server (`chroma run`), shared by every process and machine that names its URL.

The same collections as on disk; only the live-collection pointer differs: on a server it is the metadata of one
small collection, changed in a single request, instead of the atomically replaced active.json. Rebuilds still
happen beside the live index, so readers on other machines keep the old one, whole, until the switch.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlparse

from ...errors import StoreError
from .store import COLLECTION, ChromaStore

POINTER_COLLECTION = "llmworks-active"
"""Holds {"collection": <live collection>} in its metadata; its name never starts with COLLECTION (not dropped)."""


def is_url(db: object) -> bool:
    return isinstance(db, str) and db.startswith(("http://", "https://"))


class ChromaServerStore(ChromaStore):
    def __init__(self, url: str):
        import chromadb
        from chromadb.config import Settings

        from .store import default_index

        parts = urlparse(url)
        if not parts.hostname:
            raise StoreError(f"{url} is not a Chroma server URL.", "Pass one like http://127.0.0.1:8000.")
        self.url = url
        # the ingest lock is a local file: one ingest at a time from this machine (a server has no lock of its own)
        self.path = default_index().parent / "servers" / hashlib.sha1(url.encode()).hexdigest()[:12]
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._client = chromadb.HttpClient(
                host=parts.hostname,
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=Settings(anonymized_telemetry=False),
            )
            self._client.heartbeat()
        except Exception as e:
            raise StoreError(
                f"Cannot reach the Chroma server at {url}: {e}.",
                "Start it (chroma run --path DIR --port 8000) or check the URL.",
            ) from None
        self._pinned, self._seen, self._col = False, None, None
        self._creates = (COLLECTION, {"hnsw:space": "cosine"})
        self._follow()

    def _live_name(self) -> str:
        pointer = self._get(POINTER_COLLECTION)
        meta = (pointer.metadata if pointer is not None else None) or {}
        return str(meta.get("collection") or COLLECTION)

    def _follow(self):
        """The live collection, as the server names it now (another machine may have promoted a build)."""
        if self._pinned:
            return self._col
        name = self._live_name()
        if self._col is None or self._col.name != name:
            self._col = self._get(name)
        return self._col

    def staging(self, info) -> ChromaServerStore:
        view = super().staging(info)
        server = object.__new__(ChromaServerStore)
        server.__dict__.update(view.__dict__, url=self.url)
        return server

    def promote(self, staging) -> None:
        """Point the server at `staging` in one request, then drop the collections no longer live."""
        pointer = self._client.get_or_create_collection(POINTER_COLLECTION, embedding_function=None)
        pointer.modify(metadata={"collection": staging._col.name})
        self._col = staging._col
        self._drop_all_but({staging._col.name})

    def __repr__(self) -> str:
        return f"<ChromaServerStore {self.url}>"
