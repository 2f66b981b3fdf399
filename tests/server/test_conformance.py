"""The OpenAI-compatible server, driven by the real `openai` SDK over loopback HTTP.

Models behind the server are test doubles (llm.override), so each test knows exactly what the model said and saw;
`test_embedded_model_streams_for_real` runs the embedded SmolLM2 end to end.
"""

from __future__ import annotations

import base64
import json
import threading
import time

import httpx
import numpy as np
import openai
import pytest

from llmworks import llm
from llmworks.llm import Completion, Model, Request
from llmworks.llm.testing import FunctionEmbedder, FunctionModel, ScriptedModel, call

from .conftest import client, get

PLACE = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
    "required": ["city", "country"],
}
PRICE_TOOL = {
    "type": "function",
    "function": {
        "name": "get_price",
        "description": "Return the ticket price to a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def test_chat_returns_the_models_reply_with_usage(serve):
    model = ScriptedModel(["Bonjour le monde"])
    with llm.override(model):
        r = client(serve()).chat.completions.create(
            model="test/scripted",
            messages=[{"role": "system", "content": "Translate to French"}, {"role": "user", "content": "hello world"}],
            max_tokens=40,
            temperature=0.2,
        )
    assert r.choices[0].message.content == "Bonjour le monde"
    assert r.choices[0].finish_reason == "stop" and r.model == "test/scripted"
    sent = model.requests[0]
    assert sent.messages[0] == {"role": "system", "content": "Translate to French"}
    assert (sent.max_tokens, sent.temperature) == (40, 0.2)
    assert r.usage.completion_tokens == 4 and r.usage.total_tokens == r.usage.prompt_tokens + 4


def test_stream_sends_deltas_then_usage_then_done(serve):
    base = serve()
    with llm.override(FunctionModel(lambda r: "Tokens are pieces of text.", chunk_size=5)):
        stream = client(base).chat.completions.create(
            model="test/function",
            messages=[{"role": "user", "content": "What is a token?"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = list(stream)
        raw = httpx.post(
            f"{base}/v1/chat/completions",
            json={"model": "test/function", "messages": [{"role": "user", "content": "x"}], "stream": True},
        ).text
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Tokens are pieces of text."
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) == 6  # 5-character deltas, not one blob
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 6
    assert raw.rstrip().endswith("data: [DONE]") and '"usage"' not in raw  # usage only when asked for


def test_structured_output_reaches_the_model_as_its_schema(serve):
    model = FunctionModel(lambda r: {"city": "Paris", "country": "France"})
    with llm.override(model):
        r = client(serve()).chat.completions.create(
            model="test/function",
            messages=[{"role": "user", "content": "Paris is in France."}],
            response_format={"type": "json_schema", "json_schema": {"name": "place", "schema": PLACE}},
        )
    assert json.loads(r.choices[0].message.content) == {"city": "Paris", "country": "France"}
    assert model.requests[0].schema == PLACE and model.requests[0].schema_name == "place"


def test_tool_calls_come_back_to_the_client_to_run(serve):
    model = ScriptedModel([call("get_price", city="Paris")])
    with llm.override(model):
        r = client(serve()).chat.completions.create(
            model="test/scripted",
            messages=[{"role": "user", "content": "How much is a ticket to Paris?"}],
            tools=[PRICE_TOOL],
            tool_choice={"type": "function", "function": {"name": "get_price"}},
        )
    choice = r.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls[0].function.name == "get_price"
    assert json.loads(choice.message.tool_calls[0].function.arguments) == {"city": "Paris"}
    sent = model.requests[0]
    assert [t.name for t in sent.tools] == ["get_price"] and sent.tool_choice == "get_price"


def test_tool_results_go_back_to_the_model_as_tool_messages(serve):
    model = ScriptedModel(["A ticket to Paris costs $899."])
    history = [
        {"role": "user", "content": "How much is a ticket to Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_price", "arguments": '{"city":"Paris"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "$899"},
    ]
    with llm.override(model):
        r = client(serve()).chat.completions.create(model="test/scripted", messages=history, tools=[PRICE_TOOL])
    assert r.choices[0].message.content == "A ticket to Paris costs $899."
    assert model.requests[0].messages[-1] == {"role": "tool", "tool_call_id": "call_1", "content": "$899"}


def test_embeddings_in_both_encodings(serve):
    embedder = FunctionEmbedder(lambda texts: [[len(t), 1.0, 0.0] for t in texts], dimensions=3)
    base = serve()
    with llm.override({"local/minilm": embedder}):
        e = client(base).embeddings.create(model="local/minilm", input=["hi", "hello"])  # the SDK asks for base64
        plain = httpx.post(f"{base}/v1/embeddings", json={"model": "local/minilm", "input": "hey"}).json()
        raw = httpx.post(
            f"{base}/v1/embeddings", json={"model": "local/minilm", "input": ["hi"], "encoding_format": "base64"}
        ).json()
    want = np.array([[2, 1, 0], [5, 1, 0]], dtype=np.float32)
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    assert np.allclose([d.embedding for d in e.data], want, atol=1e-6)
    assert [d.index for d in e.data] == [0, 1] and e.usage.prompt_tokens == 2
    assert np.allclose(plain["data"][0]["embedding"], np.array([3, 1, 0]) / np.sqrt(10), atol=1e-6)
    assert base64.b64decode(raw["data"][0]["embedding"]) == want[0].astype("<f4").tobytes()


def test_models_lists_the_served_ones_and_unknown_models_are_404(serve):
    base = serve(models=["local/smollm2", "local/minilm"])
    c = client(base)
    assert [m.id for m in c.models.list().data] == ["local/smollm2", "local/minilm"]
    with pytest.raises(openai.NotFoundError, match="not served here"):
        c.chat.completions.create(model="local/qwen2.5-1.5b", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.BadRequestError, match="not a chat model"):
        c.chat.completions.create(model="local/minilm", messages=[{"role": "user", "content": "hi"}])


def test_a_key_is_required_when_set(serve):
    base = serve(api_key="s3cret")
    with pytest.raises(openai.AuthenticationError, match="API key"):
        client(base, key="wrong").models.list()
    assert get(base, "/metrics").status_code == 401
    assert [m.id for m in client(base, key="s3cret").models.list().data]
    assert get(base, "/health").json()["status"] == "ok"  # probes need no key


def test_an_oversized_body_is_413(serve):
    c = client(serve(max_body=2_000))
    with pytest.raises(openai.APIStatusError) as e:
        c.chat.completions.create(model="test/scripted", messages=[{"role": "user", "content": "x" * 5_000}])
    assert e.value.status_code == 413 and "over 2,000 bytes" in e.value.message


class Blocking(Model):
    """An embedded-engine stand-in that holds its slot until released."""

    name = "local/smollm2"

    def __init__(self):
        self.release, self.started = threading.Event(), threading.Event()

    def complete(self, request: Request) -> Completion:
        self.started.set()
        self.release.wait(20)
        return Completion(text="done", input_tokens=1, output_tokens=1, finish_reason="stop")


def test_a_full_queue_answers_429_with_retry_after_and_never_hangs(serve):
    blocking = Blocking()
    base = serve(queue=0)
    body = {
        "model": "local/smollm2",
        "messages": [{"role": "user", "content": "hi"}],
        "response_format": {"type": "json_object"},
    }
    with llm.override({"local/smollm2": blocking}):
        first = threading.Thread(target=lambda: httpx.post(f"{base}/v1/chat/completions", json=body, timeout=30))
        first.start()
        assert blocking.started.wait(10)
        t = time.monotonic()
        with pytest.raises(openai.RateLimitError) as e:
            client(base).chat.completions.create(**body)
        assert time.monotonic() - t < 5
        assert int(e.value.response.headers["retry-after"]) >= 1
        blocking.release.set()
        first.join(10)
        r = client(base).chat.completions.create(**body)  # the slot is free again
    assert r.choices[0].message.content == "done"
    metrics = get(base, "/metrics").text
    assert 'llmworks_errors_total{route="/v1/chat/completions",type="queue_full"} 1.0' in metrics


class Endless(Model):
    """Streams tokens until closed, and records when its generator was closed (as the embedded engine stops)."""

    name = "test/endless"
    streams_cheaply = True

    def __init__(self):
        self.produced, self.closed = 0, threading.Event()

    def complete(self, request: Request) -> Completion:
        raise AssertionError("streamed only")

    def stream(self, request: Request):
        try:
            while self.produced < 2_000:
                self.produced += 1
                time.sleep(0.01)
                yield f"tok{self.produced} "
            yield Completion(text="", output_tokens=self.produced)
        finally:
            self.closed.set()


def test_a_client_that_disconnects_stops_the_generation(serve):
    model = Endless()
    base = serve()
    with llm.override(model):
        with httpx.stream(
            "POST",
            f"{base}/v1/chat/completions",
            json={"model": "test/endless", "messages": [{"role": "user", "content": "go"}], "stream": True},
            timeout=30,
        ) as response:
            lines = response.iter_lines()
            assert sum(1 for line, _ in zip(lines, range(5)) if line.startswith("data:")) >= 2
        assert model.closed.wait(5)
    assert model.produced < 1_000


def test_bad_requests_get_one_clear_openai_error(serve):
    c = client(serve())
    with pytest.raises(openai.BadRequestError, match="n must be 1"):
        c.chat.completions.create(model="local/smollm2", messages=[{"role": "user", "content": "hi"}], n=2)
    with pytest.raises(openai.BadRequestError, match="messages"):
        c.chat.completions.create(model="local/smollm2", messages=[])
    with pytest.raises(openai.BadRequestError, match="non-empty"):
        c.embeddings.create(model="local/minilm", input=[""])


def test_metrics_count_requests_and_tokens(serve):
    base = serve()
    with llm.override(ScriptedModel(["four words right here"], name="test/scripted")):
        client(base).chat.completions.create(model="test/scripted", messages=[{"role": "user", "content": "hi"}])
    text = get(base, "/metrics").text
    assert 'llmworks_requests_total{route="/v1/chat/completions",status="200"} 1.0' in text
    assert 'llmworks_tokens_total{direction="output",model="test/scripted"} 5.0' in text
    assert "llmworks_request_seconds_bucket" in text and "llmworks_ttft_seconds_count" in text


def test_serve_refuses_an_exposed_address_without_a_key(capsys):
    from llmworks.cli import main

    assert main(["serve", "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err
    assert "without an API key" in err and "--api-key" in err and err.count("\n") == 1


@pytest.mark.slow
def test_embedded_model_streams_for_real(serve):
    chunks = list(
        client(serve()).chat.completions.create(
            model="local/smollm2",
            messages=[{"role": "user", "content": "Name three colours."}],
            max_tokens=24,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    deltas = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(deltas) > 3  # token by token, not one blob
    usage = chunks[-1].usage
    assert usage.prompt_tokens > 5 and 0 < usage.completion_tokens <= 24
