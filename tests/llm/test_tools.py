"""The tool loop with a scripted model: real loop code, fake brain."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import Field

from llmworks import llm
from llmworks.llm.testing import FunctionModel, ScriptedModel, call
from llmworks.llm.tools import Tool
from llmworks.llm.types import ToolCall

PRICES = {"paris": 899, "tokyo": 1420}
booked: list[str] = []


def get_ticket_price(destination_city: str) -> dict:
    """Get the price of a return ticket.

    Args:
        destination_city: the city to fly to
    """
    if destination_city.lower() not in PRICES:
        raise llm.ToolError(f"no flights to {destination_city}")
    return {"city": destination_city, "price": PRICES[destination_city.lower()]}


def book(city: str, seats: int = 1, cabin: Literal["economy", "business"] = "economy") -> str:
    """Book seats."""
    booked.append(city)
    return f"booked {seats} {cabin} to {city}"


@pytest.fixture(autouse=True)
def _clear():
    booked.clear()


def test_schema_from_signature_and_docstring():
    spec = Tool.from_function(book).spec
    assert spec.name == "book" and spec.description == "Book seats."
    props = spec.parameters["properties"]
    assert props["city"]["type"] == "string" and props["seats"]["type"] == "integer"
    assert props["cabin"]["enum"] == ["economy", "business"]
    assert spec.parameters["required"] == ["city"]
    desc = Tool.from_function(get_ticket_price).spec.parameters["properties"]["destination_city"]["description"]
    assert desc == "the city to fly to"


def test_two_calls_in_one_turn_then_answer():
    model = ScriptedModel(
        [
            [call("get_ticket_price", destination_city="Paris"), call("get_ticket_price", destination_city="Tokyo")],
            "Paris is $899 and Tokyo $1420.",
        ]
    )
    steps = []
    run = llm.run_tools("Prices?", tools=[get_ticket_price], model=model, on_step=steps.append)
    assert [s.result for s in run.steps] == ['{"city": "Paris", "price": 899}', '{"city": "Tokyo", "price": 1420}']
    assert steps == run.steps and run.stopped_by == "answer" and run.text == "Paris is $899 and Tokyo $1420."
    # the second request showed the model both results, each answering its own call id
    second = model.requests[1].messages
    tool_msgs = [m for m in second if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_msgs] == [c["id"] for c in second[-3]["tool_calls"]]
    assert "1420" in tool_msgs[1]["content"]
    assert run.usage.input_tokens > 0


def test_tool_error_and_bad_arguments_reach_the_model():
    model = ScriptedModel(
        [
            call("get_ticket_price", destination_city="Atlantis"),
            call("book", city="Paris", seats="many"),
            call("teleport", to="Mars"),
            "Sorry, I can't.",
        ]
    )
    run = llm.run_tools("?", tools=[get_ticket_price, book], model=model)
    errors = [s.error for s in run.steps]
    assert errors[0] == "no flights to Atlantis"
    assert "seats" in errors[1] and "integer" in errors[1]
    assert "unknown tool 'teleport'" in errors[2]
    assert booked == []  # nothing ran with invalid arguments
    assert model.requests[1].messages[-1]["content"] == "Error: no flights to Atlantis"
    assert run.text == "Sorry, I can't."


def test_malformed_arguments_come_back_as_errors_and_the_loop_goes_on():
    """Invalid JSON, missing and extra fields, wrong types: each is an error step the model is shown, nothing runs,
    and the loop carries on to the model's corrected call."""
    model = ScriptedModel(
        [
            ToolCall("book", {}, raw_arguments='{"city": "Par'),  # cut off mid-JSON
            call("book", seats=2),  # no city
            call("book", city=["Paris"], cabin="first"),  # wrong type, not in the enum
            call("book", city="Paris", when="tomorrow"),  # a field the tool has not got
            call("book", city="Paris", seats=2),
            "Booked 2 seats to Paris.",
        ]
    )
    run = llm.run_tools("Book 2 seats to Paris", tools=[book], model=model, max_steps=6)
    errors = [s.error for s in run.steps]
    assert errors[0] == """arguments for book were not a JSON object: '{"city": "Par'"""
    assert errors[1] == "invalid arguments for book: city: Field required"
    assert errors[2].startswith("invalid arguments for book: city: Input should be a valid string; cabin: ")
    assert errors[3] == "invalid arguments for book: when: Extra inputs are not permitted"
    assert errors[4] is None and run.steps[4].result == "booked 2 economy to Paris"
    assert booked == ["Paris"]  # only the valid call ran
    # each error was the tool message of the next request, answering its own call
    for n in range(4):
        sent = model.requests[n + 1].messages
        assert sent[-1] == {
            "role": "tool",
            "tool_call_id": sent[-2]["tool_calls"][0]["id"],
            "name": "book",
            "content": f"Error: {errors[n]}",
        }
    assert run.stopped_by == "answer" and run.text == "Booked 2 seats to Paris."


