"""Reading feeds: malformed, empty, huge, no price, HTML junk, duplicates."""

from __future__ import annotations

import pytest

from llmworks.apps.deals.feeds import FeedError, clean_html, prices_in, read_feed, read_feeds
from llmworks.apps.deals.scanner import candidates

from .helpers import FIXTURES


def test_reads_items_prices_and_clean_text():
    feed = read_feed(str(FIXTURES / "deals.xml"))
    assert feed.declared == 5 and len(feed.items) == 5 and feed.warning is None
    monitor, drill, sale, blanket, _ = feed.items
    assert monitor.price == 199.0 and monitor.category == "Monitors" and monitor.retailer == "Example"
    assert monitor.url == "https://deals.example/acme-monitor?iref=rss"
    assert "HDR10" in monitor.text and "Buy Now" not in monitor.text and "<" not in monitor.text
    assert "Features" not in monitor.text and "3840x2160" in monitor.text
    # the script is gone, "$40 off" and "w/ $35" are not prices
    assert "alert(" not in drill.text and drill.price == 59.0 and drill.prices == [59.0]
    assert sale.price is None and sale.prices == []
    assert "wool blanket & a storage bag" in blanket.text


def test_malformed_feed_with_undeclared_namespaces_is_read():
    feed = read_feed(str(FIXTURES / "undeclared.xml"))
    assert feed.declared == 2 and len(feed.items) == 2
    assert feed.items[0].price == 79.0 and feed.items[0].category == "Headphones"
    assert "malformed" in feed.warning


def test_file_url(tmp_path):
    assert len(read_feed((FIXTURES / "deals.xml").as_uri()).items) == 5


def test_empty_and_not_a_feed(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>')
    assert read_feed(str(empty)).items == []
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not xml at all")
    with pytest.raises(FeedError, match="not a readable RSS or Atom feed"):
        read_feed(str(junk))
    with pytest.raises(FeedError, match="no such feed file"):
        read_feed(str(tmp_path / "missing.xml"))
    feeds, warnings = read_feeds([str(junk), str(FIXTURES / "deals.xml")])  # one bad feed does not stop the rest
    assert len(feeds) == 1 and "junk.bin" in warnings[0]


def test_huge_feed_is_capped(tmp_path):
    items = "".join(
        f"<item><title>Gadget {n} for ${n + 1}</title><link>https://deals.example/{n}</link>"
        f"<description>{'word ' * 50}</description></item>"
        for n in range(2000)
    )
    big = tmp_path / "big.xml"
    big.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>')
    feed = read_feed(str(big))
    assert feed.declared == 2000 and len(feed.items) == 500 and "first 500" in feed.warning
    assert feed.items[9].price == 10.0


def test_duplicates_collapse_and_unpriced_items_are_not_candidates():
    feed = read_feed(str(FIXTURES / "deals.xml"))
    pool = candidates([feed])
    assert sorted(i.url.rsplit("/", 1)[1] for i in pool) == ["acme-monitor?iref=rss", "blanket", "bolt-drill"]


def test_prices_in_text():
    assert prices_in("Laptop for $1,299.99 + free shipping w/ $35") == [1299.99]
    assert prices_in("Up to $230 off, save $40, $10 credit") == []
    assert prices_in("Mini PC $540 + Free S&H") == [540.0]
    assert clean_html("<p>a &amp; b</p><style>p{}</style>") == "a & b"


def test_http_feed_through_redirects_and_private_hosts_refused(monkeypatch):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from llmworks.config import reset_settings
    from llmworks.web import FetchError

    body = (FIXTURES / "deals.xml").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/old":
                self.send_response(301)
                self.send_header("Location", "/rss")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/old"
    try:
        with pytest.raises(FetchError):  # loopback is private: refused unless allowed
            read_feed(url)
        monkeypatch.setenv("LLMWORKS_ALLOW_PRIVATE_URLS", "1")
        reset_settings()
        assert len(read_feed(url).items) == 5
    finally:
        server.shutdown()
        server.server_close()


def test_thin_items_get_their_page_text_and_a_dead_network_only_warns(no_network):
    from llmworks.apps.deals.scanner import enrich, fetch_page

    feed = read_feed(str(FIXTURES / "undeclared.xml"))
    thin = [i for i in feed.items if len(i.text) < 200]
    warnings = enrich(thin, lambda url: "Page text: 40mm drivers, USB-C charging.")
    assert "40mm drivers" in thin[0].text and warnings == []
    warnings = enrich(read_feed(str(FIXTURES / "undeclared.xml")).items, fetch_page)  # the real fetcher, no network
    assert len(warnings) == 2 and all("kept the feed text" in w for w in warnings)
