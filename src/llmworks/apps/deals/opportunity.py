"""The deal agents' data: a `Deal` picked from a feed (the model's structured output), an `Opportunity` (a deal,
its estimate, the discount and the text the estimate used), and the alert `Threshold`.

    Threshold.parse("50")     # $50 below the estimate
    Threshold.parse("30%")    # 30 % below the estimate
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from ...errors import LlmworksError


class Deal(BaseModel):
    """One deal, as the scanner picked it."""

    product_description: str = Field(
        description="One sentence about the product itself (what it is, key specs), not the offer terms"
    )
    price: float = Field(description="The deal's price in dollars, as the listing states it")
    url: str = Field(description="The listing's URL, exactly as given")


class DealSelection(BaseModel):
    """The best-described deals with a clear price."""

    deals: list[Deal] = Field(description="The best-described deals, best first")


@dataclass
class Opportunity:
    """A deal, what it is really worth, and the text that estimate was made from."""

    deal: Deal
    estimate: float | None
    evidence: str
    """The text the estimator priced."""
    title: str = ""
    category: str = ""
    feed: str = ""
    pricer: str = ""
    members: dict[str, float | None] = field(default_factory=dict)
    """Each ensemble member's estimate."""
    previous_price: float | None = None
    """The price when this deal was last seen, if it has dropped since."""

    @property
    def discount(self) -> float:
        """Dollars below the estimate (negative: dearer than it is worth)."""
        return 0.0 if self.estimate is None else self.estimate - self.deal.price

    @property
    def discount_pct(self) -> float:
        return 0.0 if not self.estimate else 100 * self.discount / self.estimate


@dataclass(frozen=True)
class Threshold:
    """Alert when a deal is at least `amount` dollars, or `percent` %, below its estimate."""

    amount: float | None = None
    percent: float | None = None

    @classmethod
    def parse(cls, text: str | float) -> Threshold:
        raw = str(text).strip().replace("$", "")
        try:
            if raw.endswith("%"):
                value = float(raw[:-1])
                if not 0 < value < 100:
                    raise ValueError
                return cls(percent=value)
            value = float(raw)
            if value < 0:
                raise ValueError
            return cls(amount=value)
        except ValueError:
            raise LlmworksError(
                f"Threshold {text!r} is neither dollars nor a percentage.",
                "Use e.g. --threshold 50 (dollars below the estimate) or --threshold 30% (between 0 and 100 %).",
            ) from None

    def crossed(self, o: Opportunity) -> bool:
        if o.estimate is None:
            return False
        if self.percent is not None:
            return o.discount_pct >= self.percent
        return o.discount >= (self.amount or 0.0) and o.discount > 0

    def __str__(self) -> str:
        return f"{self.percent:g}%" if self.percent is not None else f"${self.amount:,.2f}"