def test_a_model_can_correct_itself_from_the_error_it_is_shown():
    def brain(request):
        last = request.messages[-1]
        if last["role"] == "user":
            return call("get_ticket_price", city="Paris")  # the wrong argument name
        if last["content"].startswith("Error:") and "destination_city: Field required" in last["content"]:
            return call("get_ticket_price", destination_city="Paris")
        return f"It costs {last['content']}"

    model = FunctionModel(brain)
    run = llm.run_tools("Price to Paris?", tools=[get_ticket_price], model=model)
    assert [s.ok for s in run.steps] == [False, True]
    assert run.text == 'It costs {"city": "Paris", "price": 899}'


def test_max_steps_guard_forces_an_answer_without_tools():
    model = ScriptedModel([call("book", city=f"C{i}") for i in range(3)] + ["Done."])
    run = llm.run_tools("Book everything", tools=[book], model=model, max_steps=3)
    assert run.stopped_by == "max_steps" and len(run.steps) == 3 and run.text == "Done."
    assert model.requests[-1].tool_choice == "none"


def test_repeated_call_is_never_run_twice():
    model = ScriptedModel([call("book", city="Tokyo"), call("book", city="Tokyo"), "Booked once."])
    run = llm.run_tools("Book Tokyo", tools=[book], model=model, max_steps=5)
    assert booked == ["Tokyo"] and len(run.steps) == 1
    assert run.stopped_by == "repeat" and run.text == "Booked once."


def test_repeated_failing_call_trips_the_breaker():
    model = ScriptedModel([call("get_ticket_price", destination_city="Atlantis")] * 2 + ["No flights there."])
    run = llm.run_tools("?", tools=[get_ticket_price], model=model, max_steps=10)
    assert run.stopped_by == "repeat" and len(model.requests) == 3


def test_tool_choice_reaches_the_first_request_only():
    model = ScriptedModel([call("book", city="Paris"), "ok"])
    llm.run_tools("Book Paris", tools=[book], model=model, tool_choice="book")
    assert [r.tool_choice for r in model.requests] == ["book", "auto"]


def test_a_crashing_tool_is_reported_not_raised():
    def flaky(x: int) -> str:
        """Always fails."""
        raise RuntimeError("database is locked")

    model = ScriptedModel([call("flaky", x=1), "It failed."])
    run = llm.run_tools("go", tools=[flaky], model=model)
    assert run.steps[0].error == "flaky failed: RuntimeError: database is locked"


def test_annotated_constraints_are_enforced_before_the_call():
    def cancel(code: Annotated[str, Field(pattern=r"^[A-Z0-9]{6}$")]) -> str:
        """Cancel a booking."""
        return f"cancelled {code}"

    assert Tool.from_function(cancel).spec.parameters["properties"]["code"]["pattern"] == r"^[A-Z0-9]{6}$"
    model = ScriptedModel([call("cancel", code="bad code!"), call("cancel", code="AB12CD"), "ok"])
    run = llm.run_tools("cancel", tools=[cancel], model=model)
    assert "pattern" in run.steps[0].error and run.steps[1].result == "cancelled AB12CD"


def test_regex_shorthands_are_spelled_out_for_the_grammar():
    from llmworks.llm.providers.embedded import _closed

    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": r"^\d{3}\w$"}}}
    assert _closed(schema) == {
        "type": "object",
        "additionalProperties": False,
        "properties": {"code": {"type": "string", "pattern": "^[0-9]{3}[A-Za-z0-9_]$"}},
    }
