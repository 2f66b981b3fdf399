"""The model layer's public API for apps and tests: llm.override, capabilities from the catalog deciding behaviour,
and structured results that carry their usage."""

from __future__ import annotations

import threading

import pytest
from pydantic import BaseModel

from llmworks import llm
from llmworks.events import Done, app, result
from llmworks.llm.testing import FunctionModel, ScriptedModel, call


class City(BaseModel):
    name: str
    population: int


# -- llm.override ------------------------------------------------------------------------------------------------


def test_override_serves_calls_without_a_model_the_default_name_and_its_own_name():
    from llmworks.config import get_settings

    with llm.override(ScriptedModel(["one", "two", "three"])) as model:
        assert llm.chat("a").text == "one"
        assert llm.chat("b", model=get_settings().model).text == "two"  # an app that resolved the default itself
        assert llm.chat("c", model="test/scripted").text == "three"
        assert llm.get_model("openai/gpt-4.1-mini").name == "openai/gpt-4.1-mini"  # other names: the real thing
    assert len(model.requests) == 3
    assert llm.get_model().name == get_settings().model  # gone after the block


def test_override_by_name_nests_and_the_innermost_wins():
    outer, inner = ScriptedModel(["outer"]), ScriptedModel(["inner"])
    with llm.override({"openai/gpt-4.1-mini": outer}):
        with llm.override({"openai/gpt-4.1-mini": inner}):
            assert llm.chat("x", model="openai/gpt-4.1-mini").text == "inner"
        assert llm.chat("x", model="openai/gpt-4.1-mini").text == "outer"
        assert llm.get_model().name != "test/scripted"  # a name table leaves the default alone


def test_override_reaches_worker_threads():
    @app
    def two_calls():
        replies: list[str] = []
        worker = threading.Thread(target=lambda: replies.append(llm.chat("on a worker").text))
        worker.start()
        worker.join()
        yield Done(replies + [llm.chat("here").text])

    with llm.override(ScriptedModel(["from the worker", "from here"])):
        assert result(two_calls()) == ["from the worker", "from here"]


def test_override_leaves_explicit_model_objects_alone():
    with llm.override(ScriptedModel([])):
        assert llm.chat("x", model=ScriptedModel(["mine"])).text == "mine"


# -- capabilities ------------------------------------------------------------------------------------------------


def test_capabilities_come_from_the_catalog():
    assert llm.capabilities("local/smollm2").embedded and not llm.capabilities("openai/gpt-4.1-mini").embedded
    assert llm.capabilities("openai/gpt-4.1-mini").vision and not llm.capabilities("local/smollm2").vision
    assert llm.capabilities("openai/gpt-image-1").image_output
    assert not llm.capabilities("deepseek/deepseek-chat").json_schema
    assert llm.capabilities("local/minilm").dimensions == 384
    assert llm.get_model("openai/gpt-4o").info.vision  # on the Model too
    with pytest.raises(llm.UnknownModelError):
        llm.capabilities("nobody/nothing")
    # a name the catalog does not know: a test double or custom provider counts as a capable remote model
    assert FunctionModel(str, name="test/anything").info.tools
    assert FunctionModel(str, name="local/smollm2").info.embedded


def test_a_model_without_tools_is_refused_before_any_call():
    model = ScriptedModel([call("lookup", q="x")], capabilities={"tools": False})

    def lookup(q: str) -> str:
        """Look something up."""
        return q

    with pytest.raises(llm.LLMError, match="cannot call tools"):
        llm.run_tools("Find x", tools=[lookup], model=model)
    assert model.requests == []


def test_a_model_without_vision_is_refused_an_image():
    picture = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}},
            ],
        }
    ]
    with pytest.raises(llm.LLMError, match="cannot read images"):
        llm.chat(picture, model=ScriptedModel(["a cat"]))  # a test double: no vision unless it says so
    seeing = ScriptedModel(["a cat"], capabilities={"vision": True})
    assert llm.chat(picture, model=seeing).text == "a cat"


def test_image_asks_the_catalog_not_the_class(monkeypatch):
    # openai/gpt-4.1-mini's provider class has an image() method, but the catalog says it cannot draw: no request
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used")
    with pytest.raises(llm.LLMError, match="openai/gpt-4.1-mini cannot draw images"):
        llm.image("a lighthouse", model="openai/gpt-4.1-mini")


def test_structured_without_native_schema_puts_the_schema_in_the_prompt():
    model = ScriptedModel(['{"name": "Paris", "population": 2100000}'], capabilities={"json_schema": False})
    out = llm.structured("Paris?", schema=City, model=model, system="Be exact.")
    assert out.output == City(name="Paris", population=2100000)
    request = model.requests[0]
    assert request.schema is None  # not sent as response_format
    system = request.messages[0]
    assert system["role"] == "system" and system["content"].startswith("Be exact.")
    assert '"population"' in system["content"] and "JSON" in system["content"]
    native = ScriptedModel(['{"name": "Paris", "population": 1}'])
    llm.structured("Paris?", schema=City, model=native)
    assert native.requests[0].schema is not None and "JSON schema" not in str(native.requests[0].messages)


# -- structured results ------------------------------------------------------------------------------------------


def test_structured_usage_counts_in_the_apps_total():
    @app
    def extract():
        city = llm.structured("Paris?", schema=City)
        yield Done(city)

    with llm.override(ScriptedModel(['{"name": "Paris"}', '{"name": "Paris", "population": 2}'])):
        *_, done = extract()
    assert done.result.output.population == 2
    assert done.calls == 2 and done.usage.input_tokens == done.result.usage.input_tokens > 0
    assert done.usage.output_tokens == done.result.usage.output_tokens
