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
    from bs4 import UnicodeDammit

    if isinstance(html, bytes):
        html = UnicodeDammit(html, [charset] if charset else [], is_html=True).unicode_markup or ""
    title, text, visible, links = _extract(html, url)

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


def html_text(html: str) -> tuple[str, str]:
    """(title, text as markdown) of a local HTML document (the RAG loader): all its visible text without navigation,
    headings kept. Not trafilatura's main-text guess: a short document falls to its baseline, which drops the
    headings a chunk needs, and a document someone chose to index has no boilerplate to guess away."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "template", "svg"]):
        tag.decompose()
    return title, _squash(_markdown_of(soup))


def _extract(html: str, url: str) -> tuple[str, str, str, list[Link]]:
    """(title, text, visible text, links): trafilatura's main text as markdown or, when it finds too little (short
    pages look like boilerplate to it), the visible text with headings and list items kept as markdown."""
    import trafilatura
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    base = soup.find("base", href=True)
    links = _links(soup, urljoin(url, base["href"]) if base else url)
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
    if len(text) < MIN_TEXT_CHARS <= len(visible) or not text:
        text = _markdown_of(soup)
    return title, _squash(text), visible, links


def _markdown_of(soup) -> str:
    """The page's visible text without navigation, headings as '#' lines and list items as '- ' (so a chunk of it
    still knows its section)."""
    for tag in soup(["nav", "footer", "title"]):
        tag.decompose()
    for level in range(1, 7):
        for h in soup.find_all(f"h{level}"):
            h.replace_with(f"\n\n{'#' * level} {h.get_text(' ', strip=True)}\n\n")
    for li in soup.find_all("li"):
        li.insert_before("\n- ")
    for block in soup.find_all(["p", "div", "br", "tr", "section", "article"]):
        block.insert_after("\n")
    return "\n".join(" ".join(line.split()) for line in soup.get_text().splitlines())


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
