"""Pricers that ask a language model: zero-shot (`llm`) and with the 5 most similar priced items as context (`rag`).

    LLMPricer(model="local/smollm2").predict(items)          # constrained JSON {"price": number}
    LLMPricer(model="openai/ft:gpt-4o-mini:...", structured=False)   # free text "Price is $123.00", parsed
    RAGPricer(model="openai/gpt-4.1-mini").fit(train).predict(items)

Every reply is validated in code: a refusal, an unparsable reply or an absurd number is "no estimate" (None),
never a made-up price. Errors the user must fix (missing key, unreachable server) are raised, not swallowed.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from .base import Pricer
from .items import Item

SYSTEM = "You estimate prices of items. Reply only with the price, no explanation"
MAX_PLAUSIBLE = 100_000.0
"""Above this a reply is noise, not an estimate (the items are priced $0.50-$999.49)."""
_REFUSAL = re.compile(
    r"\b(sorry|cannot|can't|unable|not able|no way to|don't know|do not know|impossible|"
    r"unknown|not enough information|as an ai)\b",
    re.I,
)
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_DOLLARS = re.compile(r"\$\s*" + _NUMBER)
_WORDED = re.compile(_NUMBER + r"\s*(?:dollars|usd|bucks)\b", re.I)
_BARE = re.compile(_NUMBER)


class PriceEstimate(BaseModel):
    price: float = Field(description="estimated price of the item in US dollars")


def parse_price_reply(text: str | None) -> float | None:
    """The price in a model's reply: "$1,299.99", "Price is $42.00", "about 15 dollars", "42"; None for a
    refusal, a reply without a number, or an absurd one. A $-amount wins over other numbers (model numbers)."""
    if not text or not text.strip():
        return None
    for pattern in (_DOLLARS, _WORDED):
        match = pattern.search(text)
        if match:
            return _plausible(match.group(1))
    if _REFUSAL.search(text):  # "Sorry, I can't price item 3" is not $3
        return None
    match = _BARE.search(text)
    return _plausible(match.group(1)) if match else None


def _plausible(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        return None
    return value if 0 < value <= MAX_PLAUSIBLE else None


def user_prompt(item: Item, max_chars: int = 2000) -> str:
    """The course's fine-tuning prompt (the training question without "to the nearest dollar" and the price)."""
    return f"How much does this cost?\n\n{item.text[:max_chars]}"


def chat_messages(item: Item, *, context: str = "", max_chars: int = 2000) -> list[dict[str, str]]:
    prompt = user_prompt(item, max_chars)
    if context:
        prompt = f"{context}And now the question for you:\n\n{prompt}"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]


class LLMPricer(Pricer):
    """Zero-shot: any `-m` model. `structured=True` constrains the reply to {"price": number} (what makes the 135M
    local model usable); `structured=False` parses free text, for models fine-tuned to answer "Price is $X.00"."""

    name = "llm"

    def __init__(self, model: Any = None, structured: bool = True, max_chars: int = 2000, max_tokens: int = 24):
        self.model, self.structured, self.max_chars, self.max_tokens = model, structured, max_chars, max_tokens

    def predict(self, items: list[Item]) -> list[float | None]:
        return asked(self, [self.messages(item) for item in items])

    def messages(self, item: Item) -> list[dict[str, str]]:
        return chat_messages(item, max_chars=self.max_chars)

    def ask(self, messages: list[dict[str, str]]) -> float | None:
        from ... import llm

        if self.structured:
            try:
                reply = llm.structured(
                    messages,
                    schema=PriceEstimate,
                    model=self.model,
                    temperature=0.0,
                    max_tokens=self.max_tokens,
                    retries=0,
                ).output
            except llm.ModelOutputError:  # a refusal or broken JSON: no estimate
                return None
            return reply.price if 0 < reply.price <= MAX_PLAUSIBLE else None
        response = llm.chat(messages, model=self.model, temperature=0.0, max_tokens=self.max_tokens)
        return parse_price_reply(response.text)

    def options(self) -> dict[str, Any]:
        return {
            "model": self.model if isinstance(self.model, str) or self.model is None else repr(self.model),
            "structured": self.structured,
            "max_chars": self.max_chars,
        }


class RAGPricer(LLMPricer):
    """The 5 most similar training items, with their prices, go before the question (the course's week-8 prompt)."""

    name = "rag"

    def __init__(
        self, model: Any = None, k: int = 5, structured: bool = True, max_chars: int = 1000, max_tokens: int = 24
    ):
        super().__init__(model, structured, max_chars, max_tokens)
        self.k = k

    def embeds(self) -> bool:
        return True

    def fit(self, items: list[Item]) -> RAGPricer:
        from .neighbours import KNNPricer

        self.index_ = KNNPricer(k=self.k + 1, use_extra=True).fit(items)  # indices match self.train_
        self.train_ = [(i.text, i.price) for i in items]
        return self

    def similar(self, items: list[Item]) -> list[list[tuple[str, float]]]:
        """The k most similar training (text, price) pairs per item, the item itself left out."""
        from .neighbours import embed_items

        idx, _ = self.index_.neighbours(embed_items(items), self.k + 1)
        return [
            [self.train_[j] for j in row if self.train_[j][0] != item.text][: self.k] for item, row in zip(items, idx)
        ]

    def predict(self, items: list[Item]) -> list[float | None]:
        return asked(self, [self.rag_messages(item, similar) for item, similar in zip(items, self.similar(items))])

    def rag_messages(self, item: Item, similar: list[tuple[str, float]]) -> list[dict[str, str]]:
        context = (
            "To provide some context, here are some other items that might be similar to the item you need "
            "to estimate.\n\n"
        )
        for text, price in similar:
            context += f"Potentially related product:\n{text[: self.max_chars]}\nPrice is ${price:.2f}\n\n"
        return chat_messages(item, context=context, max_chars=self.max_chars)

    def options(self) -> dict[str, Any]:
        return {**super().options(), "k": self.k}


def asked(pricer: LLMPricer, prompts: list[list[dict[str, str]]]) -> list[float | None]:
    """Each prompt's estimate, in order, with a progress line (done, time left) every few seconds: a local model
    takes seconds an item."""
    import time

    from .progress import duration, report

    out: list[float | None] = []
    start = last = time.perf_counter()
    for messages in prompts:
        out.append(pricer.ask(messages))
        now = time.perf_counter()
        if now - last > 8 and len(out) < len(prompts):
            left = (now - start) / len(out) * (len(prompts) - len(out))
            report(f"Priced {len(out):,}/{len(prompts):,} items with {pricer.name} (about {duration(left)} left)…")
            last = now
    return out
