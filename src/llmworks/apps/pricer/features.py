"""Hand-made features of an item: weight, best-sellers rank, size, text length, brand and category signals.

Parsed from the raw Amazon `details` JSON where present (items without details get zeros plus a "has_details"
flag, so the models can tell "unknown" from "light").
"""

from __future__ import annotations

import math
import re
from typing import Any

from .items import Item

_UNITS_TO_POUNDS = {
    "pound": 1.0,
    "lb": 1.0,
    "ounce": 1 / 16,
    "oz": 1 / 16,
    "kilogram": 2.20462,
    "kg": 2.20462,
    "gram": 0.00220462,
    "g": 0.00220462,
    "milligram": 2.20462e-6,
    "mg": 2.20462e-6,
    "ton": 2000.0,
}
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PREMIUM_WORDS = (
    "professional",
    "commercial",
    "industrial",
    "heavy duty",
    "premium",
    "kit",
    "set",
    "system",
    "wireless",
    "stainless",
    "motor",
    "pack",
    "replacement",
    "compatible",
    "sticker",
    "cable",
)


def parse_weight_pounds(text: str | None) -> float | None:
    """'5 pounds' / '12.8 Ounces' / '1.2 Kilograms' → pounds."""
    if not text:
        return None
    m = re.search(_NUMBER + r"\s*([a-zA-Z]+)", str(text))
    if not m:
        return None
    value, unit = float(m.group(1).replace(",", "")), m.group(2).lower()
    for name, factor in _UNITS_TO_POUNDS.items():
        if unit == name or unit == name + "s" or (len(name) > 2 and unit.startswith(name)):
            return value * factor
    return None


def parse_volume(text: str | None) -> float | None:
    """'7 x 14.25 x 9 inches' → cubic inches (centimetres converted)."""
    if not text:
        return None
    dims = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", str(text))[:3]]
    if len(dims) < 3:
        return None
    volume = dims[0] * dims[1] * dims[2]
    return volume / 16.387 if "centimet" in str(text).lower() else volume


def best_rank(details: dict[str, Any]) -> float | None:
    rank = details.get("Best Sellers Rank")
    if isinstance(rank, dict):
        values = [v for v in rank.values() if isinstance(v, (int, float))]
        return float(min(values)) if values else None
    if isinstance(rank, (int, float)):
        return float(rank)
    return None


def brand_of(item: Item) -> str:
    details = item.details_dict
    brand = details.get("Brand") or details.get("Manufacturer") or ""
    if not brand:  # pasted descriptions and details-less rows: "Brand Moen, ..." survives scrubbing in the text
        m = re.search(r"\bBrand(?: Name)?\s+([A-Z][\w&'-]*(?: [A-Z][\w&'-]*)?)", item.text)
        brand = m.group(1) if m else ""
    return str(brand).strip().lower()


def numeric_features(item: Item) -> dict[str, float]:
    """A flat dict of numbers (log-scaled where the raw value spans orders of magnitude)."""
    details = item.details_dict
    weight = parse_weight_pounds(details.get("Item Weight") or details.get("Package Weight"))
    volume = parse_volume(
        details.get("Product Dimensions") or details.get("Package Dimensions") or details.get("Item Dimensions LxWxH")
    )
    rank = best_rank(details)
    lower = item.text.lower()
    features = {
        "has_details": float(bool(details)),
        "log_weight": math.log1p(weight) if weight is not None else 0.0,
        "has_weight": float(weight is not None),
        "log_volume": math.log1p(volume) if volume is not None else 0.0,
        "has_volume": float(volume is not None),
        "log_rank": math.log1p(rank) if rank is not None else 0.0,
        "has_rank": float(rank is not None),
        "n_details": float(len(details)),
        "log_text_chars": math.log1p(len(item.text)),
        "n_digits": float(sum(c.isdigit() for c in item.text)),
        "has_brand": float(bool(brand_of(item))),
    }
    for word in _PREMIUM_WORDS:
        features[f"word_{word.replace(' ', '_')}"] = float(word in lower)
    return features
