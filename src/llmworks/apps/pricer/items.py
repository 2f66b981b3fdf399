"""The `Item`: one product with its true price, the course's prompt format, and JSONL in and out.

items = load_items("items_dev.jsonl")
items[0].prompt        # "How much does this cost to the nearest dollar?\n\n{text}\n\nPrice is $171.00"
items[0].test_prompt   # the same, ending at "Price is $"
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...errors import DataError, LlmworksError
from ...files import atomic_write

QUESTION = "How much does this cost to the nearest dollar?"
PREFIX = "Price is $"
MIN_PRICE, MAX_PRICE = 0.5, 999.49
"""The course's price range: cheaper items are noise, dearer ones too rare to learn."""


class PricerError(LlmworksError):
    """A pricer failure the user can fix (a missing or damaged saved pricer, a bad option, ...)."""


class PricerDataError(PricerError, DataError):
    """A bad row in an items file, reported as `path:line: …`."""


def check_price(value: Any) -> float:
    """`value` as a price: a finite number above 0, else ValueError saying so (log-scores and means need it)."""
    try:
        price = float(value)
    except (TypeError, ValueError):
        price = math.nan
    if isinstance(value, bool) or not math.isfinite(price) or price <= 0:
        raise ValueError(f"price must be a finite number above 0, got {repr(value)[:40]}")
    return price


@dataclass
class Item:
    title: str
    price: float
    text: str
    """Curated product text: title line, then description, features and scrubbed details."""
    category: str | None = None
    details: str | None = None
    """The raw Amazon "details" JSON string (brand, weight, rank, ...), when known."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Any other fields of the source row (source, format, ...), kept so they survive a round trip."""

    @property
    def prompt(self) -> str:
        """Training prompt: question, text, and the answer rounded to the dollar."""
        return f"{self.test_prompt}{round(self.price)}.00"

    @property
    def test_prompt(self) -> str:
        """Inference prompt: everything up to and including "Price is $"."""
        return f"{QUESTION}\n\n{self.text}\n\n{PREFIX}"

    @property
    def details_dict(self) -> dict[str, Any]:
        if not self.details:
            return {}
        try:
            value = json.loads(self.details)
        except (TypeError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def to_dict(self) -> dict[str, Any]:
        row = asdict(self)
        meta = row.pop("meta")
        return {**row, **meta}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Item:
        known = {"title", "price", "text", "category", "details"}
        details = row.get("details")
        if details is not None and not isinstance(details, str):
            details = json.dumps(details)
        text = row.get("text") or row.get("title") or ""
        return cls(
            title=str(row.get("title") or text.split("\n", 1)[0]),
            price=float(row["price"]),
            text=str(text),
            category=row.get("category"),
            details=details,
            meta={k: v for k, v in row.items() if k not in known},
        )


def item_from_description(description: str, *, category: str | None = None) -> Item:
    """An unpriced item from pasted text (the UI and `pricer estimate`): the first line is the title."""
    text = description.strip()
    if not text:
        raise PricerDataError("Empty description.", "Paste a product title and description.")
    return Item(title=text.split("\n", 1)[0][:200], price=0.0, text=text, category=category)


def load_items(path: str | os.PathLike, *, limit: int | None = None) -> list[Item]:
    """Items from a JSONL file with at least `price` and `text` (or `title`) per line; every price finite and > 0.
    A bad line (binary, not UTF-8, not JSON, a missing or impossible price) is a PricerDataError naming file:line."""
    path = Path(path)
    if not path.is_file():
        raise PricerDataError(
            "No such data file.", "Pass a JSONL of items (e.g. from `llmworks pricer curate`).", path=path
        )
    items: list[Item] = []
    hint = "Each line needs a JSON object with a 'price' (a number above 0) and a 'text'."
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")  # a BOM from Windows editors is fine
            except UnicodeDecodeError as e:
                raise PricerDataError(
                    f"not UTF-8 text (byte {e.start + 1} of the line); is this a binary file?",
                    "Pass a JSONL file of items, e.g. from `llmworks pricer curate`.",
                    path=path,
                    line=n,
                ) from None
            if "\x00" in line:
                raise PricerDataError(
                    "holds NUL bytes: a binary file, not JSONL.",
                    "Pass a JSONL file of items, e.g. from `llmworks pricer curate`.",
                    path=path,
                    line=n,
                )
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("a JSON value that is not an object")
                if "price" not in row:
                    raise ValueError("no 'price'")
                row["price"] = check_price(row["price"])
                items.append(Item.from_dict(row))
            except json.JSONDecodeError as e:
                raise PricerDataError(f"not JSON ({e.msg}, column {e.colno}).", hint, path=path, line=n) from None
            except (ValueError, TypeError, AttributeError) as e:  # e.g. a number where the text should be
                raise PricerDataError(f"not a usable item: {e}.", hint, path=path, line=n) from None
            if limit is not None and len(items) >= limit:
                break
    if not items:
        raise PricerDataError("no items in the file.", hint, path=path)
    return items


def save_items(items: list[Item], path: str | os.PathLike) -> Path:
    return atomic_write(path, "".join(json.dumps(i.to_dict(), ensure_ascii=False) + "\n" for i in items))
