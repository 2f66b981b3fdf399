"""Ingest a folder into a vector store, incrementally: only new or changed files are embedded again.

One index mirrors one folder: files are identified by their path relative to it and by the hash of their bytes,
so an unchanged file is skipped, a changed one has its chunks replaced and a deleted one has them removed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...llm.errors import LLMError
from .chunking import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, Chunk, chunk_document, embedding_text
from .loaders import file_hash, find_files, load_file
from .store import StoreInfo, VectorStore

Progress = Callable[[int, int], None]
"""progress(chunks_embedded, chunks_to_embed)"""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    chunks_total: int = 0
    rebuilt: bool = False
    """True when the embedding model or chunking changed, so every file was embedded again."""
    seconds: float = 0.0

    def summary(self) -> str:
        rebuilt = " (settings changed: rebuilt)" if self.rebuilt else ""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
                f"{self.unchanged} unchanged{rebuilt}; {self.chunks_embedded} chunks embedded, "
                f"{self.chunks_total} in the index; {self.seconds:.1f} s")


def ingest(folder: Path | str, store: VectorStore, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
           chunk_overlap: int = DEFAULT_CHUNK_OVERLAP, embed_model: str | None = None,
           progress: Progress | None = None, batch_size: int = 64) -> IngestReport:
    from ...embed import DEFAULT, embed

    started = time.perf_counter()
    folder = Path(folder)
    embed_model = embed_model or DEFAULT
    files = find_files(folder)
    if not files:
        raise LLMError(f"No documents under {folder} (looked for .md, .txt, .pdf, .html). Check the path.")
    report = IngestReport()
    wanted = StoreInfo(embed_model=embed_model, chunking=f"{chunk_size}/{chunk_overlap}")
    current = store.info()
    if store.count() and (current.embed_model, current.chunking) != (wanted.embed_model, wanted.chunking):
        store.clear()
        report.rebuilt = True
    known = store.source_hashes()

    to_embed: list[tuple[Chunk, str]] = []  # (chunk, its file's hash)
    seen = set()
    for path in files:
        digest = file_hash(path)
        source = path.relative_to(folder).as_posix()
        seen.add(source)
        if known.get(source) == digest:
            report.unchanged += 1
            continue
        (report.updated if source in known else report.added).append(source)
        doc = load_file(path, folder, sha256=digest)
        to_embed += [(c, digest) for c in chunk_document(doc, chunk_size=chunk_size, chunk_overlap=chunk_overlap)]
    report.removed = sorted(set(known) - seen)

    # Embed first (the slow part, the one that can fail), then swap the chunks in.
    texts = [c.text for c, _ in to_embed]
    plain = [embedding_text(t) for t in texts]
    # Batches of similar length waste least on padding (the embedder pads each batch to its longest text).
    order = sorted(range(len(plain)), key=lambda i: len(plain[i]))
    parts = []
    for start in range(0, len(order), batch_size):
        parts.append(embed([plain[i] for i in order[start:start + batch_size]], model=embed_model))
        if progress:
            progress(min(start + batch_size, len(order)), len(order))
    store.delete_sources(report.updated + report.removed)
    if to_embed:
        import numpy as np

        vectors = np.empty((len(order), parts[0].shape[1]), dtype=np.float32)
        vectors[order] = np.vstack(parts)
        store.add([c.id for c, _ in to_embed], vectors, texts,
                  [{**c.metadata, "file_hash": digest} for c, digest in to_embed])
    store.set_info(wanted)
    report.chunks_embedded = len(to_embed)
    report.chunks_total = store.count()
    report.seconds = time.perf_counter() - started
    return report
