"""Deal feeds in: RSS/Atom (files, file:// or http(s) URLs) read with feedparser into `FeedItem`s, with the prices
each item states.

    feed = read_feed("../shared/data/deals/dfischel/dealnews.xml")
    feed.items[0].title, feed.items[0].price, feed.items[0].prices     # the clear price, and every $ amount stated
    feed.declared                                                      # <item>/<entry> tags in the file

feedparser falls back to its loose parser on XML that strict parsers reject (undeclared `dealnews:` prefixes), so
such feeds are read, not rejected. It drops the text of namespaced elements that carry attributes
(`<dealnews:price currency="USD">60.00</dealnews:price>`), so those prices are read from the raw item text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from ...errors import DataError, LlmworksError

DEALNEWS = "https://www.dealnews.com/c{}/{}/?rss=1"
DEFAULT_FEEDS = [
    DEALNEWS.format(142, "Electronics"),
    DEALNEWS.format(39, "Electronics/Computers"),
    DEALNEWS.format(238, "Automotive"),
    DEALNEWS.format(858, "Home-Garden"),
    DEALNEWS.format(196, "Sports-Fitness"),
]
"""The course's DealNews categories."""
MAX_FEED_BYTES = 5_000_000
"""A feed is a few hundred kB; more is not a feed."""
MAX_ITEMS = 500
"""Items read per feed: the newest come first, and a huge feed must not swamp the model or the memory."""
TEXT_CHARS = 1500
"""An item's cleaned text is cut here: the pricer and the model need the gist, not the whole page."""

