"""The scanner: read the feeds, keep the new deals with a clear price, let the model pick the best-described ones
as structured output, and keep only the picks whose URL and price are really in the feed.

    picks = scan(["../shared/data/deals/dfischel/dealnews.xml"], memory=memory)   # Scan(picks, items, warnings…)

Why code checks the model: a small model copies a URL with a typo or states the "$60 off" as the price. A pick
whose URL is not a candidate, or whose price the item does not state, is dropped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import llm
from .feeds import Feed, FeedItem, read_feeds
from .opportunity import Deal, DealSelection

PICKS = 5
"""Deals the model picks per scan (the course's five)."""
CANDIDATES = 8
"""Deals shown to the model: the best-described new ones. Prompt reading dominates on a CPU (~40 tokens/s): ten
deals of 300 characters made a 1,657-token prompt, so the listing is kept to about 1,000 tokens."""
LISTING_CHARS = 200
"""Characters of an item's text in the listing."""
DEAL_TOKENS = 120
"""Output budget per pick (URL, price, one sentence; a DealNews URL alone is ~45 tokens): at ~15 tokens/s on two
cores, each pick takes 8 s at most."""
THIN_CHARS = 200
"""A feed text shorter than this is thin: the deal's page is fetched for more (when fetching is allowed)."""
SYSTEM = (
    "You pick deals from a list. Choose the deals whose product is described best (specific product, clear "
    "specs) and whose price is clear. Copy each chosen deal's url and price exactly as listed; describe the product "
    "itself in one sentence, not the offer terms."
)


@dataclass
class Pick:
    deal: Deal
    item: FeedItem


@dataclass
class Scan:
    picks: list[Pick]
    feeds: list[Feed]
    candidates: list[FeedItem]
    warnings: list[str] = field(default_factory=list)
    proposed: int = 0
    """Picks the model made."""
    dropped: list[str] = field(default_factory=list)
    """Why each dropped pick was dropped."""
    fallback: bool = False
    """The model gave no usable selection; the best-described candidates were taken in code."""


def candidates(feeds: list[Feed], is_new=None, limit: int = CANDIDATES) -> list[FeedItem]:
    """New deals with a clear price and a link, one per URL, richest text first."""
    seen, out = set(), []
    for feed in feeds:
        for item in feed.items:
            if item.price is None or not item.url or item.url in seen:
                continue
            seen.add(item.url)
            if is_new is None or is_new(item.url, item.price):
                out.append(item)
    return sorted(out, key=lambda i: -len(i.text))[:limit]


def listing(items: list[FeedItem]) -> str:
    return "\n\n".join(
        f"Deal {n}\nurl: {i.url}\nprice: ${i.price:.2f}\n{i.text[:LISTING_CHARS]}" for n, i in enumerate(items, 1)
    )


def select(items: list[FeedItem], *, model=None, picks: int = PICKS) -> tuple[list[Pick], int, list[str], bool]:
    """The model's picks among `items`, checked against them: (picks, proposed, why each was dropped, fallback)."""
    if not items:
        return [], 0, [], False
    prompt = f"Pick the {min(picks, len(items))} best-described deals.\n\n{listing(items)}"
    try:
        selection = llm.structured(
            prompt, schema=DealSelection, model=model, system=SYSTEM, temperature=0, max_tokens=DEAL_TOKENS * picks + 30
        ).output
    except llm.ModelOutputError as e:
        return _by_code(items, picks), 0, [f"no valid selection from the model ({e})"], True
    by_url = {i.url: i for i in items}
    kept, dropped, urls = [], [], set()
    for deal in selection.deals:
        item = by_url.get(deal.url.strip())
        if item is None:
            dropped.append(f"URL not in the feed: {deal.url[:80]}")
        elif not any(abs(deal.price - p) < 0.005 for p in item.prices):
            dropped.append(f"price ${deal.price:,.2f} not stated by {deal.url[:60]}")
        elif item.url in urls:
            dropped.append(f"picked twice: {deal.url[:80]}")
        else:
            urls.add(item.url)
            description = deal.product_description.strip() or item.title
            kept.append(Pick(Deal(product_description=description, price=deal.price, url=item.url), item))
        if len(kept) == picks:
            break
    return kept, len(selection.deals), dropped, False


def _by_code(items: list[FeedItem], picks: int) -> list[Pick]:
    return [Pick(Deal(product_description=i.title, price=i.price or 0.0, url=i.url), i) for i in items[:picks]]


def enrich(items: list[FeedItem], fetch_page) -> list[str]:
    """Add the deal page's text to thin items (`fetch_page(url) -> text`); a warning for each page that failed."""
    warnings = []
    for item in items:
        if len(item.text) >= THIN_CHARS:
            continue
        try:
            extra = fetch_page(item.url)
        except Exception as e:  # an unreachable page leaves the feed's own text
            warnings.append(f"kept the feed text of {item.url[:70]}: {str(e)[:120]}")
            continue
        if extra:
            item.text = f"{item.text}. {' '.join(extra.split())}"[:1500]
    return warnings


def fetch_page(url: str) -> str:
    """The readable text of a deal's page, through the safe fetcher."""
    from ...web import clip_text, fetch

    return clip_text(fetch(url, timeout=8).text, 1200)


def scan(
    feeds: list[str],
    *,
    is_new=None,
    model=None,
    picks: int = PICKS,
    limit: int = CANDIDATES,
    fetch_pages: bool = True,
    fetch=None,
) -> Scan:
    """Read `feeds`, keep new priced deals (`is_new(url, price)`), enrich thin ones, let the model pick."""
    read, warnings = read_feeds(feeds, fetch=fetch)
    pool = candidates(read, is_new, limit)
    if fetch_pages:
        warnings += enrich(pool, fetch_page)
    chosen, proposed, dropped, fallback = select(pool, model=model, picks=picks)
    return Scan(chosen, read, pool, warnings, proposed, dropped, fallback)
