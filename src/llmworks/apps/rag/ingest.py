"""Ingest a folder into a vector store, incrementally: only new or changed files are embedded again.

One index mirrors one folder: files are identified by their path relative to it and by the hash of their bytes,
so an unchanged file is skipped, a changed one has its chunks replaced and a deleted one has them removed.

Nothing a failure can leave behind loses the index:
- options are checked before the index is touched;
- new settings (chunking, embedding model) build a new index beside the live one, promoted only when complete;
- one ingest per index at a time (a file lock);
- chunks are saved batch by batch, each stamped with its file's hash, its file's chunk count and the settings,
  so a re-run after a kill embeds only what is missing, and any mix (a half-replaced file, chunks made with other
  settings) is detected and repaired instead of being reported "unchanged";
- a file that cannot be read (binary, broken PDF, permissions) is reported and skipped; the rest is ingested.

    for event in run_ingest("docs/", store): ...   # Progress (warnings, chunks embedded), then Done(IngestReport)
    report = ingest("docs/", store)                # the same, run to the end
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import DataError, LlmworksError, StoreError
from ...events import Done, Event, Progress, app, result
from ...llm.errors import UnknownModelError
from ...text import one_line
from .chunking import (
    DEFAULT_CHUNK_OVERLAP,
    DEFAULT_CHUNK_SIZE,
    Chunk,
    check_chunking,
    chunk_document,
    embedding_text,
)
from .loaders import find_files, load_file
from .store import LOCK_WAIT_S, StoreInfo, VectorStore

LARGE_INGEST_CHUNKS = 5_000
"""Above this many chunks to embed, warn with an estimated time before starting (over a minute on 2 cores)."""
LOCAL_CHUNKS_PER_S = 60
"""all-MiniLM-L6-v2 on 2 CPU cores, 1,000-character chunks (measured 68/s); the estimate is a rough guide."""
SAVE_EVERY = 256
"""Chunks embedded between two saves: what a kill can cost (~4 s of embedding on 2 cores). Each save is one
Chroma write (~60 ms whatever its size, measured), so saving every 64-chunk batch would cost ~5 % more time.
The chunks of one save are also embedded shortest first: the embedder pads each batch to its longest text."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    resumed: list[str] = field(default_factory=list)
    """Files an interrupted ingest had partly saved: only their missing chunks were embedded."""
    repaired: list[str] = field(default_factory=list)
    """Unchanged files whose stored chunks were a mix (other settings, an older version): embedded again."""
    skipped: list[str] = field(default_factory=list)
    """One line per file that could not be ingested, with the reason (its previous chunks, if any, are kept)."""
    warnings: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    rebuilt: bool = False
    """True when the embedding model or chunking changed, so every file was embedded again."""
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.resumed or self.repaired or self.rebuilt)

    def summary(self) -> str:
        extra = "".join(
            f", {len(files)} {name}"
            for name, files in (("resumed", self.resumed), ("repaired", self.repaired), ("skipped", self.skipped))
            if files
        )
        rebuilt = " (settings changed: rebuilt)" if self.rebuilt else ""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged{extra}{rebuilt}; {self.chunks_embedded} chunks embedded, "
            f"{self.chunks_total} in the index; {self.seconds:.1f} s"
        )


@dataclass
class _Stored:
    """What the index holds for one source file, gathered from its chunks' metadata."""

    hashes: set = field(default_factory=set)
    settings: set = field(default_factory=set)
    totals: set = field(default_factory=set)
    positions: set = field(default_factory=set)

    def consistent(self, digest: str, settings: str) -> bool:
        """Every chunk made from these bytes with these settings (chunks from before the stamps count as such)."""
        return self.hashes == {digest} and self.settings <= {settings, None} and len(self.totals) == 1

    def complete(self, digest: str, settings: str) -> bool:
        if not self.consistent(digest, settings):
            return False
        (total,) = self.totals
        return total is None or self.positions == set(range(total))


