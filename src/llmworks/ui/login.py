"""Who may serve the workbench beyond this machine, and how hard a password can be guessed.

Gradio checks a login with `auth=callable(user, password) -> bool` and never tells the callable who is asking, so
failures are throttled twice: per user name in the callable, and per client address in an ASGI middleware in
front of gradio's POST /login. After `free` failures in a row a key is locked out, for a time that doubles with
each further failure; while locked, even the right password is refused (so guessing gains nothing).
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections.abc import Callable

from llmworks.hosts import is_loopback
from llmworks.llm.errors import LLMError

AUTH_ENV = "LLMWORKS_UI_AUTH"


def check_exposure(host: str, *, share: bool, auth: tuple[str, str] | None, insecure_no_auth: bool) -> None:
    """Refuse to serve beyond loopback (or through a share link) without a login, unless the operator insists."""
    if auth is not None or insecure_no_auth or (is_loopback(host) and not share):
        return
    where = "a public share link" if share else host
    raise LLMError(
        f"Refusing to serve on {where} without a login: anyone who reaches it could use the data dir and "
        f"spend your API keys. Set {AUTH_ENV}=user:password (or --auth), or pass --insecure-no-auth."
    )


class LoginThrottle:
    """Consecutive failures per key; a success clears the key."""

    def __init__(
        self,
        *,
        free: int = 5,
        base_s: float = 30.0,
        max_s: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ):
        self.free, self.base_s, self.max_s, self.clock, self.max_keys = free, base_s, max_s, clock, max_keys
        self._state: dict[str, tuple[int, float]] = {}  # key → (failures in a row, locked until)
        self._lock = threading.Lock()

    def wait_s(self, key: str) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            _, until = self._state.get(key, (0, 0.0))
        return max(0.0, until - self.clock())

    def failed(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            if len(self._state) >= self.max_keys:  # many names or addresses: forget those not locked out
                self._state = {k: v for k, v in self._state.items() if v[1] > now}
            failures = self._state.get(key, (0, 0.0))[0] + 1
            until = now + min(self.max_s, self.base_s * 2 ** (failures - self.free)) if failures >= self.free else 0.0
            self._state[key] = (failures, until)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._state.pop(key, None)


class PasswordCheck:
    """gradio's `auth` callable: one user:password, compared in constant time, throttled per user name."""

    def __init__(self, user: str, password: str, throttle: LoginThrottle):
        self._user, self._password, self.throttle = user.encode(), password.encode(), throttle

    def __call__(self, username: str, password: str) -> bool:
        key = f"user:{username}"
        if self.throttle.wait_s(key) > 0:
            return False
        ok = hmac.compare_digest(username.encode(), self._user) & hmac.compare_digest(password.encode(), self._password)
        (self.throttle.succeeded if ok else self.throttle.failed)(key)
        return ok


class LoginRateLimit:
    """ASGI middleware: answers 429 to POST …/login from a client address that is locked out, and counts that
    address's failed logins (gradio answers 400 to wrong credentials)."""

    def __init__(self, app, throttle: LoginThrottle):
        self.app, self.throttle = app, throttle

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        key = f"ip:{(scope.get('client') or ('unknown',))[0]}"
        wait = self.throttle.wait_s(key)
        if wait > 0:
            from starlette.responses import JSONResponse

            seconds = math.ceil(wait)
            response = JSONResponse(
                {"detail": f"Too many failed logins: try again in {seconds} s."},
                status_code=429,
                headers={"Retry-After": str(seconds)},
            )
            return await response(scope, receive, send)
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") == 200:
            self.throttle.succeeded(key)
        elif status.get("code") == 400:
            self.throttle.failed(key)


def login_options(auth: tuple[str, str] | None, throttle: LoginThrottle | None = None) -> dict:
    """gradio `launch()` keywords for a throttled login; none when there is no login."""
    if auth is None:
        return {}
    from starlette.middleware import Middleware

    throttle = throttle or LoginThrottle()
    return {
        "auth": PasswordCheck(*auth, throttle),
        "app_kwargs": {"middleware": [Middleware(LoginRateLimit, throttle=throttle)]},
    }
