"""The one SQLite migration runner: numbered steps bumped with user_version in one transaction, old call
logs adopted without re-running, files from a newer llmworks refused, read-only checks and connections."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from llmworks import migrate
from llmworks.errors import StoreError
from llmworks.llm import log
from llmworks.migrate import SchemaTooNewError

SRC = str(Path(migrate.__file__).resolve().parents[1])


def _m1_notes(db):
    db.execute("create table notes (id integer primary key, text text)")


def _m2_tags(db):
    db.execute("alter table notes add column tag text")


STEPS = [_m1_notes, _m2_tags]


def query(path: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def old_call_log(path: Path, applied: int) -> None:
    """A logs.db as llmworks made it before this runner: steps remembered by name in `_migrations`."""
    db = sqlite3.connect(path)
    db.execute("pragma journal_mode=wal")
    db.execute("create table if not exists _migrations (name text primary key, applied real)")
    for step in log.MIGRATIONS[:applied]:
        with db:
            step(db)
            db.execute("insert into _migrations values (?, ?)", (step.__name__, time.time()))
    with db:
        db.execute(
            "insert into calls (ts, model, kind, messages, response) values (1, 'old/model', 'chat', '[]', 'hi')"
        )
    db.close()


def test_a_new_file_gets_every_step_and_its_version(tmp_path):
    path = tmp_path / "s.db"
    assert migrate.migrate(path, STEPS) == 2
    assert query(path, "pragma user_version") == [(2,)]
    assert [r[1] for r in query(path, "pragma table_info(notes)")] == ["id", "text", "tag"]
    assert query(path, "pragma journal_mode") == [("wal",)]
    assert migrate.migrate(path, STEPS) == 2  # again: nothing to do


def test_only_the_missing_steps_run(tmp_path):
    path = tmp_path / "s.db"
    migrate.migrate(path, STEPS[:1])
    ran = []
    assert migrate.migrate(path, [lambda db: ran.append(1), _m2_tags]) == 2
    assert ran == [] and query(path, "pragma user_version") == [(2,)]


def test_a_failing_step_leaves_no_trace_and_the_earlier_steps_stay(tmp_path):
    def broken(db):
        db.execute("create table half_done (x)")
        raise RuntimeError("disk on fire")

    path = tmp_path / "s.db"
    with pytest.raises(RuntimeError, match="disk on fire"):
        migrate.migrate(path, [*STEPS, broken])
    assert query(path, "pragma user_version") == [(2,)]
    assert not query(path, "select name from sqlite_master where name = 'half_done'")


def test_a_step_that_commits_on_its_own_is_caught(tmp_path):
    path = tmp_path / "s.db"
    with pytest.raises(RuntimeError, match="executescript"):
        migrate.migrate(path, [lambda db: db.executescript("create table t (x);")])
    assert query(path, "pragma user_version") == [(0,)]


def test_a_file_from_a_newer_llmworks_is_refused_naming_it(tmp_path):
    path = tmp_path / "s.db"
    migrate.migrate(path, STEPS)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError) as info:
        migrate.migrate(path, STEPS[:1])
    assert isinstance(info.value, StoreError)
    message = str(info.value)
    assert str(path) in message and "schema version 2" in message and "Upgrade" in message
    assert path.read_bytes() == before


def test_two_processes_migrating_at_once_apply_each_step_once(tmp_path):
    path = tmp_path / "s.db"
    ran = []

    def slow(db):
        ran.append(threading.get_ident())
        time.sleep(0.2)  # the other one arrives while this holds the lock
        db.execute("create table slow (x)")

    threads = [threading.Thread(target=migrate.migrate, args=(path, [slow])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ran) == 1 and query(path, "pragma user_version") == [(1,)]


@pytest.mark.parametrize("applied", [1, 2])
def test_old_call_logs_are_adopted_without_rerunning_their_steps(tmp_path, applied):
    path = tmp_path / "logs.db"
    old_call_log(path, applied)
    log.connect(path).close()
    assert query(path, "pragma user_version") == [(2,)]
    assert query(path, "select model, response from calls") == [("old/model", "hi")]  # m001 did not run again
    assert "finish_reason" in [r[1] for r in query(path, "pragma table_info(calls)")]
    log.record(
        path,
        model="new/model",
        kind="chat",
        messages=[],
        response="ok",
        input_tokens=1,
        output_tokens=1,
        cost_usd=None,
        duration_s=0.1,
        ttft_s=None,
        error=None,
        finish_reason="stop",
    )
    assert [r["finish_reason"] for r in log.recent(path)] == ["stop", None]


def test_an_old_log_naming_a_step_this_code_lacks_is_too_new(tmp_path):
    path = tmp_path / "logs.db"
    old_call_log(path, 2)
    with sqlite3.connect(path) as db:
        db.execute("insert into _migrations values ('m003_future', 0)")
    with pytest.raises(SchemaTooNewError, match="m003_future"):
        migrate.migrate(path, log.MIGRATIONS, legacy_table="_migrations")


def test_up_to_date_reads_without_writing(tmp_path):
    path = tmp_path / "s.db"
    assert not migrate.up_to_date(path, STEPS) and not path.exists()
    migrate.migrate(path, STEPS[:1])
    shutil.copy(path, tmp_path / "copy.db")
    assert not migrate.up_to_date(path, STEPS)
    assert path.read_bytes() == (tmp_path / "copy.db").read_bytes()
    migrate.migrate(path, STEPS)
    assert migrate.up_to_date(path, STEPS)


def test_a_damaged_file_is_a_store_error_naming_it(tmp_path):
    path = tmp_path / "s.db"
    path.write_bytes(b"not a database\n" * 300)
    for attempt in (
        lambda: migrate.up_to_date(path, STEPS),
        lambda: migrate.migrate(path, STEPS),
        lambda: log.recent(path),
    ):
        with pytest.raises(StoreError, match="backup") as info:
            attempt()
        assert str(path) in str(info.value)
    assert path.read_bytes() == b"not a database\n" * 300


def test_a_call_log_damaged_past_its_header_is_a_store_error_naming_it(tmp_path):
    path = tmp_path / "logs.db"
    old_call_log(path, 2)
    with sqlite3.connect(path) as db:
        db.executemany("insert into calls (ts, model, kind, messages) values (1, 'm', 'chat', ?)", [("y" * 500,)] * 50)
    db.close()
    data = bytearray(path.read_bytes())
    root = query(path, "select rootpage from sqlite_master where name = 'calls'")[0][0]
    data[4096 * (root - 1) : 4096 * root] = b"\xff" * 4096  # its root page: opening works, reading fails
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged") as info:
        log.recent(path)
    assert str(path) in str(info.value)


def test_a_read_only_connection_cannot_write(tmp_path):
    path = tmp_path / "s.db"
    migrate.migrate(path, STEPS)
    db = migrate.read_only(path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute("insert into notes (text) values ('x')")
    finally:
        db.close()


def test_reading_the_call_log_never_migrates_it(tmp_path):
    path = tmp_path / "logs.db"
    old_call_log(path, 1)  # a log from before finish_reason
    before = query(path, "select name from _migrations"), query(path, "pragma user_version")
    assert [r["model"] for r in log.recent(path)] == ["old/model"]
    assert (query(path, "select name from _migrations"), query(path, "pragma user_version")) == before
    assert "finish_reason" not in [r[1] for r in query(path, "pragma table_info(calls)")]


def test_a_wal_file_in_a_read_only_folder_is_readable(tmp_path):
    """Without write access to its folder, SQLite cannot make the -shm index a WAL file needs; read_only falls
    back to opening it as immutable. Run in a child without root's override, like a user's read-only dir."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "s.db"
    migrate.migrate(path, STEPS)
    db = sqlite3.connect(path)
    with db:
        db.execute("insert into notes (text) values ('kept')")
    db.close()  # the last close checkpoints and removes -wal and -shm
    assert query(path, "pragma journal_mode") == [("wal",)]
    assert sorted(p.name for p in folder.iterdir()) == ["s.db"]
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: a read-only folder cannot be simulated")
        caps = "-dac_override,-dac_read_search"
        prefix = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]
    child = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {SRC!r})
        from llmworks import migrate
        db = migrate.read_only({str(path)!r})
        print(db.execute("select text from notes").fetchall())
    """)
    folder.chmod(0o555)
    path.chmod(0o444)
    try:
        proc = subprocess.run([*prefix, sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[('kept',)]"
    assert sorted(p.name for p in folder.iterdir()) == ["s.db"]
