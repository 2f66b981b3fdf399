"""llm.embed: one path for local and remote embeddings, logged, costed and metered like chat; `llmworks.embed` is
its array facade. Remote embeddings are the real openai SDK against recorded HTTP (respx)."""

from __future__ import annotations

import json
import sqlite3

import httpx
import numpy as np
import pytest
import respx

from llmworks import llm
from llmworks.config import get_settings, reset_settings
from llmworks.events import Done, app
from llmworks.llm.testing import FunctionEmbedder

URL = "https://api.openai.com/v1/embeddings"
KEY = "sk-test-embeddings-0123456789"
DIMS = 1536


def _calls():
    llm.client.flush_logs()  # embeddings are logged on a writer thread
    db = sqlite3.connect(get_settings().logs_db)
    return db.execute(
        "select model, kind, messages, response, input_tokens, output_tokens, cost_usd, error from calls order by id"
    ).fetchall()


def _reply(vectors: list[list[float]], tokens: int, order: list[int] | None = None) -> httpx.Response:
    """An OpenAI /embeddings response in its wire format; `order` shuffles the items (the API may)."""
    order = order or list(range(len(vectors)))
    return httpx.Response(
        200,
        json={
            "object": "list",
            "model": "text-embedding-3-small",
            "data": [{"object": "embedding", "index": i, "embedding": vectors[i]} for i in order],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        },
    )


def _vector(*head: float) -> list[float]:
    return list(head) + [0.0] * (DIMS - len(head))


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("LLMWORKS_MAX_RETRIES", "0")
    reset_settings()


@respx.mock
def test_remote_embeddings_are_sent_ordered_normalised_costed_and_logged(key):
    route = respx.post(URL).mock(return_value=_reply([_vector(3.0, 4.0), _vector(0.0, 2.0)], tokens=7, order=[1, 0]))
    out = llm.embed(["first text", "second text"], model="openai/text-embedding-3-small")
    sent = route.calls.last.request
    body = json.loads(sent.content)
    assert (body["model"], body["input"]) == ("text-embedding-3-small", ["first text", "second text"])
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert out.vectors.shape == (2, DIMS) and out.vectors.dtype == np.float32
    assert np.allclose(out.vectors[:, :2], [[0.6, 0.8], [0.0, 1.0]])  # input order, unit length
    assert out.usage.input_tokens == 7 and out.usage.output_tokens == 0
    assert out.usage.cost_usd == pytest.approx(7 * 0.02e-6)  # $0.02 per million tokens (genai-prices)
    [(model, kind, messages, response, tokens, _, cost, error)] = _calls()
    assert (model, kind, tokens, error) == ("openai/text-embedding-3-small", "embed", 7, None)
    assert cost == pytest.approx(out.usage.cost_usd)
    assert "first text" in messages and "1 more text" in messages and response == f"[2 vectors of {DIMS}]"


@respx.mock
def test_large_inputs_go_in_batches_and_usage_adds_up(key, monkeypatch):
    from llmworks.llm.providers.openai_compat import OpenAICompatEmbedder

    monkeypatch.setattr(OpenAICompatEmbedder, "BATCH", 2)
    route = respx.post(URL).mock(
        side_effect=[_reply([_vector(1.0), _vector(0.0, 1.0)], tokens=4), _reply([_vector(0.0, 0.0, 1.0)], tokens=3)]
    )
    out = llm.embed(["a", "b", "c"], model="openai/text-embedding-3-small")
    assert [json.loads(c.request.content)["input"] for c in route.calls] == [["a", "b"], ["c"]]
    assert np.allclose(out.vectors[:, :3], np.eye(3)) and out.usage.input_tokens == 7


@respx.mock
def test_provider_errors_are_mapped_and_logged(key):
    respx.post(URL).mock(return_value=httpx.Response(429, json={"error": {"message": "Rate limit reached"}}))
    with pytest.raises(llm.ProviderError, match=r"openai/text-embedding-3-small: rate limited .*Rate limit reached"):
        llm.embed(["x"], model="openai/text-embedding-3-small")
    [row] = _calls()
    assert row[1] == "embed" and "ProviderError" in row[-1]


def test_errors_name_the_fix(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(llm.MissingKeyError, match="OPENAI_API_KEY.*Offline, use local/minilm"):
        llm.embed(["x"], model="openai/text-embedding-3-small")
    with pytest.raises(llm.UnknownModelError, match="local/minilm"):
        llm.embed(["x"], model="openai/gpt-4.1-mini")  # a chat model is not an embedder


def test_embed_calls_are_metered_into_the_apps_total():
    fake = FunctionEmbedder(lambda texts: [[len(t), 1.0] for t in texts], dimensions=2, name="local/minilm")

    @app
    def index(texts):
        yield Done(llm.embed(texts))

    with llm.override(fake):  # an Embedder stands in for llm.embed's default
        *_, done = index(["one two three", "four"])
    assert fake.batches == [["one two three", "four"]]
    assert done.calls == 1 and done.usage.input_tokens == 4 and done.usage.cost_usd == 0.0  # local: free
    assert done.result.vectors.shape == (2, 2)


def test_no_texts_is_no_call():
    fake = FunctionEmbedder(lambda texts: [[1.0] for _ in texts], dimensions=1)
    out = llm.embed([], model=fake)
    assert out.vectors.shape == (0, 1) and fake.batches == [] and not get_settings().logs_db.exists()


def test_the_array_facade_goes_through_llm_embed():
    from llmworks.embed import OPENAI_DIMENSIONS, dimensions, embed

    fake = FunctionEmbedder(lambda texts: [[3.0, 4.0] for _ in texts], dimensions=2, name="local/minilm")
    with llm.override({"local/minilm": fake}):
        vectors = embed(["hello"])
    assert np.allclose(vectors, [[0.6, 0.8]]) and _calls()[0][1] == "embed"
    assert dimensions() == 384 and dimensions("openai/text-embedding-3-large") == 3072  # from the catalog, no load
    assert OPENAI_DIMENSIONS["text-embedding-3-small"] == DIMS


@pytest.mark.slow
def test_local_minilm_counts_the_tokens_it_read(no_network):
    from llmworks.llm.providers.minilm import encoder

    texts = ["The cat sat on the mat.", "word " * 400]  # the second is cut at the model's 256-token window
    out = llm.embed(texts)
    assert out.model == "local/minilm" and out.vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(out.vectors, axis=1), 1.0, atol=1e-5)
    first = len(encoder().tokenizer(texts[0])["input_ids"])
    assert out.usage.input_tokens == first + encoder().max_seq_length
    assert out.usage.cost_usd == 0.0 and _calls()[0][:2] == ("local/minilm", "embed")


def test_a_key_in_a_text_is_redacted_even_if_the_row_is_written_later(monkeypatch):
    import threading

    from llmworks.llm import client

    secret = "live7QxZp2LmW9vTrB4eKd"  # no provider's key shape: only redaction of the known value hides it
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    gate = threading.Event()
    client._writer.submit(gate.wait)  # hold the writer thread until the key is gone from the environment
    llm.embed([f"my key is {secret}"], model=FunctionEmbedder(lambda texts: [[1.0]], dimensions=1))
    monkeypatch.delenv("OPENAI_API_KEY")
    gate.set()
    assert secret not in str(_calls()) and "[redacted]" in _calls()[0][2]
