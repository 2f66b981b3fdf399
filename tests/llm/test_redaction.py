"""Keys never reach logs.db or the terminal: every column is redacted, keys from ./.env count, error bodies too.

The keys here have no provider's usual shape (no `sk-` prefix), so only redaction of the known values can hide them.
"""

from __future__ import annotations

import base64
import io
import json
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest
import respx

from llmworks import llm
from llmworks.config import get_settings, reset_settings
from llmworks.llm.log import redact

URL = "https://api.openai.com/v1/chat/completions"
KEY = "live7QxZp2LmW9vTrB4eKd"


@pytest.fixture(autouse=True)
def fresh_clients(monkeypatch):
    monkeypatch.setenv("LLMWORKS_MAX_RETRIES", "0")
    reset_settings()  # remote clients are made per key and settings: a fresh one with these


def completion(text: str, tool_args: dict | None = None) -> dict:
    message = {"role": "assistant", "content": text}
    if tool_args is not None:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": json.dumps(tool_args)}}
        ]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1763900000,
        "model": "gpt-4.1-mini",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    }


def logged_text() -> str:
    """Every column of every logged call, as one string."""
    db = sqlite3.connect(get_settings().logs_db)
    try:
        return "\n".join(str(v) for row in db.execute("select * from calls") for v in row)
    finally:
        db.close()


def leaks(text: str, key: str = KEY) -> list[str]:
    forms = [key, base64.b64encode(key.encode()).decode().rstrip("="), key[:12]]
    return [f for f in forms if f in text]


@respx.mock
def test_a_response_echoing_the_key_is_redacted_in_every_column(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    echoed = (
        f"Your key is {KEY}; header Authorization: Bearer {KEY}; wrapped: tok_{KEY}_x; b64: "
        + base64.b64encode(KEY.encode()).decode()
    )
    respx.post(URL).mock(return_value=httpx.Response(200, json=completion(echoed, {"token": KEY})))
    r = llm.chat(f"Repeat my key {KEY}", model="openai/gpt-4.1-mini")
    assert KEY in r.text  # the caller gets the real reply; only the log is redacted
    stored = logged_text()
    assert "[redacted]" in stored and "Your key is" in stored  # the row is there, with the key blanked
    assert leaks(stored) == []


@pytest.mark.dotenv  # each test runs in its own empty cwd (tests/conftest.py)
@respx.mock
def test_a_key_only_in_dotenv_is_redacted_in_the_error_column(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    Path(".env").write_text(f"OPENAI_API_KEY={KEY}\n")
    route = respx.post(URL).mock(
        return_value=httpx.Response(
            400, json={"error": {"message": f"Bad request for key {KEY}", "type": "invalid_request_error"}}
        )
    )
    with pytest.raises(llm.ProviderError) as e:
        llm.chat("hi", model="openai/gpt-4.1-mini")
    assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"  # the key did come from .env
    assert leaks(str(e.value)) == []
    stored = logged_text()
    assert "provider error 400" in stored and "[redacted]" in stored
    assert leaks(stored) == []


@pytest.mark.dotenv
@respx.mock
def test_a_500_body_with_the_key_is_not_printed(monkeypatch, capsys):
    from llmworks.cli import main

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    Path(".env").write_text(f'OPENAI_API_KEY="{KEY}"\n')
    respx.post(URL).mock(
        return_value=httpx.Response(
            500, json={"error": {"message": f"upstream rejected api_key={KEY} (Authorization: Bearer {KEY})"}}
        )
    )
    with pytest.raises(llm.ProviderError) as e:  # the message itself is clean, whoever prints it
        llm.chat("hi", model="openai/gpt-4.1-mini")
    assert "provider error 500" in str(e.value) and leaks(str(e.value)) == []
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["chat", "hi", "-m", "openai/gpt-4.1-mini"]) == 1
    out, err = capsys.readouterr()
    assert "provider error 500" in err
    assert leaks(out + err) == []
    assert leaks(logged_text()) == []


def test_any_variable_named_like_a_secret_is_redacted(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hfsecretvalue12345")
    monkeypatch.setenv("LLMWORKS_UI_AUTH", "admin:correct-horse-battery")
    text = redact("a hfsecretvalue12345 b correct-horse-battery c")
    assert text == "a [redacted] b [redacted] c"


@pytest.mark.parametrize(
    "shown",
    [
        "k=a%2Bb%2Fc12345678",  # URL-encoded
        'k="a+b/c12345678"',  # as is, inside JSON
        "Authorization: Basic dXNlcjphK2IvYzEyMzQ1Njc4",  # user:key in HTTP basic auth
    ],
)
def test_a_key_in_other_encodings_is_redacted(monkeypatch, shown):
    monkeypatch.setenv("MISTRAL_API_KEY", "a+b/c12345678")
    assert "[redacted]" in redact(shown)
    assert "12345678" not in redact(shown) and "dXNlcjphK2IvYzEyMzQ1Njc4" not in redact(shown)


def test_ordinary_text_is_left_alone():
    text = "The monkey ate 12345678 bananas; tokens are pieces of text."
    assert redact(text) == text
