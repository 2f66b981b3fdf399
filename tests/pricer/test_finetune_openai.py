"""The OpenAI fine-tuning pipeline: the real openai SDK against recorded HTTP responses (respx)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from llmworks.apps.pricer import finetune_openai as ft
from llmworks.config import reset_settings
from llmworks.llm.errors import MissingKeyError, ProviderError

API = "https://api.openai.com/v1"
RECORDED = json.loads((Path(__file__).parent / "fixtures" / "openai_finetune.json").read_text())


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")


def test_export_is_chat_format(tmp_path, items):
    path = ft.export_jsonl(items[:3], tmp_path / "ft.jsonl")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 3
    roles = [m["role"] for m in rows[0]["messages"]]
    assert roles == ["system", "user", "assistant"]
    assert rows[0]["messages"][2]["content"] == f"Price is ${round(items[0].price)}.00"
    assert items[0].text in rows[0]["messages"][1]["content"]
    assert "Price is" not in rows[0]["messages"][1]["content"]


@respx.mock
def test_start_job_uploads_and_creates(tmp_path, items, key):
    upload = respx.post(f"{API}/files").mock(return_value=httpx.Response(200, json=RECORDED["file"]))
    create = respx.post(f"{API}/fine_tuning/jobs").mock(return_value=httpx.Response(200, json=RECORDED["job_created"]))
    path = ft.export_jsonl(items[:5], tmp_path / "ft_train.jsonl")
    job = ft.start_job(path, base_model="gpt-4o-mini-2024-07-18", epochs=1, seed=42, suffix="pricer")
    assert job.id == "ftjob-Pq4Zr9" and job.status == "validating_files"
    assert upload.called and b'name="purpose"' in upload.calls[0].request.content
    assert b"Price is $" in upload.calls[0].request.content  # the file itself went up
    body = json.loads(create.calls[0].request.content)
    assert body["training_file"] == "file-7Qx2abc"
    assert body["model"] == "gpt-4o-mini-2024-07-18"
    assert body["seed"] == 42 and body["suffix"] == "pricer"
    assert body["hyperparameters"] == {"n_epochs": 1}
    assert create.calls[0].request.headers["authorization"] == "Bearer sk-test-not-real"


@respx.mock
def test_follow_job_until_it_succeeds(key):
    respx.get(f"{API}/fine_tuning/jobs/ftjob-Pq4Zr9").mock(
        side_effect=[
            httpx.Response(200, json=RECORDED["job_running"]),
            httpx.Response(200, json=RECORDED["job_succeeded"]),
        ]
    )
    respx.get(f"{API}/fine_tuning/jobs/ftjob-Pq4Zr9/events").mock(
        side_effect=[
            httpx.Response(200, json=RECORDED["events_running"]),
            httpx.Response(200, json=RECORDED["events_done"]),
        ]
    )
    sleeps = []
    *progress, done = ft.follow("ftjob-Pq4Zr9", poll_s=5, sleep=sleeps.append)
    seen, status = [p.text for p in progress], done.result
    assert status.status == "succeeded"
    assert status.model == "ft:gpt-4o-mini-2024-07-18:org-test:pricer:AbC123"
    assert [e.split(" ", 1)[1] for e in seen] == [  # oldest first, each event once
        "Fine-tuning job started",
        "Step 1/200: training loss=2.31",
        "The job has successfully completed",
    ]
    assert sleeps == [5]


@respx.mock
def test_bad_key_is_one_clear_error(key):
    respx.get(f"{API}/fine_tuning/jobs/ftjob-x").mock(return_value=httpx.Response(401, json=RECORDED["unauthorized"]))
    with pytest.raises(ProviderError, match="401"):
        ft.job_status("ftjob-x")


def test_missing_key(monkeypatch, tmp_path):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    with pytest.raises(MissingKeyError, match="OPENAI_API_KEY"):
        ft.openai_client()


@respx.mock
def test_jobs_use_the_providers_base_url_and_its_error_mapping(key, monkeypatch):
    """The provider configuration of the model layer: LLMWORKS_OPENAI_BASE_URL moves fine-tuning too, and a 404 is
    its one-line ProviderError that names the caller, not an SDK exception."""
    monkeypatch.setenv("LLMWORKS_OPENAI_BASE_URL", "https://proxy.example.test/v1")
    route = respx.get("https://proxy.example.test/v1/fine_tuning/jobs/ftjob-gone").mock(
        return_value=httpx.Response(404, json={"error": {"message": "No such job: ftjob-gone", "type": "invalid"}})
    )
    with pytest.raises(ProviderError, match=r"^OpenAI fine-tuning: the provider does not know .*No such job") as e:
        ft.job_status("ftjob-gone")
    assert route.called and e.value.status_code == 404


def test_an_unreachable_api_is_a_network_error(key, monkeypatch):
    from llmworks.llm.errors import NetworkError

    monkeypatch.setenv("LLMWORKS_MAX_RETRIES", "0")
    monkeypatch.setenv("LLMWORKS_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # discard port: nothing listens
    reset_settings()
    with pytest.raises(
        NetworkError,
        match=r"OpenAI fine-tuning: cannot reach http://127.0.0.1:9/v1 - check the "
        r"network\.$",
    ):
        ft.job_status("ftjob-x")
