"""`llmworks airline …` with hostile input, a damaged database and a read-only data dir, through the real CLI."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

DAY = (date.today() + timedelta(days=30)).isoformat()
ESC_NAME = "Ada \x1b[31mLovelace\x1b]0;pwned\x07\x9b2J\u202e"  # colour, retitle, C1 CSI, bidi override


def _db(home):
    return home / "airline" / "airline.db"


def _rows(home) -> dict[str, int]:
    db = sqlite3.connect(_db(home))
    try:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in ("customers", "bookings")}
    finally:
        db.close()


@pytest.fixture
def booked(cli, home):
    """A database holding one booking (made through the CLI)."""
    result = cli("airline", "book", "Paris", "Grace Hopper", DAY)
    assert result.code == 0, result.err
    return home


def test_control_characters_never_reach_the_database_or_the_terminal(cli, home):
    result = cli("airline", "book", "Paris", ESC_NAME, DAY)
    assert result.code == 0, result.err
    for text in (result.raw_out, cli("airline", "bookings").raw_out):
        assert b"\x1b" not in text and b"\x07" not in text and "\x9b".encode() not in text
        assert "\u202e".encode() not in text and b"Lovelace" in text
    db = sqlite3.connect(_db(home))
    (stored,) = db.execute("select name from customers").fetchone()
    db.close()
    assert stored == "Ada [31mLovelace]0;pwned2J"  # the visible characters, none of the controls


def test_names_stored_by_older_versions_are_cleaned_for_display(cli, booked, home):
    db = sqlite3.connect(_db(booked))  # what a version without the check stored
    db.execute("update customers set name = ?", ("Grace \x1b[2J\x1b]0;x\x07Hopper [/]",))
    db.commit()
    db.close()
    result = cli("airline", "bookings")
    assert result.code == 0, result.err
    assert b"\x1b" not in result.raw_out and b"\x07" not in result.raw_out
    assert "Hopper [/]" in result.out  # rich markup in a name is shown, not interpreted (nor a crash)


@pytest.mark.parametrize(
    "name, why",
    [
        ("A" * 5000, "too long"),  # the tool's schema allows 60; the CLI used to store 5,000
        ("A" * 61, "at most 60"),
        ("\x1b\x07\x9b\u202e", "name"),  # nothing left once the controls are gone
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(cli, clean_failure, snapshot, booked, name, why):
    before, rows = snapshot(booked), _rows(booked)
    clean_failure(cli("airline", "book", "Paris", name, DAY), mentions=why)
    assert _rows(booked) == rows and snapshot(booked) == before


@pytest.mark.parametrize(
    "args, mentions",
    [
        (("book", "Atlantis", "Grace Hopper", DAY), "does not fly to"),
        (("book", "\x1b[31mParis\x1b[0m x", "Grace Hopper", DAY), "Paris"),  # echoed without the ESC (checked below)
        (("book", "P" * 500, "Grace Hopper", DAY), "at most 40"),
        (("book", "Paris", "Grace Hopper", "2027-13-45"), "date"),
        (("book", "Paris", "Grace Hopper", "2000-01-01"), "past"),
        (("cancel", "ZZZZZZ"), "ZZZZZZ"),
        (("cancel", "x" * 300), "confirmation code"),
        (("transcribe", "missing.wav"), "missing.wav"),
    ],
)
def test_bad_arguments_fail_cleanly_and_write_nothing(cli, clean_failure, snapshot, booked, args, mentions):
    before = snapshot(booked)
    clean_failure(cli("airline", *args), mentions=mentions)
    assert snapshot(booked) == before


def test_binary_audio_file_fails_cleanly(cli, clean_failure, tmp_path):
    noise = tmp_path / "noise.wav"
    noise.write_bytes(bytes(range(256)) * 64)
    clean_failure(cli("airline", "transcribe", str(noise)), mentions="audio")


def _damage(path) -> None:
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xde\xad" * ((len(data) - 4096) // 2)  # every page but the header/schema page
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage, args",
    [
        ("garbage", ("bookings",)),
        ("garbage", ("book", "Paris", "Ada Lovelace", DAY)),
        ("malformed", ("prices",)),
        ("malformed", ("book", "Paris", "Ada Lovelace", DAY)),
    ],
)
def test_damaged_database_names_the_file_and_a_safe_step(cli, clean_failure, snapshot, booked, damage, args):
    path = _db(booked)
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    if damage == "garbage":
        path.write_bytes(b"\x00garbage, not SQLite\n" * 500)
    else:
        _damage(path)
    before = snapshot(booked)
    line = clean_failure(cli("airline", *args), mentions=str(path))
    assert "backup" in line and "delete" not in line.lower()
    assert snapshot(booked) == before


def test_schema_from_a_newer_version_is_refused_cleanly(cli, clean_failure, snapshot, booked):
    db = sqlite3.connect(_db(booked))
    db.execute("pragma user_version = 99")
    db.commit()
    db.close()
    before = snapshot(booked)
    clean_failure(cli("airline", "bookings"), mentions="Upgrade llmworks")
    assert snapshot(booked) == before


@pytest.mark.parametrize("side_files", [True, False], ids=["with-shm", "clean-shutdown"])
def test_read_only_data_dir_serves_reads_and_refuses_writes_cleanly(
    cli, clean_failure, snapshot, booked, make_readonly, side_files
):
    path = _db(booked)
    if not side_files:  # the last writer to close checkpoints and removes -wal/-shm; a reader then cannot make -shm
        db = sqlite3.connect(path)
        db.execute("select count(*) from bookings").fetchone()
        db.close()
        assert not path.with_name(path.name + "-shm").exists()
    make_readonly(booked)
    before = snapshot(booked)
    listed = cli("airline", "bookings", readonly=True)
    assert listed.code == 0, listed.err
    assert "Grace Hopper" in listed.out
    prices = cli("airline", "prices", readonly=True)
    assert prices.code == 0 and "Paris" in prices.out, prices.err
    line = clean_failure(cli("airline", "book", "Paris", "Ada Lovelace", DAY, readonly=True), mentions="read-only")
    assert "LLMWORKS_HOME" in line
    assert snapshot(booked) == before