def _stored(metadatas: list[dict]) -> dict[str, _Stored]:
    out: dict[str, _Stored] = {}
    for m in metadatas:
        s = out.setdefault(m["source"], _Stored())
        s.hashes.add(m.get("file_hash", ""))
        s.settings.add(m.get("settings"))
        s.totals.add(m.get("file_chunks"))
        s.positions.add(m.get("position"))
    return out


@dataclass
class _Work:
    source: str
    digest: str
    chunks: list[Chunk]
    """The chunks still to embed (all of them, or the ones an interrupted ingest did not save)."""
    total: int
    replace: bool
    """Delete the file's stored chunks before saving the first new one (they are from other bytes or a mix)."""


def check_options(chunk_size: int, chunk_overlap: int, embed_model: str, batch_size: int) -> None:
    """Every option, checked before anything touches the index."""
    from ...embed import DEFAULT, OPENAI_DIMENSIONS

    check_chunking(chunk_size, chunk_overlap)
    if batch_size < 1:
        raise LlmworksError(f"batch_size must be at least 1; got {batch_size}.")
    known = [DEFAULT, *(f"openai/{name}" for name in OPENAI_DIMENSIONS)]
    if embed_model not in known:
        raise UnknownModelError(f"Unknown embedding model {embed_model!r}; choose one of {', '.join(known)}.")


def documents(folder: Path) -> list[Path]:
    """The files to ingest; a clear error for a missing or empty folder."""
    files = find_files(folder)
    if not files:
        raise DataError(f"No documents under {folder} (looked for .md, .txt, .pdf, .html).", "Check the path.")
    return files


@app
def run_ingest(
    folder: Path | str,
    store: VectorStore,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    chunk_overlap: int = DEFAULT_CHUNK_OVERLAP,
    embed_model: str | None = None,
    batch_size: int = 64,
    save_every: int = SAVE_EVERY,
    lock_timeout: float = LOCK_WAIT_S,
) -> Iterator[Event]:
    """Bring `store` in line with `folder`. Yields a warning (Progress) per skipped file and for a large ingest,
    all before the embedding starts, then "Embedded N of M chunks" after each batch; Done(IngestReport). Chunks
    are saved every `save_every`; a second ingest on the same index waits `lock_timeout` seconds, then refuses."""
    from ...embed import DEFAULT

    started = time.perf_counter()
    embed_model = embed_model or DEFAULT
    check_options(chunk_size, chunk_overlap, embed_model, batch_size)
    if save_every < 1:
        raise LlmworksError(f"save_every must be at least 1; got {save_every}.")
    folder = Path(folder)
    files = documents(folder)
    report = IngestReport()
    wanted = StoreInfo(embed_model=embed_model, chunking=f"{chunk_size}/{chunk_overlap}")
    with store.lock(lock_timeout):
        current = store.info()
        rebuild = (current.embed_model, current.chunking) != (wanted.embed_model, wanted.chunking)
        target = store.staging(wanted) if rebuild else store
        report.rebuilt = rebuild and store.count() > 0
        work = yield from _plan(
            files,
            folder,
            _stored(target.metadatas()),
            wanted,
            report,
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
        )
        if report.skipped and not work and not report.unchanged:
            raise LlmworksError(
                f"None of the {len(files)} files under {folder} could be ingested "
                f"({'; '.join(report.skipped[:3])}{'; …' if len(report.skipped) > 3 else ''}).",
                "Fix or remove them and run again; the index was not changed.",
            )
        to_embed = sum(len(w.chunks) for w in work)
        if to_embed > LARGE_INGEST_CHUNKS:
            yield _warning(
                report,
                f"Large ingest: {to_embed:,} chunks to embed ({_estimate(to_embed, embed_model)}). "
                "Progress is saved as it goes: you can stop it (Ctrl-C) and run the same command again "
                "to resume.",
            )
        target.delete_sources(report.removed)
        report.chunks_embedded = yield from _embed_and_save(work, target, wanted, embed_model, batch_size, save_every)
        if rebuild:
            if not target.count():
                raise StoreError(
                    "The new index came out empty, so the old one was kept.",
                    "Check the documents and the options, then run again.",
                )
            store.promote(target)
    report.chunks_total = store.count()
    report.seconds = time.perf_counter() - started
    yield Done(report)


