"""The safe fetcher against the fixture site: what it reads, and every way a page must fail clearly."""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest

from llmworks import web
from llmworks.web import fetcher as fetch_module


def test_reads_text_title_and_absolute_links(site_url, allow_private):
    page = web.fetch(site_url + "/")
    assert page.title == "Quillfeather Robotics - robots for greenhouses"
    assert "pollinate, prune and monitor plants" in page.text
    assert "console.log" not in page.text and "font-family" not in page.text  # scripts and styles are not text
    urls = [link.url for link in page.links]
    # relative hrefs made absolute; fragments, mailto: and in-page anchors dropped; duplicates removed
    assert f"{site_url}/products.html" in urls
    assert f"{site_url}/careers" in urls
    assert "https://social.example/quillfeather" in urls
    assert all(u.startswith(("http://", "https://")) and "#" not in u for u in urls)
    assert not any(u.startswith("mailto:") for u in urls)
    assert len(urls) == len(set(urls))
    assert {link.text for link in page.links} >= {"About us", "Products", "Careers"}


def test_follows_a_redirect_and_reports_the_final_url(site_url, allow_private):
    page = web.fetch(site_url + "/old-about")
    assert page.url == f"{site_url}/about"
    assert "founded in 2017 in Tampere" in page.text


def test_redirect_loop_is_bounded(site_url, allow_private):
    with pytest.raises(web.FetchError, match="more than 2 redirects"):
        web.fetch(site_url + "/loop", max_redirects=2)


def test_404_is_a_clear_error(site_url, allow_private):
    with pytest.raises(web.HTTPStatusError, match="HTTP 404") as e:
        web.fetch(site_url + "/missing")
    assert e.value.status_code == 404


def test_timeout(site_url, allow_private):
    start = time.monotonic()
    with pytest.raises(web.FetchTimeoutError, match="within 0.5 s"):
        web.fetch(site_url + "/slow", timeout=0.5)  # the server waits 3 s before answering
    assert time.monotonic() - start < 2.5


@pytest.mark.parametrize("path", ["/logo.png", "/download"])  # declared image/png, and no content type at all
def test_binary_file_is_not_a_page(site_url, allow_private, path):
    with pytest.raises(web.NotHTMLError):
        web.fetch(site_url + path)


def test_20_mb_page_stops_at_the_cap(site_url, allow_private):
    start = time.monotonic()
    with pytest.raises(web.PageTooLargeError, match="1,000,000-byte limit"):
        web.fetch(site_url + "/huge", max_bytes=1_000_000)
    assert time.monotonic() - start < 5  # it stopped reading, it did not download 20 MB first


def test_default_cap_also_stops_the_20_mb_page(site_url, allow_private):
    with pytest.raises(web.PageTooLargeError, match=f"{fetch_module.MAX_BYTES:,}-byte limit"):
        web.fetch(site_url + "/huge")


def test_bot_wall_is_detected(site_url, allow_private):
    with pytest.raises(web.BotWallError, match="bot check"):
        web.fetch(site_url + "/botwall")


def test_javascript_only_page_is_empty(site_url, allow_private):
    with pytest.raises(web.EmptyPageError, match="no readable text"):
        web.fetch(site_url + "/empty")


def test_long_article_mentioning_captcha_is_not_a_bot_wall():
    body = "<p>" + "Captcha systems ask you to prove you are human; this essay explains how they work. " * 40 + "</p>"
    page = web.parse_html(f"<html><head><title>Essay</title></head><body>{body}</body></html>", "https://a.example/")
    assert page.title == "Essay" and "Captcha systems" in page.text


def test_local_address_refused_by_default(site_url):
    with pytest.raises(web.BlockedAddressError, match="LLMWORKS_ALLOW_PRIVATE_URLS=1"):
        web.fetch(site_url + "/")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://127.0.0.1:8080/admin",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://0x7f000001/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_loopback_and_link_local_refused(url, no_network):
    with pytest.raises(web.BlockedAddressError):
        web.fetch(url)


def test_setting_allows_private_addresses(site_url, monkeypatch):
    from llmworks.config import reset_settings

    monkeypatch.setenv("LLMWORKS_ALLOW_PRIVATE_URLS", "1")
    reset_settings()
    assert web.fetch(site_url + "/about").title == "About Quillfeather Robotics"


def test_not_http_url_refused():
    with pytest.raises(web.FetchError, match="not an http"):
        web.fetch("file:///etc/passwd")


