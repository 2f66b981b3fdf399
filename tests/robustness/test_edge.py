"""The CLI's edge handler itself: each kind of failure a command can raise, as the user sees it (a child process
runs `cli.main` with one extra command that raises it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

DRIVER = r"""
import json, sqlite3, sys
from llmworks import cli
from llmworks.errors import DataError, LlmworksError

CASES = {
    "ours": lambda: LlmworksError("The thing is broken.", "Fix it with llmworks fix."),
    "data": lambda: DataError("price must be above 0", "Edit the file.", path="items.jsonl", line=7),
    "value": lambda: ValueError("math domain error"),
    "empty": lambda: RuntimeError(),
    "key": lambda: KeyError("price"),
    "malformed": lambda: sqlite3.DatabaseError("database disk image is malformed"),
    "readonly": lambda: sqlite3.OperationalError("attempt to write a readonly database"),
    "permission": lambda: PermissionError(13, "Permission denied", "/srv/data/out.csv"),
    "erofs": lambda: OSError(30, "Read-only file system", "/mnt/ro/x"),
    "decode": lambda: b"caf\xe9".decode("utf-8"),
    "json": lambda: json.loads("{oops"),
    "escape": lambda: ValueError("bad \x1b]0;pwned\x07name\x1b[2J\nsecond line"),
    "secret": lambda: RuntimeError("upstream said: invalid key sk-proj-abcdefghijklmnopqrstuvwxyz123456"),
    "pipe": lambda: BrokenPipeError(32, "Broken pipe"),
}

@cli.app.command("boom")
def boom(case: str) -> None:
    made = CASES[case]
    try:
        error = made()
    except Exception as e:  # the cases that raise while being made (decode, json)
        error = e
    raise error

sys.exit(cli.main(["boom", sys.argv[1]]))
"""

CLASS_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(Error|Exception)\b:")


def _run(case: str, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "LLMWORKS_RAISE_ERRORS"} | env
    return subprocess.run([sys.executable, "-c", DRIVER, case], capture_output=True, text=True, env=environ, timeout=60)


@pytest.mark.parametrize(
    "case, expected",
    [
        ("ours", "Error: The thing is broken. Fix it with llmworks fix."),
        ("data", "Error: items.jsonl:7: price must be above 0 Edit the file."),
        ("value", "Error: unexpected failure: math domain error (set LLMWORKS_RAISE_ERRORS=1 for the traceback)"),
        ("empty", "Error: unexpected failure: no details (set LLMWORKS_RAISE_ERRORS=1 for the traceback)"),
        ("key", "Error: unexpected failure: 'price' (set LLMWORKS_RAISE_ERRORS=1 for the traceback)"),
        ("malformed", "backup"),
        ("readonly", "read-only"),
        ("permission", "Cannot access /srv/data/out.csv: Permission denied."),
        ("erofs", "Cannot access /mnt/ro/x: Read-only file system."),
        ("decode", "not UTF-8"),
        ("json", "invalid JSON at line 1, column 2"),
        ("escape", "Error: unexpected failure: bad ]0;pwnedname[2J second line"),
        ("secret", "[redacted]"),
    ],
)
def test_every_failure_is_one_line_without_class_names(case, expected):
    result = _run(case)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0], lines[0]
    assert lines[0].startswith("Error: ") and not CLASS_NAME.search(lines[0])
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "sk-proj-abcdefghijklmnop" not in result.stderr
    if case in ("malformed", "readonly"):
        assert "delete" not in lines[0].lower()


def test_unexpected_failures_show_the_traceback_when_asked():
    result = _run("value", LLMWORKS_RAISE_ERRORS="1")
    assert result.returncode == 1 and "Traceback" in result.stderr and "ValueError: math domain error" in result.stderr


def test_known_failures_never_need_the_traceback():
    result = _run("ours", LLMWORKS_RAISE_ERRORS="1")
    assert result.stderr.strip() == "Error: The thing is broken. Fix it with llmworks fix."


def test_a_closed_pipe_ends_quietly():  # `llmworks logs | head`: typer exits 1 without a word, as click does
    result = _run("pipe")
    assert result.returncode != 0 and result.stderr == ""
