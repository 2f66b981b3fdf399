"""Pipelines on scripted models: labels constrained to an enum, spans checked against the input, backends named."""

from __future__ import annotations

import json

import pytest

from llmworks import llm
from llmworks.apps.lab.pipelines import locate, pipe, spans
from llmworks.errors import LlmworksError
from llmworks.events import Delta, result
from llmworks.llm.testing import FunctionModel, ScriptedModel


def test_sentiment_asks_for_an_enum_and_names_its_backend():
    model = ScriptedModel(['{"label": "negative"}'])
    with llm.override(model):
        out = result(pipe("sentiment", "Cold soup, rude waiter."))
    assert out.output == {"label": "negative"} and out.backend == model.name
    schema = model.requests[0].schema
    assert schema["properties"]["label"]["enum"] == ["positive", "negative"]


def test_zero_shot_labels_are_the_only_answers_allowed():
    model = ScriptedModel(['{"label": "sport"}'])
    with llm.override(model):
        out = result(pipe("zero-shot", "The striker scored.", labels=["sport", "politics"]))
    assert out.output == {"label": "sport"}
    assert model.requests[0].schema["properties"]["label"]["enum"] == ["sport", "politics"]
    with pytest.raises(LlmworksError, match="two labels"):
        result(pipe("zero-shot", "x", labels=["one"]))


def test_ner_keeps_spans_found_in_the_text_and_drops_invented_ones():
    text = "Ada Lovelace worked with Charles Babbage in london."
    reply = {
        "entities": [
            {"text": "Ada  Lovelace", "type": "PER"},
            {"text": "London", "type": "LOC"},
            {"text": "Cambridge", "type": "LOC"},
            {"text": "Ada Lovelace", "type": "PER"},
        ]
    }
    with llm.override(ScriptedModel([json.dumps(reply)])):
        out = result(pipe("ner", text))
    assert out.output == [
        {"text": "Ada Lovelace", "type": "PER", "start": 0, "end": 12},
        {"text": "london", "type": "LOC", "start": 44, "end": 50},
    ]
    assert out.notes == ["dropped 'Cambridge': not in the text"]


def test_qa_answer_outside_the_context_is_sent_back_then_a_span_is_accepted():
    context = "The Eiffel Tower was completed in 1889. It is 330 metres tall."
    model = ScriptedModel(['{"answer": "1890"}', '{"answer": "1889"}'])
    with llm.override(model):
        out = result(pipe("qa", "When was it completed?", context=context))
    assert out.output == {"answer": "1889", "start": 34, "end": 38}
    assert "copied exactly from the context" in str(model.requests[1].messages)


def test_qa_without_a_span_twice_says_so_instead_of_answering():
    with llm.override(ScriptedModel(['{"answer": "Paris"}', '{"answer": "France"}'])):
        out = result(pipe("qa", "Where?", context="It is 330 metres tall."))
    assert out.output["answer"] == "" and out.notes == ["no span of the context found"]
    with pytest.raises(LlmworksError, match="needs a context"):
        result(pipe("qa", "Where?"))


def test_translate_streams_with_the_languages_in_the_system_prompt():
    model = FunctionModel(lambda request: "Guten Morgen", chunk_size=3)
    with llm.override(model):
        events = list(pipe("translate", "Good morning", target="German"))
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "Guten Morgen"
    assert events[-1].result.output == "Guten Morgen"
    assert "from English to German" in model.requests[0].messages[0]["content"]


def test_unknown_task_and_empty_text_are_refused():
    with pytest.raises(LlmworksError, match="Unknown task"):
        result(pipe("parse", "x"))
    with pytest.raises(LlmworksError, match="No input"):
        result(pipe("sentiment", "  "))


def test_locate_forgives_case_and_spacing_only():
    assert locate("New  York City", "new york") == (0, 9)
    assert locate("New York", "York City") == (-1, -1)
    assert spans("A and A", [("A", "PER"), ("A", "PER")])[0] == [{"text": "A", "type": "PER", "start": 0, "end": 1}]
