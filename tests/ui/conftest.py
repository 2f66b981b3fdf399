import importlib.util
from pathlib import Path

import pytest

# The fixture company site lives with the web tests; load it by path (tests are not a package).
_path = Path(__file__).parents[1] / "web" / "fixture_site.py"
_spec = importlib.util.spec_from_file_location("ui_fixture_site", _path)
fixture_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_site)


@pytest.fixture(scope="session")
def site_url():
    with fixture_site.serve() as url:
        yield url


@pytest.fixture
def allow_private(monkeypatch):
    from llmworks.config import reset_settings

    monkeypatch.setenv("LLMWORKS_ALLOW_PRIVATE_URLS", "1")
    reset_settings()
    yield
    reset_settings()
