"""The tokenizer explorer: one text under several tokenizers, how numbers split, each chat template, and what the
text costs as input on every priced catalog model.

    report = result(explore("Tokens are not words.", ["local/smollm2", "openai/gpt-4o"]))
    report.views[0].count, report.views[0].pieces      # 6, ['Tok', 'ens', ' are', ' not', ' words', '.']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ...errors import LlmworksError
from ...events import Done, Event, Progress, app
from .tokenizers import DEFAULT, Tokenizer, tokenizer

NUMBERS = ("7", "42", "365", "1024", "2024", "12345", "1234567", "3.14159")
"""How tokenizers split numbers: digit by digit (SmolLM2, Qwen), or up to three digits a token (GPT-4, Llama 3)."""
CONVERSATION = ("You are a concise assistant.", "What is a token?", "A piece of text the model reads as one unit.")
"""The small system/user/assistant conversation each chat template is rendered for."""
PRICING_ENCODING = "openai/gpt-4o"
"""Remote models without an offline tokenizer of their own are counted with o200k_base (marked as an estimate)."""


@dataclass
class TokenView:
    """A text under one tokenizer."""

    name: str
    source: str
    ids: list[int]
    pieces: list[str]

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass
class Template:
    """A model's chat template rendered for CONVERSATION; `text` is None when the tokenizer has none."""

    name: str
    text: str | None
    tokens: int = 0
    special: list[str] = field(default_factory=list)
    """The special tokens the rendered conversation holds (<|im_start|>, …), in order of first use."""


@dataclass
class Cost:
    """The text as input to one priced catalog model."""

    model: str
    tokens: int
    usd_per_mtok: float
    exact: bool
    """False: counted with o200k_base, not the model's own tokenizer."""

    @property
    def usd(self) -> float:
        return self.tokens * self.usd_per_mtok / 1e6


@dataclass
class TokenReport:
    text: str
    views: list[TokenView]
    numbers: dict[str, list[list[str]]]
    """Tokenizer name → the pieces of each of NUMBERS."""
    templates: list[Template]
    costs: list[Cost]


@app
def explore(text: str, models: list[str] | None = None, *, numbers: tuple[str, ...] = NUMBERS) -> Iterator[Event]:
    """Tokenize `text` with each of `models` (default: DEFAULT), split the sample numbers, render the templates."""
    if not text:
        raise LlmworksError("No text to tokenize.", 'Pass one, e.g. llmworks tokens "Hello, world".')
    tokenizers: list[Tokenizer] = []
    for name in dict.fromkeys(models or DEFAULT):  # each once, in the order given
        yield Progress(f"Loading the tokenizer of {name}")
        tokenizers.append(replace(tokenizer(name), name=name))  # a copy: the loaded tokenizer is cached
    views = [TokenView(t.name, t.source, ids := t.encode(text), t.pieces(ids)) for t in tokenizers]
    splits = {t.name: [t.pieces(t.encode(n)) for n in numbers] for t in tokenizers}
    templates = [_template(t) for t in tokenizers]
    yield Progress("Pricing the text on the catalog's models")
    yield Done(TokenReport(text, views, splits, templates, costs(text, tokenizers)))


def _template(tok: Tokenizer) -> Template:
    rendered = tok.chat(*CONVERSATION)
    if rendered is None:
        return Template(tok.name, None)
    ids = tok.special_ids(rendered)
    specials = set(tok.backend.all_special_ids) | set(getattr(tok.backend, "added_tokens_decoder", {}) or {})
    used = [p for i, p in zip(ids, tok.pieces(ids)) if i in specials]
    return Template(tok.name, rendered, len(ids), list(dict.fromkeys(used)))


def costs(text: str, tokenizers: list[Tokenizer]) -> list[Cost]:
    """The text's input cost on every catalog model with a known price, cheapest first."""
    from ...llm import catalog
    from .tokenizers import _encoding_of

    own = {t.name: t for t in tokenizers}
    fallback = None
    out = []
    for info in catalog.MODELS:
        price = catalog.price_per_mtok(info.name)
        if not price or info.provider.local:  # embedded models and local servers cost nothing
            continue
        tok = own.get(info.name)
        exact = tok is not None or _encoding_of(info.name) is not None
        if tok is None:
            if exact:
                tok = tokenizer(info.name)
            else:
                fallback = fallback or tokenizer(PRICING_ENCODING)
                tok = fallback
        out.append(Cost(info.name, tok.count(text), price[0], exact))
    return sorted(out, key=lambda c: (c.usd, c.model))
