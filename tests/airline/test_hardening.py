"""Issue 10 in the airline's API: one name validator for every path, control characters never stored, SQLite
failures as StoreErrors naming the file, and reads that do not write."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from llmworks import llm
from llmworks.apps.airline import AirlineDB, BookingError, Refusal, Toolbox
from llmworks.apps.airline.db import MAX_NAME_LENGTH, passenger_name
from llmworks.errors import LlmworksError, StoreError
from llmworks.llm.testing import ScriptedModel, call

TODAY = date(2026, 11, 23)
DAY = "2026-12-01"


@pytest.fixture
def box(tmp_path):
    return Toolbox(AirlineDB(tmp_path / "a.db"), today=lambda: TODAY)


def test_passenger_name_is_one_printable_line_of_bounded_length():
    assert passenger_name("  Ada \x1b[31mLovelace\x07\n") == "Ada [31mLovelace"
    assert passenger_name("Grace\u202e Hopper\x9b") == "Grace Hopper"
    assert passenger_name("A" * MAX_NAME_LENGTH) == "A" * MAX_NAME_LENGTH
    with pytest.raises(BookingError, match="at most 60"):
        passenger_name("A" * (MAX_NAME_LENGTH + 1))
    with pytest.raises(BookingError, match="empty"):
        passenger_name("\x1b\x07 \t")


def test_the_database_stores_names_clean_whatever_calls_it(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    booking = db.book("Paris", "Ada\x1b]0;pwned\x07 Lovelace", date(2027, 1, 5))
    assert booking.passenger == "Ada]0;pwned Lovelace"
    with pytest.raises(BookingError, match="too long"):
        db.book("Paris", "B" * 5000, date(2027, 1, 5))
    assert len(db.bookings()) == 1


def test_the_tool_schema_and_the_direct_call_share_one_limit(box):
    schema = {t.name: t for t in box.tools()}["book_flight"].args_model.model_json_schema()
    assert schema["properties"]["passenger_name"]["maxLength"] == MAX_NAME_LENGTH
    long_name = "Ada " + "L" * MAX_NAME_LENGTH
    box.begin_turn(f"Book Paris for {long_name} on {DAY}")  # what `llmworks airline book` does
    with pytest.raises(Refusal, match="at most 60"):
        box.book_flight("Paris", long_name, DAY)
    assert box.db.bookings() == []


def test_a_model_sending_a_long_name_is_refused_by_the_schema(box):
    long_name = "Ada " + "L" * 100
    model = ScriptedModel([call("book_flight", destination_city="Paris", passenger_name=long_name, date=DAY), "Sorry."])
    box.begin_turn(f"Book Paris for {long_name} on {DAY}")
    run = llm.run_tools(f"Book Paris for {long_name} on {DAY}", tools=box.tools(), model=model)
    assert run.steps[0].error and "60" in run.steps[0].error
    assert box.db.bookings() == []


def test_escape_sequences_from_the_user_still_match_and_are_stored_clean(box):
    name = "Ada \x1b[1mLovelace\x1b[0m"
    box.begin_turn(f"Book Paris for {name} on {DAY}")
    assert "Confirmation code" in box.book_flight("Paris", name, DAY)
    (stored,) = box.db.bookings()
    assert "\x1b" not in stored.passenger and stored.passenger == "Ada [1mLovelace[0m"


def test_a_city_with_escapes_is_echoed_clean(box):
    box.begin_turn("price to \x1b[2JAtlantis?")
    with pytest.raises(Refusal) as info:
        box.get_ticket_price("\x1b[2JAtlantis")
    assert "\x1b" not in str(info.value) and "[2JAtlantis" in str(info.value)


def test_sqlite_failures_are_store_errors_naming_the_file(tmp_path):
    path = tmp_path / "a.db"
    path.write_bytes(b"not a database\n" * 300)
    with pytest.raises(StoreError) as info:
        AirlineDB(path)
    assert str(path) in str(info.value) and "backup" in str(info.value)
    assert isinstance(info.value, LlmworksError) and path.read_bytes() == b"not a database\n" * 300


def test_an_up_to_date_database_is_opened_without_writing(tmp_path, monkeypatch):
    AirlineDB(tmp_path / "a.db")
    from llmworks.apps.airline import db as dbmod

    dbmod._ready.clear()  # as a new process would
    monkeypatch.setattr(AirlineDB, "migrate", lambda self: pytest.fail("migrated an up-to-date file"))
    monkeypatch.setattr(AirlineDB, "seed", lambda self: pytest.fail("seeded an up-to-date file"))
    assert AirlineDB(tmp_path / "a.db").find("Paris").price_usd == 899


def test_a_missing_seed_destination_is_still_added(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    with db.transaction() as con:
        con.execute("DELETE FROM flights WHERE destination_id = (SELECT id FROM destinations WHERE city = 'Rome')")
        con.execute("DELETE FROM destinations WHERE city = 'Rome'")
    from llmworks.apps.airline import db as dbmod

    dbmod._ready.clear()
    assert AirlineDB(tmp_path / "a.db").find("Rome") is not None


def test_constraint_errors_inside_a_transaction_stay_what_they_are(tmp_path):
    db = AirlineDB(tmp_path / "a.db")
    with pytest.raises(sqlite3.IntegrityError):  # the code-collision retry relies on seeing these
        with db.transaction() as con:
            con.execute("INSERT INTO destinations (city, city_key, country, price_usd) VALUES ('X', 'paris', 'Y', 1)")
