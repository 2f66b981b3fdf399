"""Test-wide guards: a private data dir and working directory per test, no key from the environment or a `.env`
file, and no connection beyond this machine."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import socket
from pathlib import Path

import pytest

from llmworks.llm.catalog import PROVIDERS

# Keys of real providers never reach the tests (recorded-HTTP tests set their own fake ones), nor base URLs that
# point a provider at some real server.
for _provider in PROVIDERS.values():
    for _var in (*_provider.key_env, f"LLMWORKS_{_provider.name.upper().replace('-', '_')}_BASE_URL"):
        os.environ.pop(_var, None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Embedded models joined from their PyPI parts (1.1 GB) live in the real data dir, shared, not re-joined per test.
os.environ.setdefault(
    "LLMWORKS_MODELS_DIR", str(Path(os.environ.get("LLMWORKS_HOME", Path.home() / ".llmworks")).expanduser() / "models")
)
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def pytest_configure(config):
    config.addinivalue_line("markers", "dotenv: this test may read a .env it writes into its own temporary cwd")


@pytest.fixture(autouse=True)
def no_dotenv(request, tmp_path_factory, monkeypatch):
    """A developer's ./.env (the README suggests one, with real keys) is never read by tests: every reader of
    python-dotenv (the catalog's key lookup, pydantic-settings) gets nothing, and each test runs in an empty cwd.
    A test marked `dotenv` keeps the readers, still in its own empty cwd."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    if request.node.get_closest_marker("dotenv"):
        return
    import dotenv
    import dotenv.main
    from pydantic_settings.sources.providers import dotenv as settings_dotenv

    def nothing(*args, **kwargs):
        return {}

    for module in (dotenv, dotenv.main, settings_dotenv):
        monkeypatch.setattr(module, "dotenv_values", nothing)
    for module in (dotenv, dotenv.main):
        monkeypatch.setattr(module, "load_dotenv", lambda *a, **k: False)


def _loopback(family, address) -> bool:
    if family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:  # any other name may resolve anywhere
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Fail any test that opens a connection beyond this machine (a real provider, a real web page): the connect
    raises, and the test fails at teardown even if the code under test swallowed the error. Recorded HTTP (respx)
    never opens a socket; the fixture site and local servers live on 127.0.0.1."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create_connection = socket.create_connection

    def refuse(family, address):
        attempts.append(repr(address))
        raise OSError(f"tests may not reach {address!r}: only loopback connections are allowed")

    def connect(self, address):
        if not _loopback(self.family, address):
            refuse(self.family, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        if not _loopback(self.family, address):
            refuse(self.family, address)
        return real_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        if not _loopback(socket.AF_INET, address):
            refuse(socket.AF_INET, address)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield attempts
    if attempts:
        pytest.fail(f"the test tried to open a non-loopback connection: {', '.join(attempts)}", pytrace=False)


@pytest.fixture(autouse=True)
def llmworks_home(request, tmp_path_factory, monkeypatch):
    """Every test gets its own LLMWORKS_HOME, so call logs and databases never leak between tests."""
    home = tmp_path_factory.mktemp("llmworks_home")
    monkeypatch.setenv("LLMWORKS_HOME", str(home))
    monkeypatch.setenv("LLMWORKS_CACHE_DIR", str(home / "cache"))  # the machine-wide embedding cache, private too
    # the fast 135M model wherever the model does not matter; tests of the default or of quality name
    # local/qwen2.5-1.5b and are marked slow. A `dotenv` test's .env may set the model: the env var would win.
    if request.node.get_closest_marker("dotenv"):
        monkeypatch.delenv("LLMWORKS_MODEL", raising=False)
    else:
        monkeypatch.setenv("LLMWORKS_MODEL", "local/smollm2")
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
