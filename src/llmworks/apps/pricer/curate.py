"""Curation: raw Amazon-Reviews-2023 metadata records → balanced, deduplicated, split `Item`s on disk.

    result = curate("meta_Automotive.jsonl", out="data/pricer", seed=42)
    result.train, result.test          # lists of Item
    # out/train.jsonl, out/test.jsonl, out/hf/ (datasets.DatasetDict.load_from_disk), out/curation.json

The steps follow the course's `Item` class and its week-6 sampling: build the text from title, description,
features and scrubbed details; drop items outside $0.50-$999.49 or too short; cap the text by tokens; dedupe;
keep every item of a rare price slot but sample crowded cheap slots, down-weighting Automotive; split with a seed.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...files import atomic_write
from .items import MAX_PRICE, MIN_PRICE, Item, PricerDataError, save_items

# Boilerplate of Amazon "details" that says nothing about price (the course's REMOVALS).
DETAIL_REMOVALS = [
    '"Batteries Included?": "No"',
    '"Batteries Included?": "Yes"',
    '"Batteries Required?": "No"',
    '"Batteries Required?": "Yes"',
    "By Manufacturer",
    "Item",
    "Date First",
    "Package",
    ":",
    "Number of",
    "Best Sellers",
    "Number",
    "Product ",
]
_TOKEN = re.compile(r"\w+|[^\w\s]")


def regex_tokens(text: str) -> list[re.Match]:
    """Offline stand-in for a BPE tokenizer: words and single punctuation marks (about 0.8 Llama tokens each)."""
    return list(_TOKEN.finditer(text))


@dataclass
class CurationConfig:
    min_chars: int = 300  # description+features+details shorter than this say too little to price
    ceiling_chars: int = 160 * 7  # cut the raw contents before tokenizing (the course's CEILING_CHARS)
    min_tokens: int = 150  # drop items whose text is shorter than this many tokens
    max_tokens: int = 160  # cap the text at this many tokens (keeps prompts short and uniform)
    min_price: float = MIN_PRICE
    max_price: float = MAX_PRICE
    slot_cap: int = 1200  # at most this many items per whole-dollar price slot ...
    full_from: int = 240  # ... except at $240 and above, where every item is kept (expensive items are rare)
    category_weights: dict[str, float] = field(default_factory=lambda: {"Automotive": 1.0})
    default_weight: float = 5.0  # sampling weight of other categories in crowded slots (course: Automotive 1, rest 5)
    test_fraction: float = 0.1
    seed: int = 42


@dataclass
class CurationResult:
    train: list[Item]
    test: list[Item]
    stats: dict[str, Any]


def scrub(text: str) -> str:
    """Collapse JSON punctuation and whitespace; drop part-number-like tokens (7+ chars with a digit)."""
    text = re.sub(r'[:\[\]"{}【】\s]+', " ", text).strip()
    text = text.replace(" ,", ",").replace(",,,", ",").replace(",,", ",")
    return " ".join(w for w in text.split(" ") if len(w) < 7 or not any(c.isdigit() for c in w))


def scrub_details(details: str) -> str:
    for removal in DETAIL_REMOVALS:
        details = details.replace(removal, "")
    return details


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value if v)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def parse_price(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    match = re.search(r"\d[\d,]*(?:\.\d+)?", str(value))
    try:
        return float(match.group().replace(",", "")) if match else None
    except ValueError:
        return None


def item_from_record(
    record: dict[str, Any], config: CurationConfig, tokenize: Callable[[str], list] = regex_tokens
) -> tuple[Item | None, str]:
    """One raw record → (Item, "ok") or (None, reason it was dropped)."""
    price = parse_price(record.get("price"))
    if price is None:
        return None, "no price"
    if not config.min_price <= price <= config.max_price:
        return None, "price out of range"
    title = _as_text(record.get("title")).strip()
    if not title:
        return None, "no title"
    details = _as_text(record.get("details"))
    contents = ""
    for part in (_as_text(record.get("description")), _as_text(record.get("features")), scrub_details(details)):
        if part.strip():
            contents += part + "\n"
    if len(contents) <= config.min_chars:
        return None, "too short"
    text = f"{scrub(title)}\n{scrub(contents[: config.ceiling_chars])}"
    tokens = tokenize(text)
    if len(tokens) <= config.min_tokens:
        return None, "too few tokens"
    if len(tokens) > config.max_tokens:
        text = text[: tokens[config.max_tokens - 1].end()]
    category = record.get("main_category") or record.get("category")
    return Item(title=title, price=round(price, 2), text=text, category=category, details=details or None), "ok"


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def dedupe(items: Iterable[Item]) -> list[Item]:
    """Keep the first of items sharing a normalised title or text (relistings, colour variants)."""
    seen_titles, seen_texts, kept = set(), set(), []
    for item in items:
        title, text = _norm(item.title), _norm(item.text)
        if title in seen_titles or text in seen_texts:
            continue
        seen_titles.add(title)
        seen_texts.add(text)
        kept.append(item)
    return kept


def balance(items: list[Item], config: CurationConfig) -> list[Item]:
    """Flatten the price distribution: cap each crowded cheap dollar slot, sampling by category weight."""
    rng = random.Random(config.seed)
    slots: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        slots[round(item.price)].append(item)
    sample: list[Item] = []
    for slot in sorted(slots):
        members = slots[slot]
        if slot >= config.full_from or len(members) <= config.slot_cap:
            sample.extend(members)
            continue
        weights = [config.category_weights.get(i.category or "", config.default_weight) for i in members]
        sample.extend(_weighted_sample(members, weights, config.slot_cap, rng))
    return sample


def _weighted_sample(population: list[Item], weights: list[float], k: int, rng: random.Random) -> list[Item]:
    # Efraimidis-Spirakis: without replacement, each item's chance proportional to its weight
    keyed = sorted(zip(population, weights), key=lambda pw: rng.random() ** (1.0 / max(pw[1], 1e-9)), reverse=True)
    return [item for item, _ in keyed[:k]]


def split(items: list[Item], test_fraction: float, seed: int) -> tuple[list[Item], list[Item]]:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    n_test = round(len(shuffled) * test_fraction)
    return shuffled[n_test:], shuffled[:n_test]


def read_records(path: str | os.PathLike) -> Iterable[dict[str, Any]]:
    path = Path(path)
    if not path.is_file():
        raise PricerDataError("No such raw file.", "Pass Amazon-Reviews-2023 metadata as JSONL.", path=path)
    with path.open("rb") as f:  # bytes: a binary or non-UTF-8 file is reported with its line, not mid-iteration
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)  # json reads UTF-8 bytes and raises ValueError on anything else
                except ValueError:
                    raise PricerDataError(
                        "not valid JSON (UTF-8 JSONL expected; is it a binary file?).", path=path, line=n
                    ) from None


def curate(
    raw: str | os.PathLike | Iterable[dict[str, Any]],
    out: str | os.PathLike | None = None,
    config: CurationConfig | None = None,
    *,
    category: str | None = None,
    tokenize: Callable[[str], list] = regex_tokens,
) -> CurationResult:
    """Run the whole pipeline; with `out`, write train/test JSONL, a datasets export and the stats."""
    config = config or CurationConfig()
    records = read_records(raw) if isinstance(raw, (str, os.PathLike)) else raw
    dropped: Counter[str] = Counter()
    items: list[Item] = []
    n_raw = 0
    for record in records:
        n_raw += 1
        if category:
            record = {**record, "main_category": category}
        item, reason = item_from_record(record, config, tokenize)
        if item is None:
            dropped[reason] += 1
        else:
            items.append(item)
    unique = dedupe(items)
    dropped["duplicate"] = len(items) - len(unique)
    balanced = balance(unique, config)
    dropped["balancing"] = len(unique) - len(balanced)
    train, test = split(balanced, config.test_fraction, config.seed)
    stats = {
        "raw": n_raw,
        "kept": len(balanced),
        "train": len(train),
        "test": len(test),
        "dropped": dict(dropped),
        "categories": dict(Counter(i.category for i in balanced).most_common()),
        "mean_price": round(sum(i.price for i in balanced) / len(balanced), 2) if balanced else None,
        "config": config.__dict__,
    }
    if out is not None:
        write_curated(train, test, stats, out)
    return CurationResult(train, test, stats)


def write_curated(train: list[Item], test: list[Item], stats: dict[str, Any], out: str | os.PathLike) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    save_items(train, out / "train.jsonl")
    save_items(test, out / "test.jsonl")
    export_datasets(train, test, out / "hf")
    atomic_write(out / "curation.json", json.dumps(stats, indent=2, default=str) + "\n")
    return out


def export_datasets(train: list[Item], test: list[Item], path: str | os.PathLike) -> Path:
    """A `datasets.DatasetDict` (train: full prompts, test: prompts ending at "Price is $") saved to disk."""
    from datasets import Dataset, DatasetDict

    def rows(items: list[Item], *, with_price: bool) -> dict[str, list]:
        return {
            "text": [i.prompt if with_price else i.test_prompt for i in items],
            "price": [i.price for i in items],
            "category": [i.category or "" for i in items],
        }

    ds = DatasetDict(
        {
            "train": Dataset.from_dict(rows(train, with_price=True)),
            "test": Dataset.from_dict(rows(test, with_price=False)),
        }
    )
    path = Path(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        ds.save_to_disk(str(tmp / "ds"))
        old = tmp / "old"
        if path.exists():  # moved aside, not deleted, until the new export is in place: a crash loses neither
            os.replace(path, old)
        try:
            os.replace(tmp / "ds", path)
        except OSError:
            if old.exists():
                os.replace(old, path)
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
