"""The offline tiers: catalog entries, the default, readiness that tells the truth, one resident engine, and the
default model translating for real."""

from __future__ import annotations

import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from llmworks import llm
from llmworks.cli import main
from llmworks.config import get_settings, reset_settings
from llmworks.llm import catalog

TIERS = ["local/qwen2.5-1.5b", "local/qwen2.5-0.5b", "local/smollm2"]


def test_the_tiers_are_in_the_catalog_with_size_speed_window_and_cap():
    infos = [catalog.find(name) for name in TIERS]
    assert [i.speed for i in infos] == ["slow", "medium", "fast"]
    assert [i.weights.size for i in infos] == [1_117_320_768, 491_400_064, 98_362_432]
    assert all(i.context_window == 8192 and i.max_output and i.json_schema and i.tools and i.embedded for i in infos)
    assert catalog.find("qwen2.5-1.5b") is infos[0]


def test_the_default_model_is_the_1_5b_and_tests_pin_the_fast_one(monkeypatch):
    assert get_settings().model == "local/smollm2"  # tests/conftest.py: the model does not matter here
    monkeypatch.delenv("LLMWORKS_MODEL")
    reset_settings()
    assert get_settings().model == "local/qwen2.5-1.5b"


# -- readiness of local servers: a live probe ---------------------------------------------------------------------


@contextmanager
def openai_server(models=("qwen2.5:1.5b",), delay: float = 0.0):
    """A tiny OpenAI-compatible server on 127.0.0.1 answering GET /v1/models."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(delay)
            if self.path != "/v1/models":
                self.send_error(404)
                return
            body = json.dumps({"object": "list", "data": [{"id": m, "object": "model"} for m in models]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_answers_is_ready_and_lists_its_models(monkeypatch):
    with openai_server(["llama3.2", "qwen2.5:1.5b"]) as url:
        monkeypatch.setenv("LLMWORKS_VLLM_BASE_URL", url)
        assert catalog.readiness(catalog.find("vllm/llama3.2")) == "yes (serves llama3.2, qwen2.5:1.5b)"


def test_no_server_names_the_url_tried(monkeypatch):
    url = f"http://127.0.0.1:{_free_port()}/v1"
    monkeypatch.setenv("LLMWORKS_OLLAMA_BASE_URL", url)
    assert catalog.readiness(catalog.find("ollama/llama3.2")) == f"no server at {url}"


def test_a_server_that_hangs_is_not_ready_within_a_second(monkeypatch):
    with openai_server(delay=3) as url:
        monkeypatch.setenv("LLMWORKS_LLAMACPP_BASE_URL", url)
        started = time.perf_counter()
        assert catalog.readiness(catalog.find("llamacpp/any")) == f"no server at {url}"
        assert time.perf_counter() - started < 1.5


def test_a_page_that_is_not_an_openai_server_is_not_ready(monkeypatch):
    with openai_server() as url:
        monkeypatch.setenv("LLMWORKS_LMSTUDIO_BASE_URL", url.removesuffix("/v1") + "/elsewhere")
        assert catalog.readiness(catalog.find("lmstudio/x")).startswith("no server at ")


def test_models_command_shows_tiers_and_probes_servers(monkeypatch, capsys):
    down = f"http://127.0.0.1:{_free_port()}/v1"
    monkeypatch.setenv("LLMWORKS_OLLAMA_BASE_URL", down)
    with openai_server(["served-model"]) as up:
        monkeypatch.setenv("LLMWORKS_VLLM_BASE_URL", up)
        monkeypatch.setattr("rich.console.Console.width", 250, raising=False)
        assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()

    def row(prefix):
        return next(line for line in lines if line.strip("│ ").startswith(prefix))

    assert "1.12 GB" in row("local/qwen2.5-1.5b") and "slow" in row("local/qwen2.5-1.5b")
    assert "0.10 GB" in row("local/smollm2") and "fast" in row("local/smollm2")
    assert f"no server at {down}" in row("ollama/llama3.2")
    assert "yes (serves served-model)" in row("vllm/…")
    assert main(["models", "--ready"]) == 0
    ready = capsys.readouterr().out
    assert "ollama/" not in ready and "local/smollm2" in ready


# -- the real engines -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_one_engine_is_resident_and_a_switch_frees_the_previous_one():
    """Measured in a fresh process: loading the 0.5B then SmolLM2 gives back the 0.5B's memory."""
    script = """
import sys
from llmworks import llm
from llmworks.llm.providers import embedded

def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024

llm.chat("hi", model="local/qwen2.5-0.5b", max_tokens=3)
big, first = rss(), embedded.resident()
llm.chat("hi", model="local/smollm2", max_tokens=3)
print(big, rss(), first.endswith("0.5b-instruct-q4_k_m.gguf"), embedded.resident().endswith("Q4_1.gguf"))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LLMWORKS_THREADS": "1"},
    )
    big, small, was_big, is_small = out.stdout.split()
    assert was_big == is_small == "True"
    assert int(small) < int(big) - 200, (big, small)  # the 0.5B's ~490 MB of weights went back


@pytest.mark.slow
def test_a_switch_waits_for_the_stream_in_flight(no_network):
    """A reply streaming on one model is not cut when another model is asked for: the switch waits for it."""
    s = llm.stream("Tell me a long story about dragons.", model="local/smollm2", max_tokens=40, temperature=0)
    it = iter(s)
    head = [next(it), next(it)]
    other = llm.chat("Say hi.", model="local/qwen2.5-0.5b", max_tokens=4)
    rest = list(it)
    assert other.usage.output_tokens <= 4 and other.model == "local/qwen2.5-0.5b"
    assert s.response.text == "".join(head + rest) and s.response.usage.output_tokens == 40
    assert s.response.finish_reason == "length"


@pytest.mark.slow
def test_the_default_model_translates_and_ends_in_under_30_seconds(no_network):
    """The issue's first impression, as a new user types it: a French sentence, and the command ends."""
    env = {k: v for k, v in os.environ.items() if k != "LLMWORKS_MODEL"}  # the real default
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "llmworks", "chat", "-s", "Translate to French", "-u"],
        input="hello world\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    elapsed = time.perf_counter() - started
    assert out.returncode == 0, out.stderr
    assert re.search(r"bonjour|monde", out.stdout, re.IGNORECASE), out.stdout
    assert "local/qwen2.5-1.5b" in out.stderr and elapsed < 30, (elapsed, out.stderr)
