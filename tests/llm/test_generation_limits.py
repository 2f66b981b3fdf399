"""Generation always ends: the context budget before the call, a default output cap, and the repetition guard."""

from __future__ import annotations

import io
import itertools
import sqlite3
import sys
import time

import pytest

from llmworks import llm
from llmworks.cli import main
from llmworks.config import get_settings
from llmworks.llm import client
from llmworks.llm.providers import Model
from llmworks.llm.testing import FunctionModel
from llmworks.llm.types import Request

LOOP = "Celaunomi, la prophète de la métériq-de-Léude… "


class Runaway(Model):
    """A provider stuck in a loop: its stream repeats one line forever, like SmolLM2 did on a translation.
    Records whether it was told to stop (its generator closed) and what it was asked."""

    def __init__(self, *, streams_cheaply: bool = False, prefix: str = "Bonjour. "):
        self.name, self.context_window, self.prefix = "test/runaway", None, prefix
        self.streams_cheaply = streams_cheaply
        self.closed = False
        self.requests: list[Request] = []

    def complete(self, request):
        raise AssertionError("a looping model must be read as a stream, or it never returns")

    def stream(self, request):
        self.requests.append(request)
        try:
            yield self.prefix
            for _ in itertools.count():
                for word in LOOP.split(" "):  # word by word, as a model streams
                    yield word + " "
        finally:
            self.closed = True


def _logged():
    db = sqlite3.connect(get_settings().logs_db)
    return db.execute("select kind, finish_reason, output_tokens, response from calls order by id").fetchall()


def test_a_stream_that_repeats_forever_is_stopped_and_says_why():
    model = Runaway()
    s = llm.stream("hello world", model=model, system="Translate to French")
    started = time.perf_counter()
    text = "".join(s)
    assert time.perf_counter() - started < 2
    assert model.closed  # the provider was told to stop generating, not just ignored
    assert text.startswith("Bonjour. ") and text.count("Celaunomi") >= 3
    assert len(text) < client.LOOP_SPAN + 3 * len(LOOP)  # stopped within a few copies of the loop
    r = s.response
    assert r.finish_reason == "repetition" and r.text == text
    assert r.usage.output_tokens == len(text.split(" ")) - 1 and r.usage.input_tokens > 0
    [(kind, reason, out_tokens, response)] = _logged()
    assert (kind, reason, out_tokens, response) == ("stream", "repetition", r.usage.output_tokens, text)


def test_chat_on_an_in_process_model_runs_as_a_guarded_stream():
    model = Runaway(streams_cheaply=True)
    r = llm.chat("hello world", model=model)
    assert r.finish_reason == "repetition" and model.closed and "Celaunomi" in r.text
    assert 0 < r.ttft_s < r.duration_s
    assert _logged()[0][:2] == ("chat", "repetition")


def test_the_usage_line_names_the_repetition(monkeypatch, capsys):
    model = Runaway()
    monkeypatch.setattr(llm.client, "get_model", lambda m=None: model)
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello world"))
    assert main(["chat", "-s", "Translate to French", "-u"]) == 0
    err = capsys.readouterr().err
    assert "ended by repetition]" in err and model.closed


@pytest.mark.parametrize(
    "text",
    [
        "word " * 100,  # one word repeated
        "The sea is blue. " * 30,  # one sentence
        "".join(f"Line {i % 7}: the same seven lines, again and again.\n" for i in range(40)),  # a 7-line cycle
        "!" * 500,
    ],
)
def test_looping_text_is_recognised(text):
    assert client.looping(text)


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"Sentence number {i} says something new about item {i * 7}." for i in range(80)),
        "| name | price |\n|---|---|\n" + "".join(f"| item {i} | ${i * 3}.00 |\n" for i in range(40)),
        "matrix = [\n" + "    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],\n" * 10 + "]\n",  # legit repetition, below the span
        "-" * 300 + "\n" + "The sea is blue. " * 4,
        "chorus: la la la, sing along\nverse one goes here\n" * 2 + "chorus: la la la, sing along\n",
    ],
)
def test_ordinary_text_is_not_taken_for_a_loop(text):
    assert not client.looping(text)