_MONEY = r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?"
_AMOUNT = re.compile(_MONEY)
# amounts that are not the item's price: "$60 off", "w/ $35", "up to $230", "save $40", "$10 credit"
_NOT_PRICE = re.compile(
    r"(?:(?:w/|with|over|orders? of|up to|save|saving|savings of|extra|min\.?)\s*"
    + _MONEY
    + r")|(?:"
    + _MONEY
    + r"\s*(?:off|credit|back|gift|reward|discount|or more|minimum|min\b|\+ orders))",
    re.IGNORECASE,
)
_JUNK = re.compile(r"\b(?:Buy|Shop) Now at .*$", re.IGNORECASE | re.DOTALL)
"""The retailer button at the end of a DealNews paragraph ("Buy Now at Amazon"), cut within its own text node."""
_ITEM = re.compile(r"<(item|entry)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_NS_PRICE = re.compile(r"<(?:\w+:)?price\b[^>]*>\s*([^<]+?)\s*</(?:\w+:)?price\s*>", re.IGNORECASE)
_LINK = re.compile(r"<link\b[^>]*?(?:href=[\"']([^\"']+)[\"'][^>]*)?/?>(?:\s*([^<]*?)\s*</link>)?", re.IGNORECASE)


class FeedError(DataError):
    """A feed that cannot be read at all."""


@dataclass
class FeedItem:
    """One deal as the feed states it."""

    title: str
    url: str
    text: str
    """Title, summary and features as plain text (HTML, scripts and "Buy Now" lines removed)."""
    price: float | None
    """The clear price: the feed's own price field, else the one price the title names; None if unclear."""
    prices: list[float] = field(default_factory=list)
    """Every price the item states (price field, title, text): a model's pick must name one of these."""
    category: str = ""
    retailer: str = ""
    feed: str = ""


@dataclass
class Feed:
    source: str
    items: list[FeedItem]
    declared: int
    """<item>/<entry> elements in the raw text: the denominator of the parse rate."""
    warning: str | None = None
    """Why the feed was only partly readable (malformed XML read loosely, items cut)."""


def read_feed(source: str, *, fetch=None) -> Feed:
    """Read one feed from a path, a file:// URL or an http(s) URL (through `fetch(url) -> bytes`, default
    `fetch_feed`)."""
    import feedparser

    raw = _load(source, fetch or fetch_feed)
    text = raw.decode("utf-8", errors="replace")
    declared = len(_ITEM.findall(text))
    parsed = feedparser.parse(raw, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and declared == 0 and parsed.bozo and not parsed.feed:
        why = str(parsed.get("bozo_exception") or "not RSS or Atom")
        raise FeedError(
            f"not a readable RSS or Atom feed ({why[:120]}).", "Check the path or URL points at a feed.", path=source
        )
    field_prices = _field_prices(text)
    items = [_item(e, source, field_prices) for e in parsed.entries[:MAX_ITEMS]]
    items = [i for i in items if i.title or i.url]
    warning = None
    if parsed.bozo:
        warning = f"{source}: malformed feed read loosely ({str(parsed.get('bozo_exception'))[:80]})"
    if len(parsed.entries) > MAX_ITEMS:
        warning = f"{source}: read the first {MAX_ITEMS} of {len(parsed.entries)} items"
    return Feed(source, items, declared, warning)


def fetch_feed(url: str, *, redirects: int = 5) -> bytes:
    """GET a feed from a public host (private addresses refused unless allowed, like every page fetch; each redirect
    checked again), capped in size and time. The web layer's fetcher takes HTML pages only."""
    import httpx

    from ...config import get_settings
    from ...web import USER_AGENT, FetchError, check_host

    for _ in range(redirects + 1):
        if not get_settings().allow_private_urls:
            check_host(urlparse(url).hostname or "", url=url)
        try:
            with httpx.stream("GET", url, timeout=10, headers={"User-Agent": USER_AGENT}) as r:
                if r.is_redirect:
                    url = str(r.url.join(r.headers.get("location", "")))
                    continue
                if r.status_code >= 400:
                    raise FetchError(f"{url} answered HTTP {r.status_code}.", url=url)
                body = b""
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > MAX_FEED_BYTES:
                        raise FetchError(f"{url} is over {MAX_FEED_BYTES:,} bytes: not a feed.", url=url)
                return body
        except httpx.HTTPError as e:
            raise FetchError(f"Could not reach {url}: {e or type(e).__name__}.", url=url) from e
    raise FetchError(f"{url}: more than {redirects} redirects.", url=url)


def _load(source: str, fetch) -> bytes:
    scheme = urlparse(source).scheme.lower()
    if scheme in ("http", "https"):
        return fetch(source)
    path = Path(url2pathname(urlparse(source).path)) if scheme == "file" else Path(source).expanduser()
    if not path.is_file():
        raise FeedError("no such feed file.", "Check the path, or give an http(s):// feed URL.", path=source)
    if path.stat().st_size > MAX_FEED_BYTES:
        raise FeedError(f"over {MAX_FEED_BYTES:,} bytes: not a feed.", "Give the feed itself.", path=source)
    return path.read_bytes()


def _field_prices(text: str) -> dict[str, float]:
    """link → the value of the item's own price element (`dealnews:price`), read from the raw text."""
    out = {}
    for block in _ITEM.finditer(text):
        body = block.group(0)
        price, link = _NS_PRICE.search(body), _LINK.search(body)
        if price and link:
            url = html.unescape((link.group(1) or link.group(2) or "").strip())
            value = _number(price.group(1))
            if url and value is not None:
                out[url] = value
    return out


def _item(entry, source: str, field_prices: dict[str, float]) -> FeedItem:
    title = clean_html(entry.get("title", ""))
    url = (entry.get("link") or entry.get("id") or "").strip()
    parts = [clean_html(c.get("value", "")) for c in entry.get("content", []) or []]
    summary = clean_html(entry.get("summary", ""))
    if summary and not any(summary in p for p in parts):
        parts.insert(0, summary)
    body = " ".join(p for p in parts if p and p != title)
    text = f"{title}. {body}".strip(" .") if body else title
    text = text[:TEXT_CHARS]
    stated = field_prices.get(url)
    title_prices = prices_in(title)
    price = stated if stated is not None else (title_prices[0] if len(set(title_prices)) == 1 else None)
    prices = sorted({*([stated] if stated is not None else []), *title_prices, *prices_in(body)})
    tags = [t.get("term", "") for t in entry.get("tags", []) or []]
    category = entry.get("dealnews_category") or (tags[0] if tags else "") or ""
    retailer = entry.get("dealnews_retailer") or entry.get("vendorname") or ""
    return FeedItem(title, url, text, price, prices, clean_html(str(category)), clean_html(str(retailer)), source)


def prices_in(text: str) -> list[float]:
    """The $ amounts in `text` that read as a price ("for $60", "$9.50"), not as a saving or a minimum order."""
    masked = _NOT_PRICE.sub(" ", text)
    return [v for m in _AMOUNT.finditer(masked) if (v := _number(m.group(0))) is not None]


def _number(text: str) -> float | None:
    try:
        value = float(text.replace("$", "").replace(",", "").strip())
    except ValueError:
        return None
    return value if 0 < value < 1_000_000 else None


def clean_html(value: str) -> str:
    """Plain text of an HTML fragment: tags, scripts and styles dropped, entities decoded, spaces collapsed."""
    if not value:
        return ""
    if "<" in value:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(value, "html.parser")
        for junk in soup(["script", "style", "img", "iframe", "noscript"]):
            junk.decompose()
        for header in soup.select(".content-section-header"):
            header.decompose()
        for node in soup.find_all(string=_JUNK):
            node.replace_with(_JUNK.sub("", node))
        value = soup.get_text(" ", strip=True)
    else:
        value = _JUNK.sub("", value)
    return " ".join(html.unescape(value).split())


def read_feeds(sources: list[str], *, fetch=None) -> tuple[list[Feed], list[str]]:
    """Every feed that can be read, and a warning line for each that cannot (one bad feed does not stop a scan)."""
    feeds, warnings = [], []
    for source in sources:
        try:
            feed = read_feed(source, fetch=fetch)
        except LlmworksError as e:
            warnings.append(str(e))
            continue
        feeds.append(feed)
        if feed.warning:
            warnings.append(feed.warning)
    return feeds, warnings
