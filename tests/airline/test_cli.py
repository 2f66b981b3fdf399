"""`llmworks airline …` as a user runs it (the CLI's main() with an argv list; the data dir is the test's own)."""

from __future__ import annotations

import pytest

from llmworks.cli import main


def test_prices_show_the_database(capsys):
    assert main(["airline", "prices"]) == 0
    out = capsys.readouterr().out
    for city, price in [("Paris", "$899"), ("Tokyo", "$1,420"), ("Sydney", "$2,999"), ("Zürich", "$650")]:
        line = next(line for line in out.splitlines() if city in line)
        assert price in line


def test_book_then_bookings_then_cancel(capsys):
    assert main(["airline", "bookings"]) == 0
    assert "No bookings." in capsys.readouterr().out
    assert main(["airline", "book", "zurich", "Grace Hopper", "2099-01-01"]) == 1  # beyond the booking window
    assert "not open yet" in capsys.readouterr().err
    from datetime import date, timedelta

    day = (date.today() + timedelta(days=30)).isoformat()
    assert main(["airline", "book", "zurich", "Grace Hopper", day]) == 0
    out = capsys.readouterr().out
    code = out.rsplit("Confirmation code: ", 1)[1].strip().rstrip(".")
    assert main(["airline", "bookings", "grace hopper"]) == 0
    listed = capsys.readouterr().out
    assert code in listed and "Zürich" in listed and "confirmed" in listed
    assert main(["airline", "cancel", code]) == 0
    capsys.readouterr()
    assert main(["airline", "cancel", code]) == 1
    assert "already cancelled" in capsys.readouterr().err


def test_chat_with_a_test_model_shows_the_tool_steps(capsys, monkeypatch):
    from llmworks.llm import client
    from llmworks.llm.testing import ScriptedModel, call

    model = ScriptedModel([call("get_ticket_price", destination_city="Paris"), "A ticket to Paris is $899."],
                          name="test/scripted")
    monkeypatch.setitem(client._models, "test/scripted", model)
    monkeypatch.setattr("llmworks.llm.catalog.find", lambda name: pytest.fail("resolved a name it should not"))
    assert main(["airline", "chat", "-m", "test/scripted", "How much is a flight to Paris?"]) == 0
    out = capsys.readouterr().out
    assert "[tool] get_ticket_price(destination_city='Paris') -> A return ticket to Paris costs $899." in out
    assert out.strip().endswith("A ticket to Paris is $899.")


def test_help_is_fast_and_documented(capsys):
    assert main(["airline", "--help"]) == 0
    out = capsys.readouterr().out
    for command in ["chat", "prices", "bookings", "book", "cancel", "say", "transcribe"]:
        assert command in out
