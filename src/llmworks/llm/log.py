"""Every model call, recorded in SQLite (home/logs.db): model, messages, response, tokens, cost, timing, error.

Schema changes are numbered migrations run by `llmworks.migrate` (PRAGMA user_version). Logs written before
it remembered their migrations by name in `_migrations` (as simonw/llm does); they are adopted as they are.
Reading (`recent`) never writes, so `llmworks logs` works on a read-only data dir.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .. import migrate
from ..errors import StoreError

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


@migration
def m002_finish_reason(db: sqlite3.Connection) -> None:
    db.execute("alter table calls add column finish_reason text")  # 'stop', 'length', 'repetition', …


_migrated: set[Path] = set()
"""Logs already brought up to date by this process: every model call opens the log, so check only once."""


def connect(path: Path) -> sqlite3.Connection:
    """A connection for writing, the schema brought up to date first (once per process)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path not in _migrated or not path.exists():
        migrate.migrate(path, MIGRATIONS, legacy_table="_migrations")
        _migrated.add(path)
    return sqlite3.connect(path, timeout=10)


_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-]{8,}|AIza[0-9A-Za-z_\-]{20,}|gsk_[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{20,})")
"""Key shapes of the big providers, caught even when the key is not one of ours (pasted into a prompt)."""
_CREDENTIAL = re.compile(
    r"(?i)(\b(?:bearer|basic)\s+"  # Authorization: Bearer <token> / Basic <base64>
    r"|\b(?:api[_-]?key|x-api-key|access[_-]?token|secret|password)[\"']?\s*[:=]\s*[\"']?"  # api_key=..., "secret": ...
    r"|[?&]key=)"  # ?key=... (Gemini's URL form)
    r"[A-Za-z0-9._~+/=\-]{8,}"
)
_SECRET_VAR = re.compile(r"(?i)(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD)$")
MIN_SECRET = 8
"""Shorter values are not blanked: they would hit ordinary words in every log row."""


def secret_values() -> set[str]:
    """Every key value the settings can see: provider key variables and anything named *_KEY, *_TOKEN, *_SECRET,
    *_PASSWORD, from the environment and from ./.env (where the catalog also finds keys), plus the UI password."""
    from .catalog import PROVIDERS, _dotenv

    names = {var for provider in PROVIDERS.values() for var in provider.key_env}
    values = set()
    for source in (os.environ, _dotenv()):
        for var, value in source.items():
            if not value:
                continue
            if var == "LLMWORKS_UI_AUTH":  # user:password
                value = value.partition(":")[2]
            elif var not in names and not _SECRET_VAR.search(var):
                continue
            if len(value) >= MIN_SECRET:
                values.add(value)
    return values


def _forms(value: str) -> set[str]:
    """A value as it may appear in a log row or error body: as is, JSON-escaped, URL-encoded, base64."""
    import base64
    from urllib.parse import quote, quote_plus

    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value, safe=""),
        quote_plus(value),
        base64.b64encode(value.encode()).decode().rstrip("="),
    }


def redact(text: str, secrets: set[str] | None = None) -> str:
    """Blank out the settings' key values (in any of their encodings, also inside a longer token), credentials in
    headers and URL parameters, and anything shaped like a provider's API key."""
    if not text:
        return text
    for value in sorted(secrets if secrets is not None else secret_values(), key=len, reverse=True):
        for form in sorted(_forms(value), key=len, reverse=True):
            text = text.replace(form, "[redacted]")
    text = _CREDENTIAL.sub(lambda m: m.group(1) + "[redacted]", text)
    return _SECRET.sub("[redacted]", text)


def record(
    path: Path,
    *,
    model: str,
    kind: str,
    messages: list,
    response: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
    cost_usd: float | None,
    duration_s: float,
    ttft_s: float | None,
    error: str | None,
    finish_reason: str | None = None,
) -> None:
    secrets = secret_values()  # every text column is redacted: a provider may echo the key anywhere

    def clean(text: str | None) -> str | None:
        return None if text is None else redact(text, secrets)

    db = connect(path)
    try:
        with db:
            db.execute(
                "insert into calls (ts, model, kind, messages, response, input_tokens, output_tokens, cost_usd,"
                " duration_s, ttft_s, error, finish_reason) values (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    time.time(),
                    clean(model),
                    clean(kind),
                    clean(json.dumps(messages, ensure_ascii=False, default=str)),
                    clean(response),
                    input_tokens,
                    output_tokens,
                    cost_usd,
                    duration_s,
                    ttft_s,
                    clean(error),
                    finish_reason,
                ),
            )
    finally:
        db.close()


def recent(path: Path, n: int = 20) -> list[dict]:
    """The last `n` calls, newest first, read without writing; a damaged file is a StoreError naming it."""
    if not path.exists():
        return []
    db = migrate.read_only(path, timeout=10)
    db.row_factory = sqlite3.Row
    try:
        if not db.execute("select 1 from sqlite_master where type = 'table' and name = 'calls'").fetchone():
            return []  # created, never written to
        rows = db.execute("select * from calls order by id desc limit ?", (n,)).fetchall()
        secrets = secret_values()  # rows written before every column was redacted are shown redacted
        return [{k: redact(v, secrets) if isinstance(v, str) else v for k, v in dict(r).items()} for r in rows]
    except sqlite3.DatabaseError as e:
        raise StoreError.from_sqlite(path, e) from e
    finally:
        db.close()
