"""The machine's embedding cache: a vector per (embedder, sha256 of the text), shared by every data dir, so a fresh
LLMWORKS_HOME never re-embeds the 17k extra listings that another one embedded before (~10 min on two cores).

    vectors = embed_cached(texts)          # (n, 384) unit vectors; only the texts never seen are embedded

It lives in LLMWORKS_CACHE_DIR (default $XDG_CACHE_HOME/llmworks, else ~/.cache/llmworks) as embeddings.sqlite,
not inside a data dir. SQLite rather than one .npz: several processes (a CV run, the workbench, a test of another
area) add rows at once, each batch in its own transaction, without rewriting 26 MB or losing each other's rows; a
lookup of 19k keys takes ~0.1 s where 19k .npy files took seconds. Rows are keyed by the name of the embedder that
made them (a test double's vectors never pass for MiniLM's). The store also keeps each embedder's measured speed,
for the estimate shown before long work.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path

import numpy as np

from ...errors import StoreError
from ...migrate import migrate
from .progress import duration, report

BATCH = 256
"""Texts per embedding call: each batch is stored as soon as it is done, so an interrupted run keeps its work."""
DEFAULT_RATE = 30.0
"""Texts a second before this machine has measured its own (MiniLM on two busy cores)."""


def m001_vectors(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE vectors (model TEXT NOT NULL, sha256 TEXT NOT NULL, vector BLOB NOT NULL, "
        "PRIMARY KEY (model, sha256)) WITHOUT ROWID"
    )
    db.execute("CREATE TABLE speeds (model TEXT PRIMARY KEY, texts_per_s REAL NOT NULL)")


MIGRATIONS = [m001_vectors]


def cache_dir() -> Path:
    configured = os.environ.get("LLMWORKS_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "llmworks"


def cache_path() -> Path:
    return cache_dir() / "embeddings.sqlite"


def _open() -> sqlite3.Connection:
    path = cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        migrate(path, MIGRATIONS)
    except StoreError as e:
        if not _damaged(e):
            raise
        # a cache holds nothing that cannot be recomputed: set the damaged file aside (for a look) and start empty
        aside = path.with_name(path.name + ".damaged")
        path.replace(aside)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        report(f"Warning: the embedding cache {path} was damaged; moved to {aside.name}, starting an empty one.")
        migrate(path, MIGRATIONS)
    try:
        return sqlite3.connect(path, timeout=60, isolation_level=None)
    except sqlite3.Error as e:
        raise StoreError.from_sqlite(path, e) from e


def _damaged(error: StoreError) -> bool:
    cause = str(error.__cause__ or "")
    return isinstance(error.__cause__, sqlite3.DatabaseError) and ("not a database" in cause or "malformed" in cause)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_cached(texts: list[str], *, model: str | None = None) -> np.ndarray:
    """Unit vectors for `texts` from `model` (default local/minilm): cached rows as they are, the rest embedded
    in batches with a progress line (done, rate, time left) and stored."""
    from ... import llm
    from ...embed import DEFAULT

    embedder = llm.get_embedder(model or DEFAULT)
    dims = embedder.dimensions
    if not texts:
        return np.zeros((0, dims), dtype=np.float32)
    keys = [text_key(t) for t in texts]
    db = _open()
    try:
        found = _lookup(db, embedder.name, keys, dims)
        by_key = dict(zip(keys, texts))
        if len(found) < len(by_key) and embedder.name == DEFAULT:
            found.update(_adopt_legacy(db, embedder.name, {k: t for k, t in by_key.items() if k not in found}, dims))
        missing = [k for k in by_key if k not in found]
        if missing:
            found.update(_embed_missing(db, embedder, [by_key[k] for k in missing], missing))
    except sqlite3.Error as e:
        raise StoreError.from_sqlite(cache_path(), e) from e
    finally:
        db.close()
    return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)


def _lookup(db: sqlite3.Connection, model: str, keys: list[str], dims: int) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 900):  # SQLite's bound-parameter limit
        chunk = unique[start : start + 900]
        rows = db.execute(
            f"SELECT sha256, vector FROM vectors WHERE model = ? AND sha256 IN ({','.join('?' * len(chunk))})",
            [model, *chunk],
        )
        for key, blob in rows:
            if len(blob) == 4 * dims:  # a damaged row is recomputed
                found[key] = np.frombuffer(blob, dtype=np.float32)
    return found


def _adopt_legacy(db, model: str, texts: dict[str, str], dims: int) -> dict[str, np.ndarray]:
    """MiniLM vectors that llmworks before this cache kept in the data dir (a .npy per sha1 of the text) are moved
    in, not recomputed."""
    from ...files import home

    legacy = home() / "pricer" / "embeddings"
    if not legacy.is_dir():
        return {}
    out: dict[str, np.ndarray] = {}
    for key, text in texts.items():
        old = hashlib.sha1(text.encode("utf-8")).hexdigest()
        path = legacy / old[:2] / f"{old}.npy"
        try:
            vector = np.load(path).astype(np.float32).ravel() if path.is_file() else None
        except (OSError, ValueError):
            vector = None
        if vector is not None and vector.size == dims:
            out[key] = vector
    if out:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", [(model, k, v.tobytes()) for k, v in out.items()]
        )
        db.execute("COMMIT")
    return out


def _embed_missing(db, embedder, texts: list[str], keys: list[str]) -> dict[str, np.ndarray]:
    from ... import scale
    from ...embed import embed

    batch = scale.FAN_OUT if scale.active() else BATCH
    rate = _speed(db, embedder.name)
    if len(texts) > BATCH:
        report(f"Embedding {len(texts):,} new texts with {embedder.name} (about {duration(len(texts) / rate)})…")
    out: dict[str, np.ndarray] = {}
    started = last_report = time.perf_counter()
    for start in range(0, len(texts), batch):
        vectors = embed(texts[start : start + batch], model=embedder).astype(np.float32)  # on Ray under --ray
        rows = [(embedder.name, k, v.tobytes()) for k, v in zip(keys[start : start + batch], vectors)]
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        db.execute("COMMIT")
        out.update(zip(keys[start : start + batch], vectors))
        done, now = len(out), time.perf_counter()
        if done >= batch:  # a few texts time the start-up, not the speed; kept as it goes, for the next estimate
            rate = done / (now - started)
            db.execute("INSERT OR REPLACE INTO speeds VALUES (?, ?)", (embedder.name, rate))
        if now - last_report > 8 and done < len(texts):
            left = duration((len(texts) - done) / rate)
            report(f"Embedded {done:,}/{len(texts):,} texts ({rate:.0f}/s, about {left} left)…")
            last_report = now
    return out


def _speed(db: sqlite3.Connection, model: str) -> float:
    row = db.execute("SELECT texts_per_s FROM speeds WHERE model = ?", (model,)).fetchone()
    return float(row[0]) if row else DEFAULT_RATE


def missing_count(texts: list[str], *, model: str | None = None) -> tuple[int, float]:
    """(texts not cached yet, seconds to embed them at this machine's measured speed), for an estimate up front."""
    from ... import llm
    from ...embed import DEFAULT

    embedder = llm.get_embedder(model or DEFAULT)
    keys = list(dict.fromkeys(text_key(t) for t in texts))
    db = _open()
    try:
        found = _lookup(db, embedder.name, keys, embedder.dimensions)
        rate = _speed(db, embedder.name)
    finally:
        db.close()
    return len(keys) - len(found), (len(keys) - len(found)) / rate