def test_ordinary_long_stream_is_left_alone():
    text = " ".join(f"Sentence number {i} says something new." for i in range(200))
    s = llm.stream("Write a lot", model=FunctionModel(lambda r: text))
    assert "".join(s) == text and s.response.finish_reason == "stop"


def test_a_default_cap_fills_in_max_tokens_and_the_caller_can_raise_it():
    model = FunctionModel(lambda r: "ok", context_window=8192)
    model.max_output = 300
    llm.chat("hi", model=model)
    llm.chat("hi", model=model, max_tokens=2000)
    assert [r.max_tokens for r in model.requests] == [300, 2000]


def test_the_default_cap_shrinks_to_the_room_the_prompt_leaves():
    model = FunctionModel(lambda r: "ok", context_window=1000)
    model.max_output = 800
    llm.chat("word " * 400, model=model)  # ~500 estimated tokens with the message overhead
    assert model.requests[0].max_tokens == 1000 - (len("word " * 400) // 4 + 4)


def test_prompt_plus_max_tokens_over_the_window_is_refused_before_the_call():
    model = FunctionModel(lambda r: pytest.fail("the model was called"), context_window=1000)
    with pytest.raises(llm.ContextWindowError) as error:
        llm.chat("word " * 400, model=model, max_tokens=900)
    message = str(error.value)
    assert "max_tokens=900" in message and "1,000" in message and "Lower max_tokens" in message
    assert model.requests == []
    fits = FunctionModel(lambda r: "fits", context_window=1000)
    assert llm.chat("word " * 400, model=fits, max_tokens=400).text == "fits"


def test_streams_are_budgeted_too():
    model = FunctionModel(lambda r: "ok", context_window=100)
    with pytest.raises(llm.ContextWindowError, match="max_tokens=500"):
        list(llm.stream("hi", model=model, max_tokens=500))


def test_the_embedded_provider_caps_even_without_the_client():
    from llmworks.llm.providers.embedded import EmbeddedModel

    model = EmbeddedModel.__new__(EmbeddedModel)  # the payload only: no engine is loaded
    model.name, model.max_output = "local/smollm2", 77
    assert model._payload(Request([{"role": "user", "content": "hi"}]), [], None)["max_tokens"] == 77
    assert model._payload(Request([], max_tokens=5), [], None)["max_tokens"] == 5
    assert model._payload(Request([]), [], None)["dry_multiplier"] > 0  # loop-breaking sampler on free text
    assert "dry_multiplier" not in model._payload(Request([]), [], {"type": "object"})  # not for JSON


# -- the real embedded model -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_embedded_default_cap_really_stops_generation(no_network):
    from llmworks.llm.providers.embedded import EmbeddedModel

    model = EmbeddedModel("local/smollm2", max_output=20)
    r = llm.chat("Tell me a very long story about dragons, with many chapters.", model=model, temperature=0)
    assert r.usage.output_tokens == 20 and r.finish_reason == "length"


@pytest.mark.slow
def test_the_guard_stops_a_real_embedded_loop(no_network):
    """SmolLM2 without its anti-loop sampler repeats 'yes' for as long as it may: the guard ends it early."""
    from llmworks.llm.providers import embedded

    class NoDry(embedded.EmbeddedModel):
        def _payload(self, request, messages, schema):
            payload = super()._payload(request, messages, schema)
            for key in embedded.ANTI_LOOP:
                payload.pop(key)
            return payload

    prompt = "Say the word yes, many times: yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes"
    r = llm.chat(prompt, model=NoDry("local/smollm2"), temperature=0, max_tokens=600)
    assert r.finish_reason == "repetition", r.text
    assert r.usage.output_tokens < 200
