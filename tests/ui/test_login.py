"""Serving beyond this machine needs a login, and failed logins are rate-limited (per user and per address)."""

from __future__ import annotations

import socket

import httpx
import pytest

from llmworks.config import reset_settings
from llmworks.hosts import is_loopback
from llmworks.llm import LLMError
from llmworks.ui import launch_options
from llmworks.ui.login import LoginThrottle, PasswordCheck, check_exposure


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("myhost.lan", False),
        ("", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host, share", [("0.0.0.0", False), ("::", False), ("10.0.0.2", False), ("127.0.0.1", True)])
def test_exposed_without_a_login_refuses_to_start(host, share):
    with pytest.raises(LLMError, match="--insecure-no-auth") as e:
        launch_options(host=host, share=share)
    assert "LLMWORKS_UI_AUTH" in str(e.value) and "\n" not in str(e.value)


def test_exposed_with_a_login_or_the_explicit_flag_starts():
    check_exposure("127.0.0.1", share=False, auth=None, insecure_no_auth=False)
    check_exposure("0.0.0.0", share=False, auth=None, insecure_no_auth=True)
    options = launch_options(host="0.0.0.0", auth=("ana", "s3cret-pw"))
    assert options["server_name"] == "0.0.0.0" and isinstance(options["auth"], PasswordCheck)
    assert options["app_kwargs"]["middleware"]  # the per-address limiter in front of /login
    assert "auth" not in launch_options(host="0.0.0.0", insecure_no_auth=True)


def test_cli_refuses_0000_without_auth(monkeypatch, capsys):
    import llmworks.ui
    from llmworks.cli import main

    monkeypatch.delenv("LLMWORKS_UI_AUTH", raising=False)
    served = []
    monkeypatch.setattr(llmworks.ui, "build_app", lambda: served.append("built"))  # would serve if reached
    assert main(["ui", "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err
    assert "without a login" in err and "--insecure-no-auth" in err and not served


def test_cli_passes_the_flag_and_auth(monkeypatch, capsys):
    import llmworks.ui
    from llmworks.cli import main

    calls = []
    monkeypatch.setattr(llmworks.ui, "launch", lambda **kw: calls.append(kw))  # no server in a unit test
    monkeypatch.setenv("LLMWORKS_UI_AUTH", "ana:s3cret")
    assert main(["ui"]) == 0
    assert calls[-1] == {
        "host": "127.0.0.1",
        "port": 7860,
        "share": False,
        "auth": ("ana", "s3cret"),
        "insecure_no_auth": False,
    }
    monkeypatch.delenv("LLMWORKS_UI_AUTH")
    reset_settings()
    assert main(["ui", "--host", "0.0.0.0", "--insecure-no-auth"]) == 0
    assert calls[-1]["insecure_no_auth"] is True and calls[-1]["auth"] is None
    assert "without a login" in capsys.readouterr().err


def test_throttle_locks_after_five_failures_and_doubles():
    clock = Clock()
    throttle = LoginThrottle(free=5, base_s=30, max_s=120, clock=clock)
    for _ in range(4):
        throttle.failed("k")
    assert throttle.wait_s("k") == 0
    throttle.failed("k")
    assert throttle.wait_s("k") == 30
    clock.now += 30
    throttle.failed("k")
    assert throttle.wait_s("k") == 60
    clock.now += 60
    throttle.failed("k")
    throttle.failed("k")
    assert throttle.wait_s("k") == 120  # capped
    throttle.succeeded("k")
    assert throttle.wait_s("k") == 0


def test_password_check_refuses_even_the_right_password_while_locked():
    clock = Clock()
    check = PasswordCheck("ana", "s3cret-pw", LoginThrottle(clock=clock))
    assert check("ana", "s3cret-pw")
    for guess in range(5):
        assert not check("ana", f"guess{guess}")
    assert not check("ana", "s3cret-pw")  # locked: guessing right now gains nothing
    clock.now += 31
    assert check("ana", "s3cret-pw")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gradio_login_is_rate_limited_per_address():
    """The real gradio server: five wrong passwords from one address, then 429 even with the right one."""
    import gradio as gr

    with gr.Blocks() as demo:
        gr.Markdown("hello")
    options = launch_options(host="127.0.0.1", port=_free_port(), auth=("ana", "s3cret-pw"))
    clock = Clock()
    throttle = options["auth"].throttle
    throttle.clock = clock
    _, url, _ = demo.launch(**options, prevent_thread_lock=True, quiet=True)
    try:
        with httpx.Client(base_url=url.rstrip("/"), timeout=10) as http:

            def login(user, password):
                return http.post("/login", data={"username": user, "password": password}).status_code

            assert login("ana", "s3cret-pw") == 200
            assert [login(f"user{i}", "wrong") for i in range(5)] == [400] * 5  # a different name each time
            assert login("ana", "s3cret-pw") == 429  # the address is locked out, whatever it tries
            response = http.post("/login", data={"username": "ana", "password": "s3cret-pw"})
            assert "try again in 30 s" in response.json()["detail"] and response.headers["retry-after"] == "30"
            clock.now += 31
            assert login("ana", "s3cret-pw") == 200
    finally:
        demo.close()


@pytest.mark.dotenv
def test_the_login_can_live_in_dotenv(monkeypatch, tmp_path):
    """LLMWORKS_UI_AUTH in ./.env is honoured like every other setting (the command used to read os.environ only)."""
    import llmworks.ui
    from llmworks.cli import main

    monkeypatch.delenv("LLMWORKS_UI_AUTH", raising=False)
    (tmp_path / ".env").write_text("LLMWORKS_UI_AUTH=ana:from-dotenv\n")
    monkeypatch.chdir(tmp_path)
    reset_settings()
    seen = {}
    monkeypatch.setattr(llmworks.ui, "launch", lambda **kw: seen.update(kw))
    assert main(["ui", "--host", "0.0.0.0"]) == 0
    assert seen["auth"] == ("ana", "from-dotenv")
