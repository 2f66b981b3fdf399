"""What the deal agents remember, in SQLite under the data dir (through the shared migration runner):
deals seen with their estimates, an outbox of alerts with their delivery state, and every run's steps.

    memory = Memory.open()                          # <LLMWORKS_HOME>/deals/deals.db
    memory.is_new(url, price)                       # unseen, or seen at a higher price (a price drop)
    memory.record(opportunities, alert_if)          # deals seen + alert rows, in one transaction
    memory.pending()                                # alerts written but not yet delivered
    memory.delivered(alert_id)                      # after the notifier accepted it

Restart safety (kill -9 at any point): an alert row is committed, together with its deal, BEFORE anything is sent,
and marked sent only after the notifier accepted it. A run that dies before the commit left nothing (the deal is not
seen, so it is scanned again); one that dies after it leaves a pending alert that the next run delivers. Alerts are
unique by (deal URL, price): the same deal at the same price is never queued twice. The one window left is a kill
between the notifier accepting a post and the row being marked: that alert is sent again on restart, carrying the
same alert key (a receiver can drop the repeat).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ...errors import StoreError
from ...files import data_path
from ...migrate import migrate


def m001_deals(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE deals (url TEXT PRIMARY KEY, title TEXT NOT NULL, price REAL NOT NULL, category TEXT,"
        " description TEXT, evidence TEXT, estimate REAL, members TEXT, pricer TEXT, feed TEXT,"
        " first_seen REAL NOT NULL, last_seen REAL NOT NULL)"
    )
    db.execute(
        "CREATE TABLE alerts (id INTEGER PRIMARY KEY, url TEXT NOT NULL, price REAL NOT NULL, estimate REAL NOT NULL,"
        " discount REAL NOT NULL, title TEXT NOT NULL, message TEXT, status TEXT NOT NULL DEFAULT 'pending'"
        " CHECK (status IN ('pending', 'sent')), attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
        " created REAL NOT NULL, sent REAL, UNIQUE (url, price))"
    )
    db.execute(
        "CREATE TABLE steps (id INTEGER PRIMARY KEY, run TEXT NOT NULL, at REAL NOT NULL, name TEXT NOT NULL,"
        " arguments TEXT, result TEXT, error TEXT)"
    )
    db.execute("CREATE INDEX steps_run ON steps (run, id)")


MIGRATIONS = [m001_deals]


@dataclass
class Alert:
    id: int
    url: str
    price: float
    estimate: float
    discount: float
    title: str
    message: str | None
    status: str
    attempts: int
    last_error: str | None

    @property
    def key(self) -> str:
        """The alert's identity for receivers: the same deal at the same price."""
        return f"{self.url}#{self.price:.2f}"


