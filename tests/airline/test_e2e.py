"""FlightAI end to end on the embedded local/smollm2, with the network cut: real model, tools and database.

The reply a user reads may be the checker's refill from the tool's own sentence (the 135M model often drops or
garbles the price), so each test also asserts on what llama.cpp was given for the answer: the tool's result."""

from __future__ import annotations

from datetime import date

import pytest

from llmworks.apps.airline import AirlineDB, Assistant
from llmworks.llm.providers.embedded import EmbeddedModel

TODAY = date(2026, 11, 23)  # fixed, so the requested date is always in the future

pytestmark = pytest.mark.slow


class RecordingModel(EmbeddedModel):
    """The real embedded model, keeping each payload handed to llama.cpp (what the model was actually shown)."""

    def __init__(self):
        super().__init__("local/smollm2")
        self.payloads: list[dict] = []

    def _run(self, payload, callback=None):
        self.payloads.append(payload)
        return super()._run(payload, callback)


def answer_prompt(model: RecordingModel) -> str:
    """The user's message as the model saw it when writing the reply (the last, unconstrained call)."""
    final = model.payloads[-1]
    assert "response_format" not in final  # free text: the answer, not the router or the argument filling
    return final["messages"][-1]["content"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return AirlineDB(tmp_path_factory.mktemp("airline") / "a.db")


def test_price_question_is_answered_with_the_database_price(no_network, db):
    model = RecordingModel()
    turn = Assistant(model, db=db, today=lambda: TODAY).turn("How much is a flight to Paris?")
    print(f"\nrouted: {turn.routed}; steps: {turn.steps}; model wrote: {turn.model_reply!r}; reply: {turn.reply!r}")
    assert [(s.name, s.ok) for s in turn.steps] == [("get_ticket_price", True)]
    assert "returned: A return ticket to Paris costs $899." in answer_prompt(model)  # the model saw the price
    assert "899" in turn.reply
    assert turn.replaced is not None or "899" in turn.model_reply  # a reply without the price is never passed on


def test_booking_request_creates_exactly_one_booking(no_network, db):
    model = RecordingModel()
    bot = Assistant(model, db=db, today=lambda: TODAY)
    turn = bot.turn("Book a flight to Tokyo for Ada Lovelace on 2027-03-14")
    print(f"\nrouted: {turn.routed}; steps: {turn.steps}; model wrote: {turn.model_reply!r}; reply: {turn.reply!r}")
    [booking] = db.bookings("Ada Lovelace")
    assert (booking.city, booking.travel_date, booking.status) == ("Tokyo", "2027-03-14", "confirmed")
    assert f"Confirmation code: {booking.code}" in answer_prompt(model)  # the model saw the code it must give
    assert booking.code in turn.reply
    bot.toolbox.begin_turn("What bookings does Ada Lovelace have?")
    assert booking.code in bot.toolbox.list_bookings("Ada Lovelace")
