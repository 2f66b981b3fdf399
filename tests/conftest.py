"""Test-wide guards: a private data dir per test, and no real provider reachable by accident."""

from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path

import pytest

# Keys of real providers never reach the tests (recorded-HTTP tests set their own fake ones).
for _var in ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY",
             "GROQ_API_KEY", "DEEPSEEK_API_KEY", "MISTRAL_API_KEY"]:
    os.environ.pop(_var, None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def llmworks_home(tmp_path_factory, monkeypatch):
    """Every test gets its own LLMWORKS_HOME, so call logs and databases never leak between tests."""
    home = tmp_path_factory.mktemp("llmworks_home")
    monkeypatch.setenv("LLMWORKS_HOME", str(home))
    monkeypatch.delenv("LLMWORKS_MODEL", raising=False)
    from llmworks.config import reset_settings

    reset_settings()
    yield home
    reset_settings()


@pytest.fixture
def no_network(monkeypatch):
    """Cut the process off from the network: any connection except to a Unix socket fails at once."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(OSError("network disabled")))
    yield


# The fixture company site (tests/web/fixture_site.py), shared by the web and UI tests; loaded by path because
# the tests are not a package.
_site_spec = importlib.util.spec_from_file_location("fixture_site", Path(__file__).parent / "web" / "fixture_site.py")
fixture_site = importlib.util.module_from_spec(_site_spec)
_site_spec.loader.exec_module(fixture_site)


@pytest.fixture(scope="session")
def site_url():
    """Base URL of the fixture company site on 127.0.0.1."""
    with fixture_site.serve() as url:
        yield url


@pytest.fixture
def allow_private(monkeypatch):
    """Let the fetcher reach the fixture site on localhost (the guard refuses it by default)."""
    from llmworks.config import reset_settings

    monkeypatch.setenv("LLMWORKS_ALLOW_PRIVATE_URLS", "1")
    reset_settings()
    yield
    reset_settings()
