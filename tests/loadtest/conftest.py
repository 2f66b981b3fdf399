"""A fake OpenAI-compatible chat server on 127.0.0.1 that streams with known timing and counts what it sees."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Fake:
    """The server's script and what it observed."""

    ttft = 0.05  # before the first message (a role-only message, as vLLM and llama.cpp send)
    itl = 0.02  # between token messages
    tokens = 5  # token messages after the role message
    usage_delay = 0.3  # before the trailing usage message, which must not count in the latency
    key: str | None = None

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = self.requests = 0
        self.bodies: list[dict] = []


def _handler(fake: Fake):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):
            if self.path == "/v1/models":
                self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if fake.key and self.headers.get("Authorization") != f"Bearer {fake.key}":
                return self._json(401, {"error": {"message": "invalid api key"}})
            if "fail" in body["messages"][-1]["content"]:
                return self._json(500, {"error": {"message": "scripted failure"}})
            with fake.lock:
                fake.requests += 1
                fake.bodies.append(body)
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                time.sleep(fake.ttft)
                self._event({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
                self.wfile.write(b": ping\n\n")
                for i in range(fake.tokens):
                    time.sleep(fake.itl)
                    self._event({"choices": [{"index": 0, "delta": {"content": f"t{i} "}}]})
                time.sleep(fake.usage_delay)
                self._event({"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": fake.tokens}})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            finally:
                with fake.lock:
                    fake.in_flight -= 1

        def _event(self, data: dict):
            self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        def _json(self, status: int, data: dict):
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@contextmanager
def serve(fake: Fake):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake():
    return Fake()


@pytest.fixture
def server(fake):
    with serve(fake) as url:
        yield url
