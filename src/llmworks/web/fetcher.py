"""Fetch one web page safely: only public http(s) hosts, bounded time, size and redirects, HTML only.

Server-side request forgery guard: every hop's host is resolved and refused when any of its addresses is not
global (private, loopback, link-local, CGNAT, reserved), including IPv6 forms that carry an IPv4 address (mapped,
NAT64, 6to4, Teredo, IPv4-compatible). The connection then goes to the address that was checked
(TLS still verifies the real host name), so a DNS answer that changes between check and connect cannot slip
through. `allow_private=True` or LLMWORKS_ALLOW_PRIVATE_URLS=1 lifts the guard (tests serve fixtures on localhost).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from .errors import (
    BlockedAddressError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    NotHTMLError,
    PageTooLargeError,
)

# A browser-like agent: many sites answer bare HTTP clients with a bot wall; the suffix says who we are.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 llmworks/0.1"
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
TIMEOUT_S = 10.0  # whole download, not only per read: a server dripping bytes cannot hold us longer
MAX_BYTES = 3_000_000  # readable pages are far smaller; a bigger one is a dump or a file
MAX_REDIRECTS = 5


@dataclass
class RawPage:
    url: str
    """Final URL, after redirects."""
    body: bytes
    content_type: str
    charset: str | None
    status_code: int


def fetch_raw(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool | None = None,
) -> RawPage:
    """GET an HTML page within the limits, following at most `max_redirects` redirects (each one re-checked)."""
    if allow_private is None:
        from ..config import get_settings

        allow_private = get_settings().allow_private_urls
    deadline = time.monotonic() + timeout
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        "Accept-Language": "en;q=0.9,*;q=0.5",
    }
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, headers=headers) as client:
        for _ in range(max_redirects + 1):
            request = _pinned_request(client, url, allow_private)
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException as e:
                raise FetchTimeoutError(f"{url} did not answer within {timeout:g} s.", url=url) from e
            except httpx.HTTPError as e:
                raise FetchError(f"Could not reach {url}: {e or type(e).__name__}. Check the address.", url=url) from e
            try:
                if response.is_redirect:
                    url = _join(url, response.headers.get("location", ""))
                    continue
                return _read(response, url, deadline, timeout, max_bytes)
            finally:
                response.close()
    raise FetchError(f"{url}: more than {max_redirects} redirects; open it in a browser to see where it goes.", url=url)


def _read(response: httpx.Response, url: str, deadline: float, timeout: float, max_bytes: int) -> RawPage:
    if response.status_code >= 400:
        hint = {
            401: "it needs a login",
            403: "the site refuses automated readers",
            404: "no such page; check the address",
            429: "the site is rate limiting; try later",
        }
        why = hint.get(response.status_code, "the site answered with an error")
        raise HTTPStatusError(
            f"{url} answered HTTP {response.status_code}: {why}.", url=url, status_code=response.status_code
        )
    content_type, _, params = response.headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    if content_type and content_type not in HTML_TYPES:
        raise NotHTMLError(f"{url} is {content_type}, not a web page (HTML); give the URL of a page instead.", url=url)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PageTooLargeError(f"{url} is {int(declared):,} bytes, over the {max_bytes:,}-byte limit.", url=url)
    chunks, size = [], 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise PageTooLargeError(f"{url} is over the {max_bytes:,}-byte limit for a page.", url=url)
            if time.monotonic() > deadline:
                raise FetchTimeoutError(f"{url} took more than {timeout:g} s to download.", url=url)
            chunks.append(chunk)
    except httpx.TimeoutException as e:
        raise FetchTimeoutError(f"{url} stopped sending within {timeout:g} s.", url=url) from e
    except httpx.HTTPError as e:
        raise FetchError(f"Reading {url} failed: {e or type(e).__name__}.", url=url) from e
    body = b"".join(chunks)
    if not content_type and not _looks_like_html(body):  # no declared type: sniff instead of trusting
        raise NotHTMLError(f"{url} does not look like a web page (HTML).", url=url)
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    return RawPage(
        url=url, body=body, content_type=content_type or "text/html", charset=charset, status_code=response.status_code
    )


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return b"\x00" not in head and (head.startswith((b"<!doctype html", b"<html")) or b"<body" in head)


def _pinned_request(client: httpx.Client, url: str, allow_private: bool) -> httpx.Request:
    """A request for `url` that connects to a checked address of its host (Host header and TLS name unchanged)."""
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url!r} is not an http(s) URL; give one like https://example.com.", url=url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        request = client.build_request("GET", url)
    except UnicodeError as e:  # idna's errors: a host name that is not valid international (IDNA) text
        raise FetchError(
            f"{url!r} is not a valid URL: its host name is not valid ({e}); check the address.", url=url
        ) from None
    except (ValueError, httpx.InvalidURL) as e:  # "Invalid IPv6 URL", "Port out of range", bad [host]
        raise FetchError(f"{url!r} is not a valid URL: {e}; check the address.", url=url) from None
    if allow_private:
        return request
    address = check_host(host, url=url, port=port)
    request.url = request.url.copy_with(host=address)
    request.headers["Host"] = parts.netloc.rpartition("@")[2]
    request.extensions["sni_hostname"] = host
    return request


def check_host(host: str, *, url: str = "", port: int = 443) -> str:
    """Resolve `host`; return one of its addresses if all are public, else raise BlockedAddressError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError:  # the idna codec refuses the name (an empty or over-long label, ...)
        raise FetchError(f"Cannot resolve {host!r}: it is not a valid host name; check the address.", url=url) from None
    except socket.gaierror as e:
        raise FetchError(f"Cannot resolve {host!r} ({e.strerror or e}); check the address.", url=url) from None
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not is_public(ip):
            raise BlockedAddressError(
                f"Refusing {url or host}: {host} is a private/loopback/link-local address ({ip}). "
                "Set LLMWORKS_ALLOW_PRIVATE_URLS=1 if you really mean to read a local or intranet page.",
                url=url,
            )
    return addresses[0]


def _join(url: str, location: str) -> str:
    try:
        return urljoin(url, location)
    except ValueError as e:  # a redirect to a malformed address ("Invalid IPv6 URL")
        raise FetchError(f"{url} redirects to {location!r}, which is not a valid URL: {e}.", url=url) from None


NAT64 = ipaddress.ip_network("64:ff9b::/96")
"""RFC 6052 well-known prefix: the last 32 bits are an IPv4 address that a NAT64 gateway connects to."""
NEVER_GLOBAL_V6 = [
    ipaddress.ip_network("::/96"),  # IPv4-compatible ::a.b.c.d (deprecated; some stacks route it to IPv4)
    ipaddress.ip_network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): a private network's translator
]


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, NAT64, 6to4 and Teredo (server and client)."""
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo:
        found += list(ip.teredo)
    if ip in NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for globally routable addresses (not private, loopback, link-local, CGNAT, multicast or reserved),
    and for IPv6 only when every IPv4 address embedded in it is public too."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:  # ::ffff:a.b.c.d is the IPv4 host itself
            return is_public(ip.ipv4_mapped)
        if any(ip in net for net in NEVER_GLOBAL_V6):
            return False
        if not all(is_public(v4) for v4 in embedded_ipv4(ip)):
            return False
    return ip.is_global and not ip.is_multicast
