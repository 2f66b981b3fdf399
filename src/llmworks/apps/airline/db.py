"""FlightAI's SQLite database: destinations with prices, daily flights, customers and bookings.

    db = AirlineDB()                      # <LLMWORKS_HOME>/airline/airline.db, created, migrated and seeded
    db.price("Zürich")                    # Destination(city='Zürich', price_usd=650, ...) or None
    b = db.book("paris", "Ada Lovelace", date(2027, 3, 14))   # Booking(code='K7XQ9P', ...)
    db.cancel(b.code); db.bookings("ada lovelace")

Design notes:
- Schema changes are numbered migrations (`MIGRATIONS`) run by `llmworks.migrate`: `PRAGMA user_version`
  records the last one applied, and each runs in the same transaction as that bump, so a crash never leaves a
  half-migrated file.
- Every write is one `BEGIN IMMEDIATE` transaction: the write lock is taken before anything is read, so two processes
  booking the last seat serialise instead of both seeing it free. WAL + a busy timeout lets them wait, not fail.
- A connection per operation: Gradio calls us from worker threads and sqlite3 connections are per-thread.
- Reads open the file read-only and an up-to-date file is not migrated or seeded again, so read-only commands work
  on a read-only data dir. SQLite failures become a StoreError naming the file and a safe next step.
- Names are cleaned (no control characters) and length-checked here, at the storage door, by `passenger_name`,
  the one validator the tools and the CLI share.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from llmworks.errors import StoreError
from llmworks.migrate import migrate as run_migrations
from llmworks.migrate import read_only, up_to_date
from llmworks.text import one_line

# --- the course's five destinations, plus a few whose names carry accents (matched accent-insensitively) ---
SEED_DESTINATIONS: list[tuple[str, str, int]] = [
    ("London", "United Kingdom", 799),
    ("Paris", "France", 899),
    ("Tokyo", "Japan", 1420),
    ("Sydney", "Australia", 2999),
    ("Berlin", "Germany", 499),
    ("Zürich", "Switzerland", 650),
    ("São Paulo", "Brazil", 1650),
    ("Reykjavík", "Iceland", 720),
    ("Kraków", "Poland", 540),
    ("New York", "United States", 999),
    ("Rome", "Italy", 699),
    ("Madrid", "Spain", 649),
]
SEATS_PER_FLIGHT = 180
MAX_NAME_LENGTH = 60  # passenger names, on every path: the tool's schema, the CLI, the database
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read out and typed back
CODE_LENGTH = 6


class BookingError(ValueError):
    """A request the data cannot satisfy (unknown city or code, full flight, already cancelled); nothing written."""


def passenger_name(text: str) -> str:
    """The name as stored: one printable line; BookingError if empty or longer than MAX_NAME_LENGTH."""
    name = one_line(text or "")
    if not normalize(name):
        raise BookingError("The passenger name is empty.")
    if len(name) > MAX_NAME_LENGTH:
        raise BookingError(f"The passenger name is too long ({len(name):,} characters; at most {MAX_NAME_LENGTH}).")
    return name


def normalize(text: str) -> str:
    """Case-, accent- and spacing-insensitive key: 'Zürich' → 'zurich', '  SÃO  paulo ' → 'sao paulo'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in bare.casefold())
    return " ".join(cleaned.split())


@dataclass(frozen=True)
class Destination:
    city: str
    country: str
    price_usd: int
    flight_no: str
    departs: str


@dataclass(frozen=True)
class Booking:
    code: str
    passenger: str
    city: str
    flight_no: str
    travel_date: str
    price_usd: int
    status: str
    created_at: str


# --- migrations: append only; never edit one that has shipped -------------------------------------------------


def _m1_tables(db: sqlite3.Connection) -> None:
    _execute_all(
        db,
        """
        CREATE TABLE destinations (
            id INTEGER PRIMARY KEY,
            city TEXT NOT NULL,
            city_key TEXT NOT NULL UNIQUE,
            country TEXT NOT NULL,
            price_usd INTEGER NOT NULL CHECK (price_usd > 0)
        );
        CREATE TABLE flights (
            id INTEGER PRIMARY KEY,
            flight_no TEXT NOT NULL UNIQUE,
            destination_id INTEGER NOT NULL REFERENCES destinations(id),
            departs TEXT NOT NULL,
            seats INTEGER NOT NULL CHECK (seats > 0)
        );
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            name_key TEXT NOT NULL UNIQUE
        );
        CREATE TABLE bookings (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            customer_id INTEGER NOT NULL REFERENCES customers(id),
            flight_id INTEGER NOT NULL REFERENCES flights(id),
            travel_date TEXT NOT NULL,
            price_usd INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
            created_at TEXT NOT NULL,
            cancelled_at TEXT
        );
    """,
    )


