"""The assistant's turn with scripted test models: the real tool loop, tools and database; a fake brain."""

from __future__ import annotations

from datetime import date

import pytest

from llmworks.apps.airline import SYSTEM_PROMPT, AirlineDB, Assistant, checked_reply
from llmworks.apps.airline.assistant import DONT_KNOW, ROUTER_PROMPT
from llmworks.apps.airline.tools import Outcome
from llmworks.events import Delta, Progress, ToolStep, final
from llmworks.llm.testing import FunctionModel, ScriptedModel, call

TODAY = date(2026, 11, 23)


@pytest.fixture
def db(tmp_path):
    return AirlineDB(tmp_path / "a.db")


def bot(model, db, **kw) -> Assistant:
    return Assistant(model, db=db, today=lambda: TODAY, **kw)


def test_two_tool_calls_in_one_turn(db):
    model = ScriptedModel(
        [
            [call("get_ticket_price", destination_city="Paris"), call("get_ticket_price", destination_city="tokyo")],
            "Paris is $899 and Tokyo is $1420.",
        ]
    )
    turn = bot(model, db).turn("What do Paris and Tokyo cost?")
    assert [(s.name, s.ok) for s in turn.steps] == [("get_ticket_price", True), ("get_ticket_price", True)]
    assert turn.steps[1].result == "A return ticket to Tokyo costs $1420."
    assert turn.reply == "Paris is $899 and Tokyo is $1420." and turn.replaced is None
    first = model.requests[0]
    assert first.messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert {t.name for t in first.tools} == {"get_ticket_price", "book_flight", "cancel_booking", "list_bookings"}
    tool_msgs = [m for m in model.requests[1].messages if m["role"] == "tool"]
    assert [m["content"] for m in tool_msgs] == [
        "A return ticket to Paris costs $899.",
        "A return ticket to Tokyo costs $1420.",
    ]
    assert turn.destination.city == "Paris"


def test_a_tool_error_reaches_the_model_and_the_user_and_nothing_is_written(db):
    model = ScriptedModel(
        [
            call("book_flight", destination_city="Tokyo", passenger_name="Ada Lovelace", date="2025-01-01"),
            "Your flight is booked!",
        ]
    )
    turn = bot(model, db).turn("Book Tokyo for Ada Lovelace on 2025-01-01")
    [step] = turn.steps
    assert not step.ok and "in the past" in step.error
    seen = [m["content"] for m in model.requests[1].messages if m["role"] == "tool"]
    assert seen[0].startswith("Error: Sorry, 2025-01-01 is in the past")
    assert db.bookings() == []
    assert turn.model_reply == "Your flight is booked!"  # a false claim...
    assert "in the past" in turn.reply and turn.replaced  # ...replaced by the refusal


def test_the_loop_guard_stops_a_repeated_call_and_books_once(db):
    args = dict(destination_city="Tokyo", passenger_name="Ada Lovelace", date="2027-03-14")
    respelled = dict(destination_city="tokyo", passenger_name="ada  lovelace", date="2027-03-14")
    model = ScriptedModel(
        [
            call("book_flight", **args),
            call("book_flight", **respelled),
            call("book_flight", **args),
            "Done, you are booked.",
        ]
    )
    turn = bot(model, db).turn("Book a flight to Tokyo for Ada Lovelace on 2027-03-14")
    assert turn.stopped_by == "repeat"  # the loop never runs a verbatim repeat...
    assert [s.ok for s in turn.steps] == [True, True]  # ...and the toolbox books a respelled repeat only once
    [booking] = db.bookings("Ada Lovelace")
    assert turn.steps[0].result == turn.steps[1].result
    assert booking.code in turn.reply and "left out" in turn.replaced  # the model forgot the code; the tool has it
    assert model.requests[-1].tool_choice == "none"  # the forced final answer


def test_max_steps_ends_a_wandering_model(db):
    cities = iter(["Paris", "London", "Tokyo", "Berlin", "Rome"])
    model = FunctionModel(
        lambda r: (
            call("get_ticket_price", destination_city=next(cities))
            if r.tool_choice != "none"
            else "Those are the prices."
        )
    )
    turn = bot(model, db, max_steps=3).turn("Prices for Paris, London, Tokyo, Berlin and Rome?")
    assert len(turn.steps) == 3 and turn.stopped_by == "max_steps"
    assert "$899" in turn.reply and "$799" in turn.reply  # facts the model's text lacked come from the tools


def test_history_is_kept_between_turns(db):
    model = ScriptedModel(
        [
            call("get_ticket_price", destination_city="Paris"),
            "A ticket to Paris is $899.",
            call("book_flight", destination_city="Paris", passenger_name="Ada Lovelace", date="2027-03-14"),
            "Booked.",
        ]
    )
    b = bot(model, db)
    b.turn("How much is Paris?")
    turn = b.turn("Book it for Ada Lovelace on 2027-03-14")  # the city comes from the earlier turn
    assert turn.steps[0].ok and len(db.bookings()) == 1
    second = model.requests[2].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[2]["content"] == "A ticket to Paris is $899."


def test_off_topic_with_an_invented_tool_call_does_nothing(db):
    model = ScriptedModel([call("get_ticket_price", destination_city="London"), "London costs $700."])
    turn = bot(model, db).turn("Tell me a joke about cats")
    assert not turn.steps[0].ok and "did not mention" in turn.steps[0].error
    assert "700" not in turn.reply and turn.replaced


