"""FlightAI end to end on the embedded local/smollm2, with the network cut: real model, tools and database."""

from __future__ import annotations

from datetime import date

import pytest

from llmworks.apps.airline import AirlineDB, Assistant

TODAY = date(2026, 11, 23)  # fixed, so the requested date is always in the future

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return AirlineDB(tmp_path_factory.mktemp("airline") / "a.db")


def test_price_question_is_answered_with_the_database_price(no_network, db):
    turn = Assistant("local/smollm2", db=db, today=lambda: TODAY).ask("How much is a flight to Paris?")
    print(f"\nrouted: {turn.routed}; steps: {turn.steps}; model wrote: {turn.model_reply!r}; reply: {turn.reply!r}")
    assert [(s.name, s.ok) for s in turn.steps] == [("get_ticket_price", True)]
    assert "899" in turn.reply


def test_booking_request_creates_exactly_one_booking(no_network, db):
    bot = Assistant("local/smollm2", db=db, today=lambda: TODAY)
    turn = bot.ask("Book a flight to Tokyo for Ada Lovelace on 2027-03-14")
    print(f"\nrouted: {turn.routed}; steps: {turn.steps}; model wrote: {turn.model_reply!r}; reply: {turn.reply!r}")
    [booking] = db.bookings("Ada Lovelace")
    assert (booking.city, booking.travel_date, booking.status) == ("Tokyo", "2027-03-14", "confirmed")
    assert booking.code in turn.reply
    bot.toolbox.begin_turn("What bookings does Ada Lovelace have?")
    assert booking.code in bot.toolbox.list_bookings("Ada Lovelace")
