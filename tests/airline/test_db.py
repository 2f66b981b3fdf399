"""FlightAI's database without a model: migrations, seeding, transactions, unique codes, two processes, kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from llmworks.apps.airline import db as dbmod
from llmworks.apps.airline.db import MIGRATIONS, AirlineDB, BookingError, normalize
from llmworks.migrate import SchemaTooNewError

DAY = date(2027, 3, 14)
SRC = str(Path(dbmod.__file__).resolve().parents[3])  # the src/ dir, for the child processes


def rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_fresh_database_is_migrated_and_seeded_with_the_course_prices(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    assert db.version == len(MIGRATIONS) == 2
    prices = {d.city: d.price_usd for d in db.destinations()}
    assert {c: prices[c] for c in ["London", "Paris", "Tokyo", "Sydney", "Berlin"]} == {
        "London": 799,
        "Paris": 899,
        "Tokyo": 1420,
        "Sydney": 2999,
        "Berlin": 499,
    }
    indexes = {r[0] for r in rows(db.path, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"bookings_by_flight_day", "bookings_by_customer"} <= indexes
    assert rows(db.path, "PRAGMA journal_mode")[0][0] == "wal"


def test_old_schema_is_upgraded_in_place_keeping_its_rows(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](con)  # a file from the version-1 days, with a customer in it
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO customers (name, name_key) VALUES ('Old Timer', 'old timer')")
    con.close()
    db = AirlineDB(path)
    assert db.version == 2
    assert rows(path, "SELECT name FROM customers") == [("Old Timer",)]
    assert "bookings_by_customer" in {r[0] for r in rows(path, "SELECT name FROM sqlite_master")}


def test_migrating_again_is_a_no_op_and_seeding_keeps_changed_prices(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    with db.transaction() as con:
        con.execute("UPDATE destinations SET price_usd = 555 WHERE city = 'Paris'")
    assert db.migrate() == 2
    db.seed()
    assert db.find("paris").price_usd == 555
    assert rows(db.path, "SELECT count(*) FROM destinations")[0][0] == len(dbmod.SEED_DESTINATIONS)
    assert rows(db.path, "SELECT count(*) FROM flights")[0][0] == len(dbmod.SEED_DESTINATIONS)


def test_a_database_from_a_newer_llmworks_is_refused_clearly(tmp_path):
    path = tmp_path / "new.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(SchemaTooNewError, match="schema version 99"):
        AirlineDB(path)


def test_a_failing_migration_leaves_the_version_and_tables_untouched(tmp_path, monkeypatch):
    def broken(con):
        con.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(dbmod, "MIGRATIONS", MIGRATIONS + [broken])
    with pytest.raises(RuntimeError, match="disk on fire"):
        AirlineDB(tmp_path / "a.db")
    assert rows(tmp_path / "a.db", "PRAGMA user_version")[0][0] == 2
    assert not rows(tmp_path / "a.db", "SELECT name FROM sqlite_master WHERE name = 'half_done'")


@pytest.mark.parametrize("spelling", ["Zürich", "zurich", "ZURICH", "  zürich ", "Zu\u0308rich"])
def test_cities_match_case_and_accent_insensitively(tmp_path, spelling):
    assert AirlineDB(tmp_path / "a.db").find(spelling).city == "Zürich"


def test_normalize():
    assert normalize("São  Paulo!") == "sao paulo"
    assert normalize("KRAKÓW") == "krakow"
    assert normalize("   ") == ""


def test_unknown_city_is_none(tmp_path):
    assert AirlineDB(tmp_path / "a.db").find("Atlantis") is None


def test_book_list_cancel(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    b = db.book("tokyo", "Ada  Lovelace", DAY)
    assert (b.city, b.passenger, b.travel_date, b.price_usd, b.status) == (
        "Tokyo",
        "Ada Lovelace",
        "2027-03-14",
        1420,
        "confirmed",
    )
    assert len(b.code) == 6 and set(b.code) <= set(dbmod.CODE_ALPHABET)
    assert [x.code for x in db.bookings("ada lovelace")] == [b.code]
    assert db.cancel(b.code.lower()).status == "cancelled"
    with pytest.raises(BookingError, match="already cancelled"):
        db.cancel(b.code)
    assert db.bookings(include_cancelled=False) == []


def test_unknown_code_and_bad_bookings_write_nothing(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    with pytest.raises(BookingError, match="no booking"):
        db.cancel("ZZZZZZ")
    with pytest.raises(BookingError, match="does not fly"):
        db.book("Atlantis", "Ada Lovelace", DAY)
    with pytest.raises(BookingError, match="empty"):
        db.book("Paris", "   ", DAY)
    assert rows(db.path, "SELECT count(*) FROM customers")[0][0] == 0
    assert rows(db.path, "SELECT count(*) FROM bookings")[0][0] == 0


def test_a_full_flight_refuses_and_a_cancellation_frees_the_seat(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    with db.transaction() as con:
        con.execute("UPDATE flights SET seats = 2")
    first = db.book("Paris", "A One", DAY)
    db.book("Paris", "B Two", DAY)
    with pytest.raises(BookingError, match="full"):
        db.book("Paris", "C Three", DAY)
    db.book("Paris", "C Three", date(2027, 3, 15))  # another day has its own seats
    db.cancel(first.code)
    assert db.book("Paris", "C Three", DAY).status == "confirmed"


def test_a_colliding_confirmation_code_is_redrawn(tmp_path, monkeypatch):
    db = AirlineDB(tmp_path / "a.db")
    draws = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(dbmod, "new_code", lambda: next(draws))
    assert db.book("Paris", "First Person", DAY).code == "AAAAAA"
    assert db.book("Paris", "Second Person", DAY).code == "BBBBBB"


def test_an_error_mid_booking_rolls_back_the_customer_too(tmp_path, monkeypatch):
    db = AirlineDB(tmp_path / "a.db")

    def boom():
        raise RuntimeError("crash after the customer row was written")

    monkeypatch.setattr(dbmod, "new_code", boom)
    with pytest.raises(RuntimeError):
        db.book("Paris", "Half Written", DAY)
    assert rows(db.path, "SELECT count(*) FROM customers")[0][0] == 0


def _child(script: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=SRC)
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


BOOKER = """
    import sys
    from datetime import date
    from llmworks.apps.airline.db import AirlineDB, BookingError
    db = AirlineDB(sys.argv[1])
    made = full = 0
    for i in range(int(sys.argv[3])):
        try:
            db.book("Paris", f"{sys.argv[2]} {i}", date(2027, 3, 14))
            made += 1
        except BookingError:
            full += 1
    print(made, full)
