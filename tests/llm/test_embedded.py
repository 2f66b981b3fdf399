"""End to end on the embedded model (SmolLM2-135M in-process), with the network cut."""

from __future__ import annotations

import time
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from llmworks import llm
from llmworks.llm.providers import embedded
from llmworks.llm.providers.embedded import ANSWER, EmbeddedModel

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_network")]
MODEL = "local/smollm2"


def test_chat_answers_deterministically_at_temperature_zero():
    a = llm.chat("What is the capital of France?", model=MODEL, temperature=0, max_tokens=24)
    b = llm.chat("What is the capital of France?", model=MODEL, temperature=0, max_tokens=24)
    assert a.text == b.text and a.text.strip()
    assert 0 < a.usage.output_tokens <= 24 and a.usage.input_tokens > 5
    assert a.usage.cost_usd == 0.0 and a.model == MODEL


def test_stream_gives_several_deltas_that_make_the_whole_text():
    s = llm.stream("Write a sentence about the sea.", model=MODEL, temperature=0, max_tokens=30)
    deltas = list(s)
    assert len(deltas) >= 5
    assert "".join(deltas) == s.response.text
    assert s.response.usage.output_tokens >= len(deltas) - 1
    assert 0 < s.response.ttft_s < s.response.duration_s and s.response.tokens_per_s > 0


class RecordingModel(EmbeddedModel):
    """The real embedded model (same llama.cpp engine), keeping every payload handed to llama.cpp: what the model
    was actually shown, after the provider rewrote tool turns for it."""

    def __init__(self, context_window: int = 8192):
        super().__init__(MODEL, context_window)
        self.payloads: list[dict] = []

    def _run(self, payload, callback=None):
        self.payloads.append(payload)
        return super()._run(payload, callback)


def test_stopping_a_stream_early_stops_generation():
    prompt = "Tell me a long story about dragons."
    # the yardstick, on this machine and its current load: how long 40 tokens of this story take to generate
    reference = llm.chat(prompt, model=MODEL, temperature=0, max_tokens=40)
    assert reference.usage.output_tokens == 40  # the story runs on: a 400-token stream would not end by itself
    s = llm.stream(prompt, model=MODEL, temperature=0, max_tokens=400)
    for i, _ in enumerate(s):
        if i == 0:
            [worker] = list(embedded._streams)
        if i == 3:
            break
    stopped = time.perf_counter()
    worker.join(timeout=max(30.0, 20 * reference.duration_s))
    stop_s = time.perf_counter() - stopped
    # generation ended within less than the time of 40 tokens; had it gone on, ~396 more tokens would have come
    assert not worker.is_alive() and stop_s < reference.duration_s, (stop_s, reference.duration_s)
    _, lock = EmbeddedModel(MODEL)._engine
    assert lock.acquire(blocking=False), "the engine is still busy after the stream was stopped"
    lock.release()
    assert embedded._streams == {}


class Quote(BaseModel):
    city: str
    price: int = Field(ge=0)
    currency: Literal["USD", "EUR", "GBP"]


def test_structured_output_validates_against_the_schema():
    quote = llm.structured(
        "A return ticket to Tokyo costs 1420 US dollars. Extract the quote.",
        schema=Quote,
        model=MODEL,
        max_tokens=80,
        temperature=0,
    ).output
    # the schema holds by construction; the copied number is the content check (the 135M model's city varies
    # with llama.cpp's prompt-cache state even at temperature 0)
    assert isinstance(quote, Quote) and quote.price == 1420


def get_ticket_price(destination_city: str) -> dict:
    """Get the price of a return ticket to the destination city.

    Args:
        destination_city: the city the customer wants to fly to
    """
    return {"destination_city": destination_city, "price": {"paris": 899}.get(destination_city.lower())}


def test_forced_tool_call_has_valid_arguments():
    run = llm.run_tools(
        "How much is a flight to Paris?",
        tools=[get_ticket_price],
        model=MODEL,
        tool_choice="get_ticket_price",
        max_steps=1,
        max_tokens=40,
    )
    step = run.steps[0]
    assert step.name == "get_ticket_price" and step.ok
    assert step.arguments["destination_city"].lower() == "paris"
    assert '"price": 899' in step.result


def test_too_long_prompt_is_a_clear_error():
    with pytest.raises(llm.ContextWindowError, match="about [0-9,]+ tokens, but its context window is 8,192"):
        llm.chat("word " * 12000, model=MODEL)  # refused by the client's estimate, before the model runs


@pytest.mark.parametrize("call", [llm.chat, lambda *a, **k: list(llm.stream(*a, **k))], ids=["chat", "stream"])
def test_llama_cpp_context_error_becomes_context_window_error(call):
    """A prompt the client's estimate lets through (4 characters a token) but llama.cpp cannot fit: digits are a
    token each. llama.cpp's exceed_context_size_error must come back as ContextWindowError with its exact count."""
    model = EmbeddedModel(MODEL, context_window=256)
    digits = " ".join(str(i % 10) for i in range(300))
    assert model.count_tokens(digits) < 256  # so the client's own check does not fire
    exact = r"local/smollm2: [0-9,]+ tokens, but its context window is 256\."  # llama.cpp's count, not "about"
    with pytest.raises(llm.ContextWindowError, match=exact) as error:
        call(digits, model=model)
    assert error.value.tokens > 256 and error.value.window == 256


def test_auto_tool_choice_can_answer_directly():
    model = RecordingModel()
    run = llm.run_tools(
        "Hi there!", tools=[get_ticket_price], model=model, tool_choice="auto", max_steps=1, max_tokens=30
    )
    assert run.steps == [] and run.stopped_by == "answer" and run.text.strip()
    pick, answer = model.payloads
    assert pick["response_format"]["json_schema"]["schema"]["properties"]["action"]["enum"] == [
        "get_ticket_price",
        ANSWER,
    ]
    assert "response_format" not in answer  # the answer is free text, not another constrained step
    assert answer["messages"][-1] == {"role": "user", "content": "Hi there!"}


def test_the_tool_result_reaches_the_model():
    model = RecordingModel()
    run = llm.run_tools(
        "How much is a flight to Paris?",
        tools=[get_ticket_price],
        model=model,
        tool_choice="get_ticket_price",
        max_steps=2,
        max_tokens=40,
    )
    assert [(s.name, s.result) for s in run.steps] == [
        ("get_ticket_price", '{"destination_city": "Paris", "price": 899}')
    ]
    # every request after the call showed the model the result, as a fact appended to the user's message
    later = model.payloads[1:]
    assert later and all(
        'returned: {"destination_city": "Paris", "price": 899}' in p["messages"][0]["content"] for p in later
    )
    assert "response_format" not in later[-1] and run.text == run.messages[-1]["content"]
