"""Readable text, title and absolute links from HTML; detect empty pages and bot walls.

Main text comes from trafilatura (boilerplate such as menus and footers removed); BeautifulSoup gives the title and
the links, and the text when trafilatura finds no main content on a short page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from .errors import BotWallError, EmptyPageError

MIN_TEXT_CHARS = 80  # less than a couple of sentences: nothing to summarise
# Phrases of bot checks and JavaScript walls. Only a short page is judged by them: a long article that mentions
# captchas is still an article.
BOT_WALL = re.compile(
    r"enable javascript|javascript is (?:required|disabled)|turn on javascript|you need to enable javascript"
    r"|captcha|are you a (?:robot|human)|verify (?:that )?you are (?:a )?human|checking your browser"
    r"|just a moment\.\.\.|attention required|access denied|unusual traffic|bot detection|ddos protection",
    re.IGNORECASE,
)
BOT_WALL_MAX_CHARS = 1500


@dataclass(frozen=True)
class Link:
    url: str
    """Absolute http(s) URL, fragment removed."""
    text: str


@dataclass
class Page:
    url: str
    title: str
    text: str
    """Readable main text (markdown-ish), without menus and scripts."""
    links: list[Link] = field(default_factory=list)

    def clipped(self, max_chars: int) -> str:
        """The text cut at a paragraph (or word) boundary to at most `max_chars` characters."""
        return clip_text(self.text, max_chars)


def parse_html(html: str | bytes, url: str, *, charset: str | None = None) -> Page:
    """Parse a fetched page; raise EmptyPageError / BotWallError when it holds nothing worth reading."""
    import trafilatura
    from bs4 import BeautifulSoup, UnicodeDammit

    if isinstance(html, bytes):
        html = UnicodeDammit(html, [charset] if charset else [], is_html=True).unicode_markup or ""
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    base = soup.find("base", href=True)
    base_url = urljoin(url, base["href"]) if base else url
    links = _links(soup, base_url)

    text = (
        trafilatura.extract(
            html,
            url=url,
            output_format="markdown",
            include_links=False,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
        )
        or ""
    )
    for tag in soup(["script", "style", "noscript", "template", "svg"]):
        tag.decompose()
    visible = _squash(soup.body.get_text("\n", strip=True) if soup.body else soup.get_text("\n", strip=True))
    if len(text) < MIN_TEXT_CHARS <= len(visible):  # trafilatura drops short pages it takes for boilerplate
        text = visible
    text = _squash(text)

    sample = f"{title}\n{visible}"
    if len(visible) <= BOT_WALL_MAX_CHARS and (match := BOT_WALL.search(sample)):
        raise BotWallError(
            f"{url} shows a bot check instead of its content ({match.group(0)!r}); it needs a real browser. "
            "Try another page of the site, or paste the text instead.",
            url=url,
        )
    if len(text) < MIN_TEXT_CHARS:
        raise EmptyPageError(
            f"{url} has no readable text ({len(text)} characters); it may be drawn by JavaScript or be a "
            "placeholder. Try another page of the site.",
            url=url,
        )
    return Page(url=url, title=title, text=text, links=links)


def _links(soup, base_url: str) -> list[Link]:
    seen: dict[str, Link] = {}
    for a in soup.find_all("a", href=True):
        absolute, _ = urldefrag(urljoin(base_url, a["href"].strip()))
        if urlsplit(absolute).scheme not in ("http", "https") or absolute in seen:
            continue  # mailto:, tel:, javascript: and in-page anchors are not pages
        seen[absolute] = Link(absolute, " ".join(a.get_text(" ", strip=True).split())[:120])
    return list(seen.values())


def _squash(text: str) -> str:
    """Collapse runs of blank lines and trailing spaces."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clip_text(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars`, at the last paragraph or word boundary, marked with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    for sep in ("\n\n", "\n", ". ", " "):
        i = cut.rfind(sep)
        if i > max_chars * 0.6:
            return cut[:i].rstrip() + "\n…"
    return cut.rstrip() + "…"


def chars_for_tokens(text: str, tokens: int, count_tokens) -> int:
    """How many characters of `text` fit in `tokens`, by `count_tokens` (a model's counter) on a sample, with a 15%
    margin because counts on a sample vary."""
    sample = text[:4000] or " "
    per_token = len(sample) / max(1, count_tokens(sample))
    return max(200, int(tokens * per_token * 0.85))
