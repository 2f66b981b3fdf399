"""The test-wide guards of tests/conftest.py hold: a key in ./.env never reaches a test, and no test can open a
connection beyond this machine."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from llmworks.config import get_settings, reset_settings
from llmworks.llm.catalog import PROVIDERS

DOTENV = (
    "OPENAI_API_KEY=sk-from-dotenv-0123456789\nANTHROPIC_API_KEY=sk-ant-from-dotenv\n"
    "LLMWORKS_MODEL=openai/gpt-4o\nLLMWORKS_TIMEOUT=7\n"
)


def _write_repo_root_like_dotenv() -> None:
    """The cwd as a developer's clone looks: a project file and a .env with keys, as the README suggests."""
    Path("pyproject.toml").write_text("[project]\nname = 'llmworks'\n")
    Path(".env").write_text(DOTENV)


def test_a_key_in_dotenv_is_not_seen_inside_tests():
    from llmworks.apps.airline.images import image_provider_configured

    _write_repo_root_like_dotenv()
    reset_settings()
    assert PROVIDERS["openai"].api_key() is None and PROVIDERS["anthropic"].api_key() is None
    assert not image_provider_configured()  # so tests/airline/test_ui.py can never call the paid image API
    assert get_settings().timeout == 120.0  # a setting no test pins through the environment


@pytest.mark.dotenv
def test_the_same_dotenv_is_read_when_the_guard_is_lifted():
    """The control: the readers the guard silences really do read ./.env, so the test above can fail."""
    _write_repo_root_like_dotenv()
    reset_settings()
    assert PROVIDERS["openai"].api_key() == "sk-from-dotenv-0123456789"
    assert get_settings().model == "openai/gpt-4o" and get_settings().timeout == 7.0


def test_tests_run_in_an_empty_cwd_not_the_checkout(request):
    assert Path.cwd() != request.config.rootpath and not Path(".env").exists()


def test_provider_keys_are_removed_from_the_environment():
    for provider in PROVIDERS.values():
        assert not any(os.environ.get(var) for var in provider.key_env), provider.name


def test_a_non_loopback_connection_is_refused_and_recorded(loopback_only):
    for attempt in (
        lambda: socket.create_connection(("203.0.113.7", 443), timeout=1),
        lambda: socket.create_connection(("api.openai.com", 443), timeout=1),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("192.0.2.1", 80)),
    ):
        with pytest.raises(OSError, match="only loopback connections are allowed"):
            attempt()
    # the teardown fails the test on any recorded attempt, even one the code under test swallowed
    assert len(loopback_only) == 3
    loopback_only.clear()


def test_loopback_connections_still_work():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    with socket.create_connection(("localhost", port), timeout=5), socket.create_connection(("127.0.0.1", port)):
        pass
    server.close()


@pytest.mark.dotenv
def test_a_base_url_in_dotenv_is_honoured(monkeypatch, tmp_path):
    """LLMWORKS_<PROVIDER>_BASE_URL in ./.env points the provider elsewhere, like every other setting."""
    from llmworks.llm.catalog import PROVIDERS

    monkeypatch.delenv("LLMWORKS_VLLM_BASE_URL", raising=False)
    (tmp_path / ".env").write_text("LLMWORKS_VLLM_BASE_URL=http://127.0.0.1:9/v1\n")
    monkeypatch.chdir(tmp_path)
    assert PROVIDERS["vllm"].url == "http://127.0.0.1:9/v1"
    monkeypatch.setenv("LLMWORKS_VLLM_BASE_URL", "http://127.0.0.1:10/v1")
    assert PROVIDERS["vllm"].url == "http://127.0.0.1:10/v1"