def test_public_host_redirecting_to_metadata_address_is_refused(site_url, monkeypatch):
    """A 'public' site that redirects to 169.254.169.254 is stopped at the redirect, not followed."""
    port = int(site_url.rsplit(":", 1)[1])
    _pretend_public(monkeypatch, "site.example", "127.0.0.1")
    with pytest.raises(web.BlockedAddressError, match="169.254.169.254"):
        web.fetch(f"http://site.example:{port}/to-metadata")


def test_connection_goes_to_the_checked_address(site_url, monkeypatch):
    """DNS rebinding: the name resolves once, for the check; the connection uses that address, not a new lookup."""
    port = int(site_url.rsplit(":", 1)[1])
    lookups = _pretend_public(monkeypatch, "site.example", "127.0.0.1", once=True)
    page = web.fetch(f"http://site.example:{port}/about")
    assert page.title == "About Quillfeather Robotics"
    assert page.url == f"http://site.example:{port}/about"  # the page keeps its name; only the socket is pinned
    assert lookups == ["site.example"]


def test_user_agent_is_a_real_browser_string():
    assert web.USER_AGENT.startswith("Mozilla/5.0") and "llmworks" in web.USER_AGENT


def _pretend_public(monkeypatch, name: str, address: str, *, once: bool = False) -> list[str]:
    """Resolve `name` to `address` and treat that address as public (a stand-in for a real public host)."""
    real_getaddrinfo, lookups = socket.getaddrinfo, []

    def getaddrinfo(host, *args, **kwargs):
        if host == name:
            lookups.append(host)
            if once and len(lookups) > 1:
                raise socket.gaierror("second lookup: the connection was not pinned")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else 80))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    fake_public = ipaddress.ip_address(address)
    real_is_public = fetch_module.is_public
    monkeypatch.setattr(fetch_module, "is_public", lambda ip: ip == fake_public or real_is_public(ip))
    return lookups


def test_base_href_and_declared_charset_are_honoured():
    body = (
        "<html><head><title>Caf\u00e9 Pr\u00e9cis</title><base href='https://cdn.example/site/'></head><body>"
        "<p>" + "Nous servons un caf\u00e9 cr\u00e8me tr\u00e8s doux chaque matin. " * 4 + "</p>"
        "<a href='menu.html'>Menu</a></body></html>"
    ).encode("cp1252")
    page = web.parse_html(body, "https://cafe.example/", charset="cp1252")
    assert page.title == "Café Précis" and "café crème" in page.text
    assert [link.url for link in page.links] == ["https://cdn.example/site/menu.html"]


def test_clip_text_cuts_at_a_boundary():
    text = "First paragraph here.\n\nSecond paragraph that is much longer than the first one."
    assert web.clip_text(text, 30) == "First paragraph here.\n…"  # at the paragraph break
    assert web.clip_text(text, 45) == "First paragraph here.\n\nSecond paragraph that\n…"  # else a word break
    assert web.clip_text(text, 1000) == text


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",  # NAT64 of 169.254.169.254
        "http://[64:ff9b:1::a00:1]/",  # local-use NAT64 prefix (RFC 8215)
        "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "http://[2002:c0a8:1::1]/",  # 6to4 of 192.168.0.1
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
        "http://[::127.0.0.1]/",  # IPv4-compatible
        "http://[::10.0.0.1]/",
        "http://[::ffff:0:7f00:1]/",  # IPv4-translated
        "http://[::ffff:10.0.0.1]/",  # IPv4-mapped
    ],
)
def test_ipv6_forms_that_embed_a_private_ipv4_are_refused(url, no_network):
    with pytest.raises(web.BlockedAddressError, match="LLMWORKS_ALLOW_PRIVATE_URLS"):
        web.fetch(url)


@pytest.mark.parametrize(
    "address, public",
    [
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8: a real gateway's way to a public host
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("::ffff:8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("64:ff9b::7f00:1", False),
        ("2002:a00:1::1", False),
        ("::8.8.8.8", False),  # IPv4-compatible is deprecated: never a public destination
    ],
)
def test_embedded_ipv4_decides(address, public):
    assert fetch_module.is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://[::1/", "Invalid IPv6 URL"),
        ("http://[abc]/", "not a valid URL"),
        ("http://[::1]:99999/", "Port out of range"),
        ("http://xn--zz.com/", "host name is not valid"),
        ("http://xn--a.com/", "host name is not valid"),
        ("http://" + "a" * 70 + ".com/", "not a valid host name"),
    ],
)
def test_malformed_urls_are_one_line_fetch_errors(url, reason, no_network):
    with pytest.raises(web.FetchError, match=reason) as e:
        web.fetch(url)
    message = str(e.value)
    assert "\n" not in message and "Error" not in message  # no exception class names (IDNAError, ValueError, ...)
    assert "check the address" in message
