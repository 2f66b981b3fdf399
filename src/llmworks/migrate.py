"""One SQLite migration runner for every store (the call log, the airline database, and any later one).

    MIGRATIONS = [m001_calls, m002_finish_reason]     # append only; never edit one that has shipped
    migrate(path, MIGRATIONS)                          # -> schema version; creates the file if missing
    up_to_date(path, MIGRATIONS)                       # a read-only check: nothing is written
    db = read_only(path)                               # works in a read-only folder too

Migration N is `migrations[N-1]`, a function of a connection; `PRAGMA user_version` records the last one
applied. Each runs in the same transaction as its version bump, taken with BEGIN IMMEDIATE and re-checked
under that lock, so a crash or a second process never leaves a half-migrated file or applies a step twice.
A migration must not commit: use `execute` per statement, not `executescript` (it COMMITs first).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import StoreError

Migration = Callable[[sqlite3.Connection], None]


class SchemaTooNewError(StoreError):
    """The file was migrated by a newer llmworks than this one."""


def migrate(path: Path, migrations: Sequence[Migration], *, legacy_table: str | None = None) -> int:
    """Apply the migrations `path` lacks, each in its own transaction; return its schema version.

    `legacy_table`: a table in which an older version of this store recorded the names of the migrations it
    had applied (a `name` column); such a file is adopted, its version set from that table, without re-running
    them.
    """
    path = Path(path)
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)  # autocommit: we BEGIN ourselves
    except sqlite3.Error as e:
        raise StoreError.from_sqlite(path, e) from e
    try:
        db.execute("PRAGMA journal_mode = WAL")  # readers never block the writer; set outside any transaction
        while True:
            db.execute("BEGIN IMMEDIATE")
            try:
                current = _version(db)
                if current == 0 and legacy_table:
                    current = _adopt(db, path, migrations, legacy_table)
                if current > len(migrations):
                    raise _too_new(path, f"schema version {current}", len(migrations))
                if current < len(migrations):
                    migrations[current](db)
                    if not db.in_transaction:
                        raise RuntimeError(
                            f"migration {current + 1} of {path} committed on its own "
                            "(executescript?): it must run inside the runner's transaction"
                        )
                    db.execute(f"PRAGMA user_version = {current + 1}")
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            if current == len(migrations):
                return current
    except sqlite3.DatabaseError as e:
        raise StoreError.from_sqlite(path, e) from e
    finally:
        db.close()


def up_to_date(path: Path, migrations: Sequence[Migration]) -> bool:
    """Whether `path` exists at exactly this schema version; opens it read-only, so it never writes."""
    path = Path(path)
    if not path.exists():
        return False
    db = read_only(path)
    try:
        return _version(db) == len(migrations)
    except sqlite3.DatabaseError as e:
        raise StoreError.from_sqlite(path, e) from e
    finally:
        db.close()


def read_only(path: Path, *, timeout: float = 30) -> sqlite3.Connection:
    """A read-only connection to an existing file (autocommit); SQLite failures become a StoreError naming
    it."""
    path = Path(path)
    try:
        try:
            return _open_read_only(path, timeout)
        except sqlite3.OperationalError:
            if os.access(path.parent, os.W_OK):
                raise
            # a WAL file in a read-only folder cannot get its -shm index: read it as immutable media
            # (nobody can write it there either, so it cannot change under us)
            return _open_read_only(path, timeout, immutable=True)
    except sqlite3.DatabaseError as e:
        raise StoreError.from_sqlite(path, e) from e


def _open_read_only(path: Path, timeout: float, *, immutable: bool = False) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")
    db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opening is lazy: fail here, not later
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def _adopt(db: sqlite3.Connection, path: Path, migrations: Sequence[Migration], table: str) -> int:
    """The version of a file that recorded migrations by name in `table` (0 if it has no such table)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
        return 0
    applied = {row[0] for row in db.execute(f'SELECT name FROM "{table}"')}
    unknown = applied - {m.__name__ for m in migrations}
    if unknown:
        raise _too_new(path, "migrations " + ", ".join(sorted(unknown)), len(migrations))
    version = 0
    while version < len(migrations) and migrations[version].__name__ in applied:
        version += 1
    db.execute(f"PRAGMA user_version = {version}")
    return version


def _too_new(path: Path, what: str, known: int) -> SchemaTooNewError:
    return SchemaTooNewError(
        f"{path} has {what}, but this llmworks knows only up to schema version {known}.",
        "Upgrade llmworks or point LLMWORKS_HOME elsewhere.",
        path=path,
    )
