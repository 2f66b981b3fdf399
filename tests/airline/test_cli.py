"""`llmworks airline …` as a user runs it (the CLI's main() with an argv list; the data dir is the test's own)."""

from __future__ import annotations

from contextlib import ExitStack

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


@pytest.fixture
def scripted(monkeypatch):
    """A scripted model answering to test/scripted (llm.override), which the catalog must not resolve."""
    from llmworks import llm
    from llmworks.llm import UnknownModelError
    from llmworks.llm.testing import ScriptedModel

    def unknown(name):  # the test double is not in the catalog: the command must use it, not resolve the name
        raise UnknownModelError(f"no catalog entry {name!r} in this test")

    monkeypatch.setattr("llmworks.llm.catalog.find", unknown)
    with ExitStack() as stack:
        yield lambda replies: stack.enter_context(llm.override(ScriptedModel(replies, name="test/scripted")))


def test_chat_with_a_test_model_shows_the_tool_steps(capsys, scripted):
    from llmworks.llm.testing import call

    model = scripted([call("get_ticket_price", destination_city="Paris"), "A ticket to Paris is $899."])
    assert main(["airline", "chat", "-m", "test/scripted", "-t", "0.3", "-u", "How much is a flight to Paris?"]) == 0
    out, err = capsys.readouterr()
    assert "→ get_ticket_price(destination_city='Paris') = A return ticket to Paris costs $899." in err
    assert out.strip() == "A ticket to Paris is $899."  # stdout: the reply only
    assert "2 model calls" in err.splitlines()[-1]  # the usage line
    assert [r.temperature for r in model.requests] == [0.3, 0.3]


@pytest.mark.parametrize("flag", ["--translate", "-t"])
def test_translate_flag_and_the_old_t_spelling(capsys, scripted, flag):
    from llmworks.llm.testing import call

    model = scripted([call("get_ticket_price", destination_city="Paris"), "Paris is $899.", "París cuesta 899 $."])
    assert main(["airline", "chat", "-m", "test/scripted", flag, "Spanish", "Price to Paris?"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["Paris is $899.", "[Spanish] París cuesta 899 $."]
    assert "Spanish" in model.requests[-1].messages[0]["content"]
    assert ("deprecated" in err and "--translate Spanish" in err) is (flag == "-t")
    assert model.requests[0].temperature is None


def test_help_is_fast_and_documented(capsys):
    assert main(["airline", "--help"]) == 0
    out = capsys.readouterr().out
    for command in ["chat", "prices", "bookings", "book", "cancel", "say", "transcribe"]:
        assert command in out