"""


def test_two_processes_booking_at_once_lose_nothing(tmp_path):
    path = tmp_path / "a.db"
    AirlineDB(path)
    children = [_child(BOOKER, str(path), name, "25") for name in ("Alpha", "Beta")]
    outs = [c.communicate(timeout=120) for c in children]
    assert [c.returncode for c in children] == [0, 0], outs
    assert [o[0].split() for o in outs] == [["25", "0"], ["25", "0"]]
    codes = [r[0] for r in rows(path, "SELECT code FROM bookings")]
    assert len(codes) == 50 == len(set(codes))
    assert rows(path, "SELECT count(*) FROM customers")[0][0] == 50


def test_two_processes_racing_for_the_last_seats_never_overbook(tmp_path):
    path = tmp_path / "a.db"
    db = AirlineDB(path)
    with db.transaction() as con:
        con.execute("UPDATE flights SET seats = 12")
    children = [_child(BOOKER, str(path), name, "10") for name in ("Alpha", "Beta")]
    outs = [c.communicate(timeout=120) for c in children]
    made = sum(int(o[0].split()[0]) for o in outs)
    full = sum(int(o[0].split()[1]) for o in outs)
    assert (made, full) == (12, 8), outs
    assert rows(path, "SELECT count(*) FROM bookings WHERE status = 'confirmed'")[0][0] == 12


KILLED = """
    import sys, time
    from datetime import date
    from pathlib import Path
    from llmworks.apps.airline import db as dbmod
    def stall():  # called inside the booking transaction, after the customer row is written
        Path(sys.argv[2]).write_text("in the middle")
        time.sleep(60)
    dbmod.new_code = stall
    dbmod.AirlineDB(sys.argv[1]).book("Paris", "Kill Test", date(2027, 3, 14))
"""


def test_kill_during_a_booking_leaves_no_half_booking(tmp_path):
    path, marker = tmp_path / "a.db", tmp_path / "marker"
    AirlineDB(path).book("Tokyo", "Already There", DAY)
    child = _child(KILLED, str(path), str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the child never reached the write"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(path, "SELECT name FROM customers") == [("Already There",)]
    assert rows(path, "SELECT count(*) FROM bookings")[0][0] == 1
    db = AirlineDB(path)  # the write lock died with the process: booking works again at once
    assert db.book("Paris", "Kill Test", DAY).status == "confirmed"