def ingest(folder: Path | str, store: VectorStore, **options) -> IngestReport:
    """`run_ingest` to the end: its report."""
    return result(run_ingest(folder, store, **options))


def _warning(report: IngestReport, message: str) -> Progress:
    report.warnings.append(one_line(message))
    return Progress(report.warnings[-1], warning=True)


def _plan(
    files: list[Path],
    folder: Path,
    stored: dict[str, _Stored],
    wanted: StoreInfo,
    report: IngestReport,
    *,
    chunk_size: int,
    chunk_overlap: int,
) -> Generator[Progress, None, list[_Work]]:
    """Read, hash and chunk every new or changed file; fill the report's file lists; yield a warning per file
    skipped."""
    work = []
    seen = set()
    for path in files:
        source = path.relative_to(folder).as_posix()
        seen.add(source)  # an unreadable file keeps its previous chunks: it was not deleted
        try:
            data = path.read_bytes()
        except OSError as e:
            report.skipped.append(f"{source}: cannot read it ({e.strerror or e})")
            yield _warning(report, f"Skipped {report.skipped[-1]}.")
            continue
        digest = hashlib.sha256(data).hexdigest()
        have = stored.get(source)
        if have and have.complete(digest, wanted.key):
            report.unchanged += 1
            continue
        try:
            doc = load_file(path, folder, sha256=digest, data=data)
            chunks = chunk_document(doc, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        except LlmworksError as e:
            report.skipped.append(f"{source}: {e}")
            yield _warning(report, f"Skipped {report.skipped[-1]}")
            continue
        if not chunks:
            report.skipped.append(f"{source}: no text to index (headings only)")
            yield _warning(report, f"Skipped {report.skipped[-1]}.")
            continue
        resumable = have is not None and have.consistent(digest, wanted.key) and have.totals == {len(chunks)}
        if resumable:
            report.resumed.append(source)
            missing = [c for c in chunks if c.position not in have.positions]
        else:
            files = report.repaired if have and digest in have.hashes else report.updated if have else report.added
            files.append(source)
            missing = chunks
        work.append(_Work(source, digest, missing, len(chunks), replace=have is not None and not resumable))
    report.removed = sorted(set(stored) - seen)
    return work


def _embed_and_save(
    work: list[_Work], target: VectorStore, wanted: StoreInfo, embed_model: str, batch_size: int, save_every: int
) -> Generator[Progress, None, int]:
    """Embed batch by batch and save every `save_every` chunks, so an interrupted ingest keeps what it has done."""
    import numpy as np

    from ... import scale
    from ...embed import embed

    if scale.active():  # on Ray: big windows, each embedded in one fanned-out call
        save_every = batch_size = max(save_every, scale.FAN_OUT)
    items = [(w, c) for w in work for c in w.chunks]
    cleared: set[str] = set()
    done = 0
    for start in range(0, len(items), save_every):
        window = sorted(items[start : start + save_every], key=lambda item: len(item[1].text))
        vectors = []
        for b in range(0, len(window), batch_size):
            vectors.append(embed([embedding_text(c.text) for _, c in window[b : b + batch_size]], model=embed_model))
            done += len(vectors[-1])
            yield Progress(f"Embedded {done:,} of {len(items):,} chunks")
        # a replaced file's old chunks go only now, when its first new ones are ready to take their place
        stale = sorted({w.source for w, _ in window if w.replace} - cleared)
        target.delete_sources(stale)
        cleared.update(stale)
        target.add(
            [c.id for _, c in window],
            np.vstack(vectors),
            [c.text for _, c in window],
            [{**c.metadata, "file_hash": w.digest, "file_chunks": w.total, "settings": wanted.key} for w, c in window],
        )
    return done


def _estimate(chunks: int, embed_model: str) -> str:
    from ...embed import DEFAULT

    if embed_model != DEFAULT:
        return f"time and cost depend on {embed_model}"
    seconds = chunks / LOCAL_CHUNKS_PER_S
    took = f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{max(1, round(seconds / 60))} min"
    return f"about {took} at ~{LOCAL_CHUNKS_PER_S} chunks/s, as measured on 2 CPU cores"
