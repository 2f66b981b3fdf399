"""Every model call, recorded in SQLite (home/logs.db): model, messages, response, tokens, cost, timing, error.

Schema changes are numbered migrations, each applied once and remembered in `_migrations` (as simonw/llm does).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []
migration = MIGRATIONS.append


@migration
def m001_calls(db: sqlite3.Connection) -> None:
    db.execute(
        """create table calls (
            id integer primary key,
            ts real not null,
            model text not null,
            kind text not null,
            messages text not null,
            response text,
            input_tokens integer,
            output_tokens integer,
            cost_usd real,
            duration_s real,
            ttft_s real,
            error text
        )"""
    )
    db.execute("create index calls_ts on calls(ts)")


_migrated: set[Path] = set()
"""Logs already brought up to date by this process: every model call opens the log, so check only once."""


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path not in _migrated or not path.exists()
    db = sqlite3.connect(path, timeout=10)
    if not fresh:
        return db
    db.execute("pragma journal_mode=wal")  # readers (llmworks logs) never block the writer
    db.execute("create table if not exists _migrations (name text primary key, applied real)")
    done = {row[0] for row in db.execute("select name from _migrations")}
    for step in MIGRATIONS:
        if step.__name__ not in done:
            with db:
                step(db)
                db.execute("insert into _migrations values (?, ?)", (step.__name__, time.time()))
    _migrated.add(path)
    return db


_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-]{8,}|AIza[0-9A-Za-z_\-]{20,}|gsk_[A-Za-z0-9]{20,})")


def redact(text: str) -> str:
    """Blank out anything that looks like an API key, and the values of the key env vars we know."""
    from .catalog import PROVIDERS

    for provider in PROVIDERS.values():
        for var in provider.key_env:
            value = os.environ.get(var)
            if value and len(value) >= 8:
                text = text.replace(value, "[redacted]")
    return _SECRET.sub("[redacted]", text)


def record(path: Path, *, model: str, kind: str, messages: list, response: str | None, input_tokens: int | None,
           output_tokens: int | None, cost_usd: float | None, duration_s: float, ttft_s: float | None,
           error: str | None) -> None:
    db = connect(path)
    try:
        with db:
            db.execute(
                "insert into calls (ts, model, kind, messages, response, input_tokens, output_tokens, cost_usd,"
                " duration_s, ttft_s, error) values (?,?,?,?,?,?,?,?,?,?,?)",
                (time.time(), model, kind, redact(json.dumps(messages, ensure_ascii=False, default=str)),
                 response, input_tokens, output_tokens, cost_usd, duration_s, ttft_s,
                 redact(error) if error else None),
            )
    finally:
        db.close()


def recent(path: Path, n: int = 20) -> list[dict]:
    if not path.exists():
        return []
    db = connect(path)
    db.row_factory = sqlite3.Row
    try:
        rows = db.execute("select * from calls order by id desc limit ?", (n,)).fetchall()
        return [dict(r) for r in rows]
    finally:
        db.close()
