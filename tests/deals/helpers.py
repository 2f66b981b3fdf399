"""Doubles for the deal tests: a model that picks what the listing shows, and a loopback endpoint that receives
Apprise json:// posts (it can be down, or slow to answer)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from llmworks.llm.testing import FunctionModel

FIXTURES = Path(__file__).parent / "fixtures"
LISTED = re.compile(r"url: (\S+)\nprice: \$([\d.]+)")
WORTH = {"monitor": 400.0, "drill": 80.0, "blanket": 20.0}
"""What the fixture feed's priced deals (deals.xml: $199, $59, $25) are worth to the test estimator."""


def worth(text: str) -> float:
    return next(v for k, v in WORTH.items() if k in text.lower())


def picker(edit=None, *, message: str = "A fine bargain.", name: str = "test/function", **kwargs) -> FunctionModel:
    """A model that picks every listed deal, copying url and price (`edit(deals)` may spoil them), and writes
    `message` for alerts."""

    def brain(request):
        if request.schema:
            listed = LISTED.findall(request.messages[-1]["content"])
            deals = [{"product_description": "A product.", "price": float(p), "url": u} for u, p in listed]
            return {"deals": edit(deals) if edit else deals}
        return message

    return FunctionModel(brain, name=name, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Endpoint:
    """A json:// receiver on 127.0.0.1: `posts` holds (alert header, body) in arrival order."""

    def __init__(self, port: int | None = None, delay: float = 0.0):
        self.port, self.delay = port or free_port(), delay
        self.posts: list[tuple[str | None, dict]] = []
        self.server = None

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def start(self) -> Endpoint:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                outer.posts.append((self.headers.get("X-Llmworks-Alert"), body))
                time.sleep(outer.delay)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True  # stop() does not wait for a post held open
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
