import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("web_fixture_site", Path(__file__).with_name("fixture_site.py"))
fixture_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_site)


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
