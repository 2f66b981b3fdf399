"""The bad-input suite runs the real `llmworks` in a subprocess, as a user would: the edge handler in `cli.main`
behaves differently under pytest (unexpected errors re-raise), so only a separate process shows what users see.

    def test_x(cli, clean_failure, snapshot, home):        # fixtures (tests are not a package: no imports)
        result = cli("airline", "book", "Paris", name, "2027-01-05")
        clean_failure(result)        # non-zero exit, one "Error:" line, no exception class name, no traceback
        before = snapshot(home); ...; assert snapshot(home) == before     # data unchanged
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CLASS_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(Error|Exception)\b:")
"""What leaked raw exceptions look like ("ValueError: math domain error"); no message of ours may contain it."""


@dataclass
class Result:
    args: tuple[str, ...]
    code: int
    out: str
    err: str
    raw_out: bytes


def _as_root_without_override() -> list[str]:
    """As root, permissions bind only without CAP_DAC_OVERRIDE: drop it for the child (setpriv), or skip."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be simulated")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


@pytest.fixture
def home(llmworks_home) -> Path:
    """This test's LLMWORKS_HOME (the root conftest's), which the child inherits."""
    return llmworks_home


@pytest.fixture
def cli(home):
    """Run `python -m llmworks ARGS` in a child process; `stdin` bytes are piped in (empty by default)."""

    def run(*args: str | bytes, stdin: bytes = b"", readonly: bool = False, timeout: float = 120) -> Result:
        env = {k: v for k, v in os.environ.items() if k != "LLMWORKS_RAISE_ERRORS"}
        env.update(
            LLMWORKS_HOME=str(home), LLMWORKS_THREADS="1", HF_HUB_OFFLINE="1", COLUMNS="200", PYTHONIOENCODING="utf-8"
        )
        prefix = _as_root_without_override() if readonly else []
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "llmworks", *args],
            input=stdin,
            env=env,
            capture_output=True,
            timeout=timeout,
        )
        return Result(
            args,
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
            proc.stdout,
        )

    return run


def _clean_failure(result: Result, *, mentions: str | None = None) -> str:
    """Non-zero exit; stderr ends in exactly one "Error: …" line without a class name or traceback; return it."""
    shown = f"{result.args}: exit {result.code}\nstdout: {result.out[-800:]}\nstderr: {result.err[-1500:]}"
    assert result.code != 0, shown
    assert "Traceback" not in result.err + result.out, shown
    assert not CLASS_NAME.search(result.err + result.out), shown
    errors = [line for line in result.err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, shown
    assert result.err.rstrip().splitlines()[-1] == errors[0], shown  # the message is the last word, on one line
    assert "\x1b" not in errors[0], shown
    if mentions is not None:
        assert mentions in errors[0], shown
    return errors[0]


def _snapshot(folder: Path) -> dict[str, str]:
    """What the data dir holds: each SQLite database as its SQL dump (every row of every table), every other file
    by hash. SQLite's -wal/-shm side files are left out: a reader may create them without changing any data."""
    state = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if name.endswith(("-wal", "-shm", "-journal")):
            continue
        data = path.read_bytes()
        if data.startswith(b"SQLite format 3\x00"):
            data = _dump(path) or data  # damaged: its bytes are what must not change
        state[name] = hashlib.sha256(data).hexdigest()
    return state


def _dump(path: Path) -> bytes | None:
    """The database's SQL dump, read from a copy (with its -wal): looking must not create side files in a folder
    the test has made read-only, nor checkpoint anything."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        try:
            db = sqlite3.connect(copy)
            try:
                return "\n".join(db.iterdump()).encode()
            finally:
                db.close()
        except sqlite3.DatabaseError:
            return None


@pytest.fixture
def make_readonly():
    """Make folders read-only for the test (children of `cli(..., readonly=True)` then cannot write them)."""
    changed: list[tuple[Path, int]] = []

    def lock(*paths: Path) -> None:
        for path in paths:
            for p in [path, *path.rglob("*")]:
                changed.append((p, p.stat().st_mode))
                p.chmod(0o555 if p.is_dir() else 0o444)

    yield lock
    for p, mode in reversed(changed):
        p.chmod(mode)


@pytest.fixture(name="clean_failure")
def clean_failure_fixture():
    return _clean_failure


@pytest.fixture(name="snapshot")
def snapshot_fixture():
    return _snapshot
