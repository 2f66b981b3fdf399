"""The messenger: an alert written by the model (two or three sentences with price, estimate, discount and link) and
delivered through Apprise URLs (`ntfy://topic`, `pover://user@token`, `mailto://…`, `json://host/path`, …).

    text = write_message(alert)                     # the model's words; missing facts appended in code
    send(text, ["json://127.0.0.1:8080/hook"], key=alert.key)   # True when every target accepted it

HTTP-style targets (`json://`, `form://`, `xml://`) get the alert key in an `X-Llmworks-Alert` header, so a
receiver can drop the repeat that a crash between send and record can cause (see memory.py).
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlparse

from ... import llm
from ...errors import LlmworksError
from .memory import Alert

TITLE = "Deal alert"
HEADER = "X-Llmworks-Alert"
SEND_TIMEOUT_S = 10
SYSTEM = (
    "You write push notifications about bargains. Write two or three short sentences: what the product is, its "
    "price, what it is estimated to be worth, and the saving. Plain text, no markdown, no greeting."
)


def facts(alert: Alert) -> str:
    pct = 100 * alert.discount / alert.estimate if alert.estimate else 0
    return (
        f"{alert.title}: ${alert.price:,.2f}, estimated worth ${alert.estimate:,.2f} "
        f"(${alert.discount:,.2f} / {pct:.0f}% below). {alert.url}"
    )


def write_message(alert: Alert, *, model=None) -> str:
    """The model's 2-3 sentences; the price, estimate and link are appended when the model left them out."""
    reply = llm.chat(facts(alert), system=SYSTEM, model=model, temperature=0.3, max_tokens=120).text
    text = " ".join(reply.split())
    missing = [
        f"${v:,.0f}" for v in (alert.price, alert.estimate) if f"{v:,.0f}" not in text.replace("$", "") and v >= 1
    ]
    if missing or not text:
        return f"{text}\n{facts(alert)}".strip()
    return text if alert.url in text else f"{text} {alert.url}"


def check_urls(urls: list[str]) -> None:
    """Refuse notification URLs Apprise cannot use, before anything is queued."""
    import apprise

    for url in urls:
        if not apprise.Apprise().add(url):
            scheme = urlparse(url).scheme or url.split(":", 1)[0]
            raise LlmworksError(
                f"Apprise cannot use the notification URL scheme {scheme!r}.",
                "Use e.g. ntfy://TOPIC, pover://USER@TOKEN, mailto://user:pass@gmail.com or json://host/path.",
            )


def send(text: str, urls: list[str], *, key: str = "", title: str = TITLE) -> tuple[bool, str]:
    """Deliver `text` to every URL: (all accepted, why not). Nothing is raised: a notifier that is down is an
    outcome the caller records and retries."""
    import apprise

    if not urls:
        return False, "no notification URL"
    target = apprise.Apprise()
    for url in urls:
        target.add(_with_key(url, key))
    log: list[str] = []
    try:
        ok = bool(
            target.notify(
                body=text,
                title=title,
                timeout=SEND_TIMEOUT_S,
                log_callback=lambda entry, plugin=None: log.append(str(getattr(entry, "message", entry))),
            )
        )
    except TypeError:  # an Apprise without per-call timeout or log callback
        ok = bool(target.notify(body=text, title=title))
    except Exception as e:  # a plugin's own failure is a failed delivery, retried later
        return False, f"{type(e).__name__}: {e}"[:300]
    return ok, "" if ok else ("; ".join(log[-2:]) or "the notifier did not accept the alert")[:300]


def _with_key(url: str, key: str) -> str:
    scheme = urlparse(url).scheme.lower()
    if not key or scheme not in ("json", "jsons", "form", "forms", "xml", "xmls"):
        return url
    return f"{url}{'&' if '?' in url else '?'}+{HEADER}={alert_digest(key)}"


def alert_digest(key: str) -> str:
    """The header value a receiver sees for an alert key (a URL may not fit in a header as it is)."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]