class Memory:
    """The deal agents' SQLite store; every write is one short transaction."""

    def __init__(self, path: Path):
        self.path = Path(path)
        migrate(self.path, MIGRATIONS)

    @classmethod
    def open(cls, path: str | Path | None = None) -> Memory:
        return cls(Path(path) if path else data_path("deals", "deals.db"))

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError.from_sqlite(self.path, e) from e
        try:
            db.execute("PRAGMA synchronous = FULL")  # a committed alert survives a power cut, not only a kill
            if write:
                db.execute("BEGIN IMMEDIATE")
            yield db
            if write:
                db.execute("COMMIT")
        except sqlite3.Error as e:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError.from_sqlite(self.path, e) from e
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def last_price(self, url: str) -> float | None:
        with self._db() as db:
            row = db.execute("SELECT price FROM deals WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def is_new(self, url: str, price: float | None) -> bool:
        """Not seen yet, or seen at a higher price than `price` (a price drop is news)."""
        last = self.last_price(url)
        return last is None or (price is not None and price < last - 0.005)

    def record(self, opportunities: list, alert_if=None) -> list[int]:
        """Remember each opportunity's deal and estimate; queue an alert for those `alert_if(o)` accepts. One
        transaction: after a crash either all of it is there or none. Returns the ids of alerts newly queued."""
        now = time.time()
        queued = []
        with self._db(write=True) as db:
            for o in opportunities:
                db.execute(
                    "INSERT INTO deals (url, title, price, category, description, evidence, estimate, members, pricer,"
                    " feed, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET"
                    " title=excluded.title, price=excluded.price, description=excluded.description,"
                    " evidence=excluded.evidence, estimate=excluded.estimate, members=excluded.members,"
                    " pricer=excluded.pricer, last_seen=excluded.last_seen",
                    (
                        o.deal.url,
                        o.title,
                        o.deal.price,
                        o.category,
                        o.deal.product_description,
                        o.evidence,
                        o.estimate,
                        json.dumps(o.members),
                        o.pricer,
                        o.feed,
                        now,
                        now,
                    ),
                )
                if alert_if is not None and o.estimate is not None and alert_if(o):
                    cur = db.execute(
                        "INSERT OR IGNORE INTO alerts (url, price, estimate, discount, title, created)"
                        " VALUES (?,?,?,?,?,?)",
                        (o.deal.url, o.deal.price, o.estimate, o.discount, o.title, now),
                    )
                    if cur.rowcount:
                        queued.append(cur.lastrowid)
        return queued

    def queue(self, opportunity) -> int | None:
        """Queue one alert (the autonomous agent's notify); None if this deal at this price was queued before."""
        ids = self.record([opportunity], alert_if=lambda o: True)
        return ids[0] if ids else None

    def pending(self) -> list[Alert]:
        return self._alerts("WHERE status = 'pending' ORDER BY id")

    def alerts(self, limit: int = 100) -> list[Alert]:
        return self._alerts("ORDER BY id DESC LIMIT ?", (limit,))

    def alert(self, alert_id: int) -> Alert | None:
        found = self._alerts("WHERE id = ?", (alert_id,))
        return found[0] if found else None

    def _alerts(self, where: str, args: tuple = ()) -> list[Alert]:
        with self._db() as db:
            rows = db.execute(
                "SELECT id, url, price, estimate, discount, title, message, status, attempts, last_error"
                f" FROM alerts {where}",
                args,
            ).fetchall()
        return [Alert(*row) for row in rows]

    def set_message(self, alert_id: int, message: str) -> None:
        """Keep the written message, so a retry sends the same words without another model call."""
        with self._db(write=True) as db:
            db.execute("UPDATE alerts SET message = ? WHERE id = ?", (message, alert_id))

    def delivered(self, alert_id: int) -> None:
        with self._db(write=True) as db:
            db.execute(
                "UPDATE alerts SET status = 'sent', sent = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                (time.time(), alert_id),
            )

    def failed(self, alert_id: int, error: str) -> None:
        with self._db(write=True) as db:
            db.execute("UPDATE alerts SET attempts = attempts + 1, last_error = ? WHERE id = ?", (error, alert_id))

    def resend(self, alert_id: int) -> None:
        """Put a sent alert back in the outbox (the user asked for it again)."""
        with self._db(write=True) as db:
            db.execute("UPDATE alerts SET status = 'pending' WHERE id = ?", (alert_id,))

    def deals(self, limit: int = 200) -> list[dict]:
        """Deals seen, newest first, with their estimate and whether an alert went out."""
        with self._db() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT d.*, (SELECT status FROM alerts a WHERE a.url = d.url ORDER BY a.id DESC LIMIT 1) AS alert,"
                " (SELECT id FROM alerts a WHERE a.url = d.url ORDER BY a.id DESC LIMIT 1) AS alert_id"
                " FROM deals d ORDER BY last_seen DESC, rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [{**dict(r), "members": json.loads(r["members"] or "{}")} for r in rows]

    def log_step(self, run: str, name: str, arguments: dict | None = None, result=None, error=None) -> None:
        with self._db(write=True) as db:
            db.execute(
                "INSERT INTO steps (run, at, name, arguments, result, error) VALUES (?,?,?,?,?,?)",
                (run, time.time(), name, json.dumps(arguments or {}, default=str), result, error),
            )

    def steps(self, run: str | None = None, limit: int = 200) -> list[dict]:
        with self._db() as db:
            db.row_factory = sqlite3.Row
            if run is None:
                rows = db.execute("SELECT * FROM steps ORDER BY id DESC LIMIT ?", (limit,)).fetchall()[::-1]
            else:
                rows = db.execute("SELECT * FROM steps WHERE run = ? ORDER BY id", (run,)).fetchall()
        return [dict(r) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._db() as db:
            deals = db.execute("SELECT count(*) FROM deals").fetchone()[0]
            sent = db.execute("SELECT count(*) FROM alerts WHERE status = 'sent'").fetchone()[0]
            pending = db.execute("SELECT count(*) FROM alerts WHERE status = 'pending'").fetchone()[0]
        return {"deals": deals, "sent": sent, "pending": pending}

    def reset(self) -> dict[str, int]:
        """Forget everything; what was there, counted."""
        before = self.counts()
        with self._db(write=True) as db:
            for table in ("alerts", "deals", "steps"):
                db.execute(f"DELETE FROM {table}")
        return before
