"""A real server on loopback (uvicorn in a thread) for the real `openai` SDK to talk to."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from llmworks.server import ServerConfig, create_app


@contextmanager
def running(config: ServerConfig) -> Iterator[str]:
    """The base URL of a server with `config`, stopped on exit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def serve():
    """serve(**config) → base URL; every server started is stopped after the test."""
    with_stack = []

    def start(**options) -> str:
        cm = running(ServerConfig(**options))
        with_stack.append(cm)
        return cm.__enter__()

    yield start
    for cm in reversed(with_stack):
        cm.__exit__(None, None, None)


def client(base: str, key: str = "unused", **options):
    import openai

    return openai.OpenAI(base_url=f"{base}/v1", api_key=key, max_retries=0, **options)


def get(base: str, path: str, **options) -> httpx.Response:
    return httpx.get(base + path, timeout=10, **options)
