"""`bench serve`: vLLM's metric definitions on exact data, and the client against a fake streaming server whose
timing and concurrency are known."""

from __future__ import annotations

import json

import pytest

from llmworks.apps import loadtest
from llmworks.apps.loadtest import RequestOutput, calculate
from llmworks.apps.loadtest.client import chat_url, models_url
from llmworks.cli import main
from llmworks.errors import LlmworksError
from llmworks.events import Progress, result


def test_metrics_follow_vllms_definitions():
    outputs = [
        RequestOutput(success=True, ttft=0.1, itl=[0.02, 0.03], latency=0.15, output_tokens=3, prompt_tokens=10),
        RequestOutput(success=True, ttft=0.2, itl=[0.04], latency=0.24, output_tokens=2, prompt_tokens=6),
        RequestOutput(success=False, error="HTTP 500: boom"),
    ]
    m = calculate(outputs, duration_s=1.0, concurrency=2)
    assert (m.completed, m.failed, m.total_input_tokens, m.total_output_tokens) == (2, 1, 16, 5)
    assert m.request_throughput == 2.0 and m.output_throughput == 5.0 and m.total_token_throughput == 21.0
    assert m.mean_ttft_ms == pytest.approx(150) and m.p99_ttft_ms == pytest.approx(199)
    # TPOT per request: (E2E - TTFT) / (tokens - 1) = 25 ms and 40 ms
    assert m.mean_tpot_ms == pytest.approx(32.5) and m.median_tpot_ms == pytest.approx(32.5)
    # ITL pooled over requests: 20, 30, 40 ms
    assert m.mean_itl_ms == pytest.approx(30) and m.p99_itl_ms == pytest.approx(39.8)
    assert m.mean_e2el_ms == pytest.approx(195) and m.errors == ["HTTP 500: boom"]


def test_without_usage_the_token_count_is_the_streamed_messages():
    out = RequestOutput(success=True, ttft=0.1, itl=[0.01] * 4, latency=0.14)
    m = calculate([out], 1.0, 1)
    assert m.total_output_tokens == 5 and m.mean_tpot_ms == pytest.approx(10)


def test_a_level_where_every_request_failed_reports_zeros():
    m = calculate([RequestOutput(error="x")] * 3, 2.0, 4)
    assert m.completed == 0 and m.failed == 3 and m.request_throughput == 0 and m.mean_ttft_ms == 0


def test_urls():
    assert chat_url("http://h:8000") == chat_url("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert chat_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
    assert models_url("http://h:8000/v1/chat/completions") == "http://h:8000/v1/models"


def test_against_a_fake_server_with_known_timing(fake, server):
    events = list(loadtest.run(server, concurrency=[1, 4], requests=8, max_tokens=16))
    report = events[-1].result
    assert report.model == "fake-model"  # the server's first model, from /v1/models
    assert any(isinstance(e, Progress) and "8/8 done" in e.text for e in events)
    assert fake.requests == 1 + 2 * 8  # the warm-up, then 8 per level
    body = fake.bodies[-1]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["max_completion_tokens"] == 16 and body["model"] == "fake-model"
    one, four = report.levels
    for m in (one, four):
        assert m.completed == 8 and m.failed == 0
        assert m.total_output_tokens == 8 * fake.tokens and m.total_input_tokens == 8 * 7  # from usage
        # lower bounds the server's sleeps guarantee; the upper bound shows the usage message (0.3 s later) and
        # the ': ping' comment were not counted as tokens or as the end
        assert m.median_ttft_ms >= 50 and m.median_itl_ms >= 20
        assert 50 + 5 * 20 <= m.median_e2el_ms < 50 + 5 * 20 + 250
        assert m.median_tpot_ms == pytest.approx((m.median_e2el_ms - m.median_ttft_ms) / 4, rel=0.3)
    assert fake.max_in_flight == 4  # the semaphore let exactly 4 run at once at level 4 (and 1 at level 1)
    assert four.request_throughput > 1.5 * one.request_throughput  # parallel requests overlap on this server


def test_concurrency_one_never_overlaps(fake, server):
    result(loadtest.run(server, concurrency=[1], requests=3, model="fake-model"))
    assert fake.max_in_flight == 1


def test_extra_body_fields_reach_the_server_in_every_request(fake, server):
    sampler = {"dry_multiplier": 0.8, "dry_base": 1.75}  # how serve_anchor gives a raw llama.cpp our sampler
    result(loadtest.run(server, concurrency=[1], requests=2, model="fake-model", extra_body=sampler))
    assert len(fake.bodies) == 3 and all(b["dry_multiplier"] == 0.8 and b["dry_base"] == 1.75 for b in fake.bodies)


def test_failed_requests_are_counted_not_raised(fake, server):
    fake.tokens = 2
    prompts = ["hello", "please fail", "hello again"]
    report = result(loadtest.run(server, concurrency=[2], requests=6, prompts=prompts, model="fake-model"))
    m = report.levels[0]
    # the warm-up took prompt 1; the level cycles 'please fail', 'hello again', 'hello', …
    assert m.completed == 4 and m.failed == 2 and m.errors[0].startswith("HTTP 500: ")
    assert "scripted failure" in m.errors[0]


def test_key_is_sent_and_a_refused_warm_up_names_the_fix(fake, server):
    fake.key = "sk-local"
    with pytest.raises(LlmworksError, match=r"warm-up request .* failed: HTTP 401.*--api-key"):
        result(loadtest.run(server, concurrency=[1], requests=1, model="fake-model"))
    report = result(loadtest.run(server, concurrency=[1], requests=1, model="fake-model", api_key="sk-local"))
    assert report.levels[0].completed == 1


def test_unreachable_server_names_the_model_option():
    with pytest.raises(LlmworksError, match="--model"):
        result(loadtest.run("http://127.0.0.1:9", concurrency=[1], requests=1))


def test_cli_table_and_json(fake, server, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["bench", "serve", "--url", server, "-c", "1,2", "-n", "2", "--max-tokens", "8"]) == 0
    out = capsys.readouterr().out
    assert "concurrency 1" in out and "concurrency 2" in out and "Median TTFT (ms)" in out and "P99 E2EL (ms)" in out
    assert main(["bench", "serve", "--url", server, "-c", "2", "-n", "2", "--json", "--ignore-eos", "-t", "0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == "fake-model" and data["levels"][0]["completed"] == 2
    assert fake.bodies[-1]["ignore_eos"] is True and fake.bodies[-1]["temperature"] == 0
    assert main(["bench", "serve", "--url", server, "-c", "1,x"]) == 2  # a usage error
