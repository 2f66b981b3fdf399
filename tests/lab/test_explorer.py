"""The tokenizer explorer on the offline encodings (fast): counts, number splits, templates, costs."""

from __future__ import annotations

import pytest

from llmworks.apps.lab.explorer import NUMBERS, explore
from llmworks.errors import LlmworksError
from llmworks.events import Progress, result
from llmworks.llm import catalog


def test_report_counts_splits_and_prices_a_text():
    text = "The year 2024 had 365 days."
    events = list(explore(text, ["openai/gpt-4o", "meta/llama-3", "openai/gpt-4o"]))
    assert [e.text for e in events if isinstance(e, Progress)][:2] == [
        "Loading the tokenizer of openai/gpt-4o",
        "Loading the tokenizer of meta/llama-3",
    ]  # a name given twice is loaded and shown once
    report = events[-1].result
    assert [v.name for v in report.views] == ["openai/gpt-4o", "meta/llama-3"]
    assert report.views[1].pieces == ["The", " year", " ", "202", "4", " had", " ", "365", " days", "."]
    assert report.views[1].count == 10
    assert report.numbers["meta/llama-3"][NUMBERS.index("365")] == ["365"]
    assert [t.text for t in report.templates] == [None, None]  # OpenAI's and Llama 3's templates are not shipped


def test_costs_are_the_priced_remote_models_cheapest_first():
    report = result(explore("one two three four", ["openai/gpt-4o"]))
    names = [c.model for c in report.costs]
    assert "openai/gpt-4.1-mini" in names and not any(n.startswith(("local/", "ollama/")) for n in names)
    usd = [c.usd for c in report.costs]
    assert usd == sorted(usd)
    mini = next(c for c in report.costs if c.model == "openai/gpt-4.1-mini")
    assert mini.exact and mini.tokens == 4
    assert mini.usd == pytest.approx(4 * catalog.price_per_mtok("openai/gpt-4.1-mini")[0] / 1e6)
    claude = next(c for c in report.costs if c.model.startswith("anthropic/"))
    assert not claude.exact  # counted with o200k_base, and marked so


def test_empty_text_is_refused():
    with pytest.raises(LlmworksError, match="No text"):
        result(explore(""))
