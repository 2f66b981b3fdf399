"""The destination picture: honest 'no provider' offline; the real openai SDK against recorded HTTP with a key."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
import respx

from llmworks.apps.airline import images
from llmworks.apps.airline.images import NO_PROVIDER, destination_image

URL = "https://api.openai.com/v1/images/generations"
PNG = base64.b64decode(  # a real 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def fresh_cache():
    images._drawn.clear()
    yield
    images._drawn.clear()


def test_offline_without_a_provider_says_so_and_draws_nothing(no_network, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env with a key here
    pic = destination_image("Paris")
    assert pic.png is None and pic.note == NO_PROVIDER
    assert "No image provider is configured" in pic.note and "OPENAI_API_KEY" in pic.note


@respx.mock
def test_with_a_key_gpt_image_1_draws_the_city(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefghijklmnop")
    route = respx.post(URL).mock(
        return_value=httpx.Response(
            200, json={"created": 1760000000, "data": [{"b64_json": base64.b64encode(PNG).decode()}]}
        )
    )
    pic = destination_image("Zürich")
    sent = json.loads(route.calls.last.request.content)
    assert sent["model"] == "gpt-image-1" and "Zürich" in sent["prompt"] and sent["n"] == 1
    assert pic.png == PNG and pic.png.startswith(b"\x89PNG") and "gpt-image-1" in pic.note
    assert destination_image("Zürich") == pic and route.call_count == 1  # one paid picture per city


@respx.mock
def test_a_provider_refusal_is_a_note_not_a_crash(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefghijklmnop")
    monkeypatch.setenv("LLMWORKS_MAX_RETRIES", "0")
    respx.post(URL).mock(
        return_value=httpx.Response(
            400,
            json={"error": {"message": "Your request was rejected by the safety system.", "type": "invalid_request"}},
        )
    )
    pic = destination_image("Paris")
    assert pic.png is None and "400" in pic.note and "safety system" in pic.note
