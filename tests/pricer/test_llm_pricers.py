"""LLM and RAG pricers: real client code, scripted model (llmworks.llm.testing), robust parsing of replies."""

from __future__ import annotations

import pytest

from llmworks.apps.pricer.llm_pricers import LLMPricer, RAGPricer, parse_price_reply
from llmworks.llm.testing import FunctionModel, ScriptedModel


@pytest.mark.parametrize(
    "reply, price",
    [
        ("Price is $42.00", 42.0),
        ("$1,299.99", 1299.99),
        ("It costs about 15 dollars.", 15.0),
        ("42", 42.0),
        ("The XK-4711 model sells for $20", 20.0),
        ("I'm sorry, I cannot price item 3", None),
        ("", None),
        ("no idea", None),
        ("$0.00", None),
        ("$250000", None),
    ],
)
def test_parse_price_reply(reply, price):
    assert parse_price_reply(reply) == price


def test_structured_reply_is_the_estimate(items):
    model = ScriptedModel(['{"price": 42.5}', '{"price": 0}', "I cannot help with that.", '{"price": 1e9}'])
    assert LLMPricer(model=model).predict(items[:4]) == [42.5, None, None, None]  # 0, refusal, absurd → none
    request = model.requests[0]
    assert request.schema["properties"]["price"]["type"] == "number"  # constrained to a number
    assert request.messages[0]["role"] == "system"
    assert items[0].text in request.messages[1]["content"]
    assert "Price is" not in request.messages[1]["content"]


def test_free_text_mode_for_fine_tuned_models(items):
    model = ScriptedModel(["Price is $88.00", "Sorry, I can't estimate that."])
    assert LLMPricer(model=model, structured=False).predict(items[:2]) == [88.0, None]
    assert model.requests[0].schema is None


def test_rag_prompt_shows_five_similar_priced_items_not_the_item_itself(items, fake_embed):
    train, probe = items[:100], items[0]  # probe is in the training set: it must not see its own price
    prompts = []
    model = FunctionModel(lambda r: prompts.append(r.messages[-1]["content"]) or '{"price": 10}')
    rag = RAGPricer(model=model).fit(train)
    assert rag.predict([probe, items[150]]) == [10.0, 10.0]
    context = prompts[0].split("And now the question for you:")[0]
    assert context.count("Potentially related product:") == 5
    assert context.count("Price is $") == 5
    assert probe.text not in context
    noun = probe.title.split(" model")[0]  # e.g. "Moen vanity light": its neighbours are the same product kind
    assert context.count(noun) >= 3
    assert probe.text in prompts[0].split("And now the question for you:")[1]


def test_user_errors_are_not_swallowed(items):
    from llmworks.llm import UnknownModelError

    with pytest.raises(UnknownModelError):
        LLMPricer(model="nowhere/model").predict(items[:1])


@pytest.mark.slow
def test_local_smollm2_gives_numbers_or_no_estimate(items):
    estimates = LLMPricer(model="local/smollm2").predict(items[:2])
    assert len(estimates) == 2
    assert all(e is None or 0 < e <= 100_000 for e in estimates)
    assert any(e is not None for e in estimates)  # constrained decoding yields a number


def test_a_slow_model_reports_items_done_and_time_left(items, monkeypatch):
    import itertools
    import time

    from llmworks.apps.pricer.progress import reporting

    clock = itertools.count(0.0, 5.0)  # every reading of the clock is 5 s later: each item takes ~10 s
    monkeypatch.setattr(time, "perf_counter", lambda: next(clock))
    lines: list[str] = []
    with reporting(lines.append):
        LLMPricer(model=ScriptedModel(['{"price": 10}'] * 4)).predict(items[:4])
    assert lines and lines[0].startswith("Priced 1/4 items with llm (about ")
    assert not any(line.startswith("Priced 4/4") for line in lines)  # nothing to say once done
