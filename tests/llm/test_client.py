"""chat / stream / structured, logging and errors, with test doubles and real settings."""

from __future__ import annotations

import json
import sqlite3

import pytest
from pydantic import BaseModel

from llmworks import llm
from llmworks.config import get_settings
from llmworks.llm import catalog
from llmworks.llm.testing import FunctionModel, ScriptedModel


class City(BaseModel):
    name: str
    population: int


def _calls():
    db = sqlite3.connect(get_settings().logs_db)
    return db.execute("select model, kind, messages, response, input_tokens, error from calls order by id").fetchall()


def test_chat_passes_system_and_options_and_logs_the_call():
    model = ScriptedModel(["Bonjour"])
    r = llm.chat("Say hi in French", model=model, system="Be brief", temperature=0.2, max_tokens=7)
    req = model.requests[0]
    assert req.messages == [{"role": "system", "content": "Be brief"}, {"role": "user", "content": "Say hi in French"}]
    assert (req.temperature, req.max_tokens) == (0.2, 7)
    assert r.text == "Bonjour" and r.usage.output_tokens >= 1 and r.duration_s >= 0
    [(name, kind, messages, response, tokens, error)] = _calls()
    assert (name, kind, response, error) == ("test/scripted", "chat", "Bonjour", None)
    assert json.loads(messages)[1]["content"] == "Say hi in French" and tokens == r.usage.input_tokens


def test_stream_yields_deltas_then_a_response():
    s = llm.stream("Count", model=ScriptedModel(["one two three four five"]))
    deltas = list(s)
    assert len(deltas) > 3 and "".join(deltas) == "one two three four five"
    assert s.response.text == "one two three four five" and s.response.ttft_s is not None
    assert _calls()[0][1] == "stream"


def test_structured_validates_and_retries_with_the_error():
    model = ScriptedModel(['{"name": "Paris"}', 'Sure! ```json\n{"name": "Paris", "population": 2100000}\n```'])
    result = llm.structured("Paris?", schema=City, model=model)
    assert result.output == City(name="Paris", population=2100000)
    assert model.requests[0].schema["required"] == ["name", "population"]
    assert "population" in model.requests[1].messages[-1]["content"]  # the validation error went back
    assert result.response.text.startswith("Sure!")  # the call that validated
    first, second = (len(r.messages) for r in model.requests)
    assert result.usage.input_tokens == sum(json.loads(row[2]) and row[4] for row in _calls())  # both tries counted
    assert result.usage.input_tokens > result.response.usage.input_tokens and second > first


def test_structured_gives_up_with_a_clear_error():
    with pytest.raises(llm.ModelOutputError, match="valid City after 2 tries"):
        llm.structured("?", schema=City, model=ScriptedModel(["nope", "still nope"]))


def test_prompt_too_long_states_tokens_and_window():
    model = FunctionModel(lambda r: "x", context_window=100)
    with pytest.raises(llm.ContextWindowError, match=r"about [\d,]+ tokens, but its context window is 100"):
        llm.chat("word " * 400, model=model)
    assert "ContextWindowError" in _calls()[0][5]


def test_unknown_model_suggests_a_name():
    with pytest.raises(llm.UnknownModelError, match="Did you mean 'openai/gpt-4o-mini'"):
        llm.get_model("openai/gpt-4o-mnii") if False else catalog.find("opnai/gpt-4o-mini")
    with pytest.raises(llm.UnknownModelError, match="local/smollm2"):
        llm.get_model("local/nonexistent")


def test_missing_key_names_the_env_var(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    with pytest.raises(llm.MissingKeyError, match="ANTHROPIC_API_KEY"):
        llm.chat("hi", model="anthropic/claude-haiku-4-5")


def test_default_model_comes_from_settings(monkeypatch):
    from llmworks.config import reset_settings

    monkeypatch.setenv("LLMWORKS_MODEL", "openai/gpt-4.1-nano")
    reset_settings()
    assert llm.get_model().name == "openai/gpt-4.1-nano"


def test_costs_come_from_the_price_table_and_unknown_stays_unknown():
    assert catalog.cost_usd("openai/gpt-4.1-mini", 1_000_000, 0) == pytest.approx(0.4)
    assert catalog.cost_usd("openai/some-future-model", 10, 10) is None
    assert catalog.cost_usd("local/smollm2", 10, 10) == 0.0
    r = llm.chat("hi", model=ScriptedModel(["hello"]))
    assert r.usage.cost_usd is None  # a test model has no price: not 0


def test_secrets_never_reach_the_log(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefghijklmnop")
    llm.chat("my key is sk-test-abcdefghijklmnop", model=ScriptedModel(["ok"]))
    assert "abcdefghijklmnop" not in _calls()[0][2]


def test_a_model_that_cannot_draw_says_so():
    with pytest.raises(llm.LLMError, match="cannot draw images. Use an image model such as openai/gpt-image-1"):
        llm.image("a lighthouse", model=ScriptedModel([]))