def test_embedded_models_route_first_then_call_the_chosen_tool(db):
    def brain(request):
        if request.schema:  # the router: a constrained pick among the action names
            assert request.messages[0]["content"] == ROUTER_PROMPT
            assert request.schema["properties"]["action"]["enum"][-1] == "answer_directly"
            return {"action": "book_flight"}
        if request.tool_choice == "book_flight":
            return call("book_flight", destination_city="Tokyo", passenger_name="Ada Lovelace", date="2027-03-14")
        assert request.tool_choice == "none"
        return "Booked, have a nice trip."

    model = FunctionModel(brain, name="local/smollm2")
    turn = bot(model, db).turn("Book a flight to Tokyo for Ada Lovelace on 2027-03-14")
    assert turn.routed == "book_flight" and [s.name for s in turn.steps] == ["book_flight"]
    assert [r.tool_choice for r in model.requests[1:]] == ["book_flight", "none"]
    assert model.requests[-1].max_tokens == 80
    [booking] = db.bookings()
    assert booking.code in turn.reply


def test_embedded_answer_directly_calls_no_tool(db):
    model = FunctionModel(
        lambda r: {"action": "answer_directly"} if r.schema else "Hello! How can I help?", name="local/smollm2"
    )
    turn = bot(model, db).turn("Hello there")
    assert turn.steps == [] and turn.reply == "Hello! How can I help?"
    assert model.requests[1].tool_choice == "none"


def test_unusable_model_output_fails_the_turn_not_the_chat(db):
    from llmworks.llm import ModelOutputError

    def brain(request):
        raise ModelOutputError('local/fake returned an unfinished tool choice: \'{"tool": "cancel_booking", ...\'')

    b = bot(FunctionModel(brain, name="test/broken"), db)
    turn = b.turn("Cancel K7XQ9P")
    assert turn.reply == DONT_KNOW and turn.stopped_by.startswith("invalid model output")
    assert b.history[-1] == {"role": "assistant", "content": DONT_KNOW}


def test_empty_message_is_a_clear_error(db):
    from llmworks.errors import LlmworksError

    with pytest.raises(LlmworksError, match="Type a question"):
        bot(ScriptedModel([]), db).turn("   ")


def test_a_turn_is_events_tool_steps_as_they_happen_then_the_checked_reply_then_the_turn(db):
    import threading

    step_shown = threading.Event()
    answer_waited = []

    def brain(request):
        if len([m for m in request.messages if m["role"] == "tool"]) == 0:
            return [
                call("get_ticket_price", destination_city="Paris"),
                call("get_ticket_price", destination_city="Atlantis"),
            ]
        answer_waited.append(step_shown.wait(timeout=5))  # the answer waits until the caller has the steps
        return "Paris is $899."

    events = []
    for event in bot(FunctionModel(brain), db).run("What do Paris and Atlantis cost?"):
        events.append(event)
        if isinstance(event, ToolStep):
            step_shown.set()
    assert answer_waited == [True]  # the steps reached the caller while the loop was still running
    assert [type(e).__name__ for e in events] == ["ToolStep", "ToolStep", "Delta", "Done"]
    assert events[0] == ToolStep(
        "get_ticket_price", {"destination_city": "Paris"}, "A return ticket to Paris costs $899."
    )
    assert events[1].error and "does not fly to Atlantis" in events[1].error
    assert events[2] == Delta("Paris is $899.") and events[3].result.reply == "Paris is $899."
    assert events[3].calls == 2  # the usage of both model calls, made on the tool loop's worker


def test_a_replaced_reply_is_announced_and_only_the_checked_text_is_sent(db):
    model = ScriptedModel([call("get_ticket_price", destination_city="Paris"), "Paris is pricey."])
    events = list(bot(model, db).run("How much is Paris?"))
    [warning] = [e for e in events if isinstance(e, Progress)]
    assert warning.warning and "left out 899" in warning.text and "Paris is pricey." in warning.text
    assert [e.text for e in events if isinstance(e, Delta)] == ["A return ticket to Paris costs $899."]


def test_translation_is_part_of_the_turn(db):
    model = ScriptedModel([call("get_ticket_price", destination_city="Paris"), "Paris is $899."])
    translator = ScriptedModel(["Paris coûte 899 $."])
    done = final(bot(model, db).run("How much is Paris?", language="French", translator=translator))
    assert done.result.translation == "Paris coûte 899 $." and done.result.language == "French"
    assert "French" in translator.requests[0].messages[0]["content"]
    assert translator.requests[0].messages[-1]["content"] == "Paris is $899."  # the checked reply is translated
    assert done.calls == 3


def test_routing_comes_from_the_catalog_capability_not_the_name():
    from llmworks.apps.airline.assistant import routes_first

    assert routes_first(FunctionModel(str, name="local/smollm2"))  # an embedded catalog model
    assert not routes_first(FunctionModel(str, name="openai/gpt-4.1-mini"))
    assert not routes_first(FunctionModel(str, name="test/anything"))  # unknown to the catalog: a capable model


def ok(tool, message, *facts):
    return Outcome(tool, {}, message, ok=True, facts=list(facts))


@pytest.mark.parametrize(
    "reply, outcomes, kept",
    [
        ("Paris costs $899.", [ok("get_ticket_price", "A return ticket to Paris costs $899.", "899")], True),
        ("Paris costs $899.99.", [ok("get_ticket_price", "A return ticket to Paris costs $899.", "899")], False),
        ("Paris is pricey.", [ok("get_ticket_price", "A return ticket to Paris costs $899.", "899")], False),
        ("Your booking is confirmed, code ABC123.", [], False),
        ("Sure! Booked for you.", [], False),
        ("", [], False),
        ("I don't know the weather, sorry.", [], True),
        ("I can't tell jokes, but I can check flight prices.", [], True),
    ],
)
def test_checked_reply(reply, outcomes, kept):
    text, why = checked_reply(reply, outcomes, "a question")
    assert (text == reply) is kept and (why is None) is kept
    if not kept and not outcomes:
        assert text == DONT_KNOW
