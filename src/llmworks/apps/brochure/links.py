"""Step 1 of the brochure: the model picks the landing page's links worth reading, as structured output.

The model may only answer with URLs that were on the page: the schema lists them as an enum (a small local model is
constrained to it while decoding) and the reply is checked again in code, because remote providers treat the schema
as advice. Legal pages, logins, mail links and other sites are removed before and after the model's choice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from pydantic import BaseModel, Field

from llmworks import llm, web

LINK_TYPES = ("about", "company", "careers", "products")
MAX_LINKS = 5
MAX_CANDIDATES = 60  # a mega-menu of hundreds of links would crowd out the prompt; the first ones are the menu
# Pages a brochure never needs: legal, accounts, carts, feeds and files.
EXCLUDED = re.compile(
    r"terms|privacy|cookie|legal|gdpr|imprint|impressum|disclaimer|log[- _]?in|sign[- _]?(?:in|up)|register"
    r"|account|cart|checkout|basket|/feed|rss|\.(?:pdf|zip|png|jpe?g|gif|svg|mp4|xml)(?:$|\?)",
    re.IGNORECASE,
)

SYSTEM = (
    "You are given the links found on a company's web site. Decide which of them are most relevant to include "
    "in a brochure about the company: pages about the company, its products, and careers or jobs. Never choose "
    "terms of service, privacy, login or email links. Answer in JSON, for example: "
    '{"links": [{"type": "about", "url": "https://full.url/about"}, '
    '{"type": "careers", "url": "https://another.full.url/careers"}]}'
)


class LinkChoice(BaseModel):
    type: str
    """One of LINK_TYPES (an enum in the schema sent to the model)."""
    url: str


class LinkSelection(BaseModel):
    """The shape the brochure asks for: {"links": [{"type", "url"}]}."""

    links: list[LinkChoice] = Field(default_factory=list)


def candidate_links(page: web.Page) -> list[web.Link]:
    """The page's links a brochure could use: same site (or a subdomain), not legal/login/files, not the page."""
    site = _site(page.url)
    here = page.url.rstrip("/")
    out = []
    for link in page.links:
        if link.url.rstrip("/") == here or _excluded(link.url) or EXCLUDED.search(link.text):
            continue
        if _site(link.url) != site:
            continue
        out.append(link)
    return out[:MAX_CANDIDATES]


def selection_schema(candidates: list[web.Link], max_links: int = MAX_LINKS) -> type[LinkSelection]:
    """LinkSelection whose JSON schema allows only `candidates` as URLs (an enum) and at most `max_links`.

    Validation stays lenient (any string, any count): a remote model that strays is cleaned up in code, its
    good picks kept, instead of failing the whole brochure.
    """
    urls = [link.url for link in candidates]

    class ConstrainedSelection(LinkSelection):
        @classmethod
        def model_json_schema(cls, *args, **kwargs):
            schema = super().model_json_schema(*args, **kwargs)
            choice = schema["$defs"]["LinkChoice"]["properties"]
            choice["type"]["enum"], choice["url"]["enum"] = list(LINK_TYPES), urls
            schema["properties"]["links"]["maxItems"] = min(max_links, len(urls))
            return schema

    ConstrainedSelection.__name__ = ConstrainedSelection.__qualname__ = "LinkSelection"
    return ConstrainedSelection


def select_links(
    page: web.Page, *, model: str | llm.Model | None = None, max_links: int = MAX_LINKS
) -> list[LinkChoice]:
    """The model's choice of relevant links on `page`, checked: on the page, absolute, not excluded, no repeats."""
    candidates = candidate_links(page)
    if not candidates:
        return []
    listing = "\n".join(f"- {link.url}" + (f"  ({link.text})" if link.text else "") for link in candidates)
    prompt = (
        f"Here are the links on the web site {page.url} (title: {page.title!r}). Pick at most {max_links} that "
        f"are most relevant for a company brochure, each with its type ({', '.join(LINK_TYPES)}).\n\n"
        f"Links:\n{listing}"
    )
    schema = selection_schema(candidates, max_links)
    chosen = llm.structured(prompt, schema=schema, model=model, system=SYSTEM, temperature=0.0, max_tokens=600).output
    return clean_selection(chosen.links, candidates, base_url=page.url, max_links=max_links)


def clean_selection(
    chosen: list[LinkChoice], candidates: list[web.Link], *, base_url: str, max_links: int = MAX_LINKS
) -> list[LinkChoice]:
    """Keep only chosen links that were candidates (so on the page, allowed), made absolute, once each, in order."""
    allowed = {link.url for link in candidates}
    out, seen = [], set()
    for c in chosen:
        url = urldefrag(urljoin(base_url, c.url.strip()))[0]
        if url not in allowed or url in seen or _excluded(url):
            continue
        seen.add(url)
        kind = c.type.strip().lower().removesuffix(" page")
        out.append(LinkChoice(type=kind if kind in LINK_TYPES else "company", url=url))
    return out[:max_links]


def _excluded(url: str) -> bool:
    """Judged on the path and query only: a company called legalzoom or cartier keeps its pages."""
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https") or bool(EXCLUDED.search(f"{parts.path}?{parts.query}"))


def _site(url: str) -> str:
    """The site a URL belongs to: its registrable domain under the public-suffix list (jobs.acme.com → acme.com,
    but x.co.uk and y.co.uk, or two github.io pages, are different sites); hosts without a suffix stand alone."""
    host = (urlsplit(url).hostname or "").lower()
    known = _public_suffixes()(host).top_domain_under_public_suffix
    if known:
        return known
    labels = host.split(".")  # an unlisted suffix (.example, .internal) or an IP: the last two labels, or the IP
    return host if host.replace(".", "").isdigit() else ".".join(labels[-2:])


@lru_cache(maxsize=1)
def _public_suffixes():
    import tldextract

    # the snapshot bundled with tldextract: never fetch the list at run time
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
