"""Remote providers: the real `openai` SDK against recorded HTTP (respx), never a mock of our own client.

The recordings under recordings/ are OpenAI chat-completions responses in their wire format (JSON bodies, SSE
stream); the facts the tests rely on are restated in the test bodies.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
import respx

from llmworks import llm

REC = Path(__file__).parent / "recordings"
URL = "https://api.openai.com/v1/chat/completions"
KEY = "sk-test-abcdefghijklmnop"


def body(name: str) -> dict:
    return json.loads((REC / name).read_text())


@pytest.fixture(autouse=True)
def openai_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("LLMWORKS_MAX_RETRIES", "2")  # remote clients are made per key and settings: this test's own


@respx.mock
def test_chat_sends_the_request_and_prices_the_usage():
    route = respx.post(URL).mock(return_value=httpx.Response(200, json=body("chat_completion.json")))
    r = llm.chat("What is RAG?", model="openai/gpt-4.1-mini", system="One sentence.", max_tokens=50)
    sent = json.loads(route.calls.last.request.content)
    assert sent["model"] == "gpt-4.1-mini" and sent["max_tokens"] == 50
    assert sent["messages"][0] == {"role": "system", "content": "One sentence."}
    assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"
    assert r.text.startswith("Retrieval-augmented generation")
    assert (r.usage.input_tokens, r.usage.output_tokens) == (24, 12)
    assert r.usage.cost_usd == pytest.approx(24 * 0.4e-6 + 12 * 1.6e-6)  # $0.40 / $1.60 per million


@respx.mock
def test_streaming_chunks_arrive_as_deltas_with_usage_at_the_end():
    route = respx.post(URL).mock(
        return_value=httpx.Response(
            200, content=(REC / "stream.sse").read_bytes(), headers={"content-type": "text/event-stream"}
        )
    )
    s = llm.stream("What is a token?", model="openai/gpt-4.1-mini")
    assert list(s) == ["Tokens", " are", " pieces", " of text."]
    assert json.loads(route.calls.last.request.content)["stream_options"] == {"include_usage": True}
    assert (s.response.usage.input_tokens, s.response.usage.output_tokens) == (15, 5)
    assert s.response.finish_reason == "stop"


@respx.mock
def test_tool_round_trip_with_two_calls_in_one_turn():
    route = respx.post(URL).mock(
        side_effect=[
            httpx.Response(200, json=body("tool_calls.json")),
            httpx.Response(200, json=body("tool_answer.json")),
        ]
    )
    prices = {"paris": 899, "tokyo": 1420}

    def get_ticket_price(destination_city: str) -> dict:
        """Price of a return ticket."""
        return {"city": destination_city, "price": prices[destination_city.lower()]}

    run = llm.run_tools("Paris and Tokyo prices?", tools=[get_ticket_price], model="openai/gpt-4.1-mini")
    first, second = (json.loads(c.request.content) for c in route.calls)
    assert first["tools"][0]["function"]["name"] == "get_ticket_price" and first["tool_choice"] == "auto"
    assert [s.result for s in run.steps] == ['{"city": "Paris", "price": 899}', '{"city": "Tokyo", "price": 1420}']
    # the SDK sent back both results, each tied to the call id the API gave
    tool_msgs = [m for m in second["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_msgs] == ["call_Q1kZ8mJ2", "call_V7tN3xR9"]
    assert run.text == "A return ticket to Paris is $899 and to Tokyo $1420."
    assert run.usage.input_tokens == 81 + 160


@respx.mock
def test_429_is_retried_then_succeeds():
    route = respx.post(URL).mock(
        side_effect=[
            httpx.Response(429, json=body("error_429.json"), headers={"retry-after-ms": "10"}),
            httpx.Response(200, json=body("chat_completion.json")),
        ]
    )
    r = llm.chat("hi", model="openai/gpt-4.1-mini")
    assert route.call_count == 2 and r.text.startswith("Retrieval")


@respx.mock
def test_429_that_persists_says_so_after_the_retries():
    route = respx.post(URL).mock(
        return_value=httpx.Response(429, json=body("error_429.json"), headers={"retry-after-ms": "10"})
    )
    with pytest.raises(llm.ProviderError, match=r"rate limited.*\(429\) after 2 retries") as e:
        llm.chat("hi", model="openai/gpt-4.1-mini")
    assert route.call_count == 3 and e.value.status_code == 429


@respx.mock
def test_401_is_a_clear_error_without_the_key():
    respx.post(URL).mock(return_value=httpx.Response(401, json=body("error_401.json")))
    with pytest.raises(llm.ProviderError) as e:
        llm.chat("hi", model="openai/gpt-4.1-mini")
    message = str(e.value)
    assert "rejected the API key (401)" in message and "OPENAI_API_KEY" in message
    assert "abcdefghijklmnop" not in message and "mnop" not in message


@respx.mock
def test_context_length_error_states_tokens_and_window():
    respx.post(URL).mock(return_value=httpx.Response(400, json=body("error_context.json")))
    with pytest.raises(llm.ContextWindowError, match=r"131,245 tokens, but its context window is 128,000"):
        llm.chat("long", model="openai/gpt-4o-mini")


@respx.mock
def test_a_cut_network_fails_fast_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("LLMWORKS_MAX_RETRIES", "0")
    from llmworks.config import reset_settings

    reset_settings()
    respx.post(URL).mock(side_effect=httpx.ConnectError("Name or service not known"))
    started = time.perf_counter()
    with pytest.raises(llm.NetworkError, match="cannot reach https://api.openai.com/v1"):
        llm.chat("hi", model="openai/gpt-4.1-mini")
    assert time.perf_counter() - started < 2


@respx.mock
def test_any_openai_compatible_server_by_base_url(monkeypatch):
    monkeypatch.setenv("LLMWORKS_VLLM_BASE_URL", "http://gpu-box:8000/v1")
    route = respx.post("http://gpu-box:8000/v1/chat/completions").mock(
        return_value=httpx.Response(200, json=body("chat_completion.json"))
    )
    r = llm.chat("hi", model="vllm/Qwen/Qwen2.5-7B-Instruct")
    assert json.loads(route.calls.last.request.content)["model"] == "Qwen/Qwen2.5-7B-Instruct"
    assert r.usage.cost_usd == 0.0  # a self-hosted server costs nothing per token


@respx.mock
def test_a_vllm_server_with_its_own_fields(monkeypatch):
    """vLLM's replies carry fields OpenAI's lack (stop_reason, prompt_logprobs, kv_transfer_params, usage on every
    chunk with continuous_usage_stats); the usage that counts is the last one."""
    monkeypatch.setenv("LLMWORKS_VLLM_BASE_URL", "http://gpu-box:8000/v1")
    url = "http://gpu-box:8000/v1/chat/completions"
    route = respx.post(url).mock(return_value=httpx.Response(200, json=body("vllm_chat.json")))
    r = llm.chat("Capital of France?", model="vllm/Qwen/Qwen2.5-1.5B-Instruct")
    assert json.loads(route.calls.last.request.content)["model"] == "Qwen/Qwen2.5-1.5B-Instruct"
    assert r.text == "Paris is the capital of France." and r.finish_reason == "stop" and not r.tool_calls
    assert (r.usage.input_tokens, r.usage.output_tokens) == (31, 8) and r.usage.cost_usd == 0.0
    respx.post(url).mock(
        return_value=httpx.Response(
            200, content=(REC / "vllm_stream.sse").read_bytes(), headers={"content-type": "text/event-stream"}
        )
    )
    s = llm.stream("Three colours", model="vllm/Qwen/Qwen2.5-1.5B-Instruct")
    assert "".join(s) == "Red, green, blue."
    assert (s.response.usage.input_tokens, s.response.usage.output_tokens) == (12, 5)