def _m2_indexes(db: sqlite3.Connection) -> None:
    # seat counting per flight and day, and "my bookings", without scanning the table
    db.execute("CREATE INDEX bookings_by_flight_day ON bookings(flight_id, travel_date, status)")
    db.execute("CREATE INDEX bookings_by_customer ON bookings(customer_id)")


def _execute_all(db: sqlite3.Connection, script: str) -> None:
    # not executescript(): it COMMITs first, which would split a migration from its version bump
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1_tables, _m2_indexes]
"""Migration N is MIGRATIONS[N-1]; the database's `PRAGMA user_version` is the number of the last one applied."""

_ready: set[Path] = set()
_ready_lock = threading.Lock()


def default_path() -> Path:
    from llmworks.files import data_path

    return data_path("airline", "airline.db")


class AirlineDB:
    def __init__(self, path: str | Path | None = None, *, seed: bool = True):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._seed = seed
        with _ready_lock:
            if self.path.resolve() not in _ready or not self.path.exists():
                if not self._up_to_date():  # only then write: a read-only data dir still serves reads
                    self.migrate()
                    if seed:
                        self.seed()
                _ready.add(self.path.resolve())

    # --- plumbing ------------------------------------------------------------------------------------------------

    def connect(self, *, readonly: bool = False) -> sqlite3.Connection:
        """A connection with our pragmas; `readonly` opens the file read-only (it must exist)."""
        try:
            if readonly:
                db = read_only(self.path)  # falls back to immutable in a read-only folder
            else:
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # autocommit; we BEGIN ourselves
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = FULL")  # a confirmed booking survives a power cut, not only a crash
            return db
        except sqlite3.DatabaseError as e:
            raise StoreError.from_sqlite(self.path, e) from e

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection; SQLite failures (a damaged file) become a StoreError naming it."""
        db = self.connect(readonly=True)
        try:
            yield db
        except sqlite3.DatabaseError as e:
            raise StoreError.from_sqlite(self.path, e) from e
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding the write lock from its first statement; rolled back on any error."""
        db = self.connect()
        try:
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.DatabaseError as e:
                if isinstance(e, sqlite3.IntegrityError):  # a constraint: the caller's business, not a bad file
                    raise
                raise StoreError.from_sqlite(self.path, e) from e
        finally:
            db.close()

    @property
    def version(self) -> int:
        with self.reading() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    def _up_to_date(self) -> bool:
        """Migrated to this version and (when seeding) holding every seed destination with its flight."""
        if not up_to_date(self.path, MIGRATIONS):
            return False
        if not self._seed:
            return True
        with self.reading() as db:
            keys = [normalize(city) for city, _, _ in SEED_DESTINATIONS]
            found = db.execute(
                f"""SELECT count(DISTINCT d.city_key) FROM destinations d JOIN flights f ON f.destination_id = d.id
                    WHERE d.city_key IN ({",".join("?" * len(keys))})""",
                keys,
            ).fetchone()[0]
            return found == len(keys)

    def migrate(self) -> int:
        """Apply the migrations this file lacks, each in its own transaction; return the schema version."""
        return run_migrations(self.path, MIGRATIONS)

    def seed(self) -> None:
        """Add the seed destinations and one daily flight to each; existing rows (and changed prices) are kept."""
        with self.transaction() as db:
            for i, (city, country, price) in enumerate(SEED_DESTINATIONS, start=1):
                db.execute(
                    "INSERT OR IGNORE INTO destinations (city, city_key, country, price_usd) VALUES (?, ?, ?, ?)",
                    (city, normalize(city), country, price),
                )
                dest_id = db.execute("SELECT id FROM destinations WHERE city_key = ?", (normalize(city),)).fetchone()[0]
                db.execute(
                    "INSERT OR IGNORE INTO flights (flight_no, destination_id, departs, seats) VALUES (?, ?, ?, ?)",
                    (f"FA{100 + i}", dest_id, f"{8 + i % 10:02d}:30", SEATS_PER_FLIGHT),
                )

    # --- reads -----------------------------------------------------------------------------------------------

    _DEST_SQL = """SELECT d.city, d.country, d.price_usd, f.flight_no, f.departs
                   FROM destinations d JOIN flights f ON f.destination_id = d.id"""

    def destinations(self) -> list[Destination]:
        with self.reading() as db:
            rows = db.execute(self._DEST_SQL + " ORDER BY d.city_key").fetchall()
        return [Destination(**dict(r)) for r in rows]

    def find(self, city: str) -> Destination | None:
        """The destination whose name matches `city` case- and accent-insensitively, or None."""
        with self.reading() as db:
            row = db.execute(self._DEST_SQL + " WHERE d.city_key = ?", (normalize(city),)).fetchone()
        return Destination(**dict(row)) if row else None

    _BOOKING_SQL = """SELECT b.code, c.name AS passenger, d.city, f.flight_no, b.travel_date, b.price_usd, b.status,
                             b.created_at
                      FROM bookings b JOIN customers c ON c.id = b.customer_id
                      JOIN flights f ON f.id = b.flight_id JOIN destinations d ON d.id = f.destination_id"""

    def bookings(self, passenger: str | None = None, *, include_cancelled: bool = True) -> list[Booking]:
        """All bookings, or one passenger's (name matched like cities), oldest first."""
        where, args = [], []
        if passenger is not None:
            where.append("c.name_key = ?")
            args.append(normalize(passenger))
        if not include_cancelled:
            where.append("b.status = 'confirmed'")
        sql = self._BOOKING_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY b.id"
        with self.reading() as db:
            return [Booking(**dict(r)) for r in db.execute(sql, args).fetchall()]

    def booking(self, code: str) -> Booking | None:
        with self.reading() as db:
            row = db.execute(self._BOOKING_SQL + " WHERE b.code = ?", (code.strip().upper(),)).fetchone()
        return Booking(**dict(row)) if row else None

    # --- writes: one transaction each ------------------------------------------------------------------------

    def book(self, city: str, passenger: str, travel_date: date) -> Booking:
        """Book one seat; all rows or none. Raises BookingError for unknown cities, bad names or full flights."""
        name = passenger_name(passenger)
        now = _now()
        with self.transaction() as db:
            flight = db.execute(
                """SELECT f.id, f.seats, d.price_usd FROM flights f JOIN destinations d ON d.id = f.destination_id
                   WHERE d.city_key = ?""",
                (normalize(city),),
            ).fetchone()
            if flight is None:
                raise BookingError(f"FlightAI does not fly to {city!r}.")
            taken = db.execute(
                "SELECT count(*) FROM bookings WHERE flight_id = ? AND travel_date = ? AND status = 'confirmed'",
                (flight["id"], travel_date.isoformat()),
            ).fetchone()[0]
            if taken >= flight["seats"]:
                raise BookingError(f"The flight to {city} on {travel_date.isoformat()} is full.")
            db.execute("INSERT OR IGNORE INTO customers (name, name_key) VALUES (?, ?)", (name, normalize(name)))
            customer_id = db.execute("SELECT id FROM customers WHERE name_key = ?", (normalize(name),)).fetchone()[0]
            code = self._insert_booking(db, customer_id, flight["id"], travel_date, flight["price_usd"], now)
        booking = self.booking(code)
        assert booking is not None
        return booking

    def _insert_booking(self, db, customer_id: int, flight_id: int, day: date, price: int, now: str) -> str:
        for _ in range(20):  # 32^6 ≈ 10^9 codes: a collision is rare, and the UNIQUE index catches it
            code = new_code()
            try:
                db.execute(
                    """INSERT INTO bookings (code, customer_id, flight_id, travel_date, price_usd, status, created_at)
                       VALUES (?, ?, ?, ?, ?, 'confirmed', ?)""",
                    (code, customer_id, flight_id, day.isoformat(), price, now),
                )
                return code
            except sqlite3.IntegrityError as e:
                if "bookings.code" not in str(e):
                    raise
        raise RuntimeError("could not draw an unused confirmation code in 20 tries")

    def cancel(self, code: str) -> Booking:
        """Cancel a confirmed booking. Raises BookingError for unknown or already-cancelled codes."""
        code = code.strip().upper()
        with self.transaction() as db:
            row = db.execute("SELECT status FROM bookings WHERE code = ?", (code,)).fetchone()
            if row is None:
                raise BookingError(f"There is no booking with confirmation code {code!r}.")
            if row["status"] == "cancelled":
                raise BookingError(f"Booking {code} is already cancelled.")
            db.execute("UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE code = ?", (_now(), code))
        booking = self.booking(code)
        assert booking is not None
        return booking


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
