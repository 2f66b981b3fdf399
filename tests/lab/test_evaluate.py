"""The evaluation metrics on hand-checked cases, and a whole evaluation run on a scripted model."""

from __future__ import annotations

import json

import pytest

from llmworks import llm
from llmworks.apps.lab.evaluate import chrf, entity_f1, evaluate, normalize, qa_scores, rouge_l
from llmworks.errors import DataError, LlmworksError
from llmworks.events import result
from llmworks.llm.testing import FunctionModel


def test_entity_f1_needs_text_and_type():
    rows = [{"text": "x", "entities": [["Ada", "PER"], ["London", "LOC"]]}]
    preds = [[{"text": "ada", "type": "PER"}, {"text": "London", "type": "ORG"}, {"text": "Paris", "type": "LOC"}]]
    scores, misses = entity_f1(rows, preds)
    assert scores["precision"] == pytest.approx(1 / 3) and scores["recall"] == pytest.approx(1 / 2)
    assert scores["f1"] == pytest.approx(0.4) and len(misses) == 1


def test_qa_scores_use_squad_normalisation_and_the_best_answer():
    assert normalize("The  Mediterranean Sea!") == "mediterranean sea"
    rows = [{"question": "q1", "answers": ["Mediterranean Sea"]}, {"question": "q2", "answers": ["330 metres"]}]
    scores, misses = qa_scores(rows, [{"answer": "the Mediterranean sea."}, {"answer": "330"}])
    assert scores["exact_match"] == 0.5
    assert scores["f1"] == pytest.approx((1 + 2 / 3) / 2)
    assert misses == ["'q2': '330' (want '330 metres')"]


def test_chrf_and_rouge_reward_the_reference_over_a_wrong_reply():
    rows = [{"source": "s", "target": "Le musée est fermé le lundi.", "summary": "The museum is closed on Mondays."}]
    assert chrf(rows, ["Le musée est fermé le lundi."])[0]["chrf"] == pytest.approx(100)
    assert chrf(rows, ["Le chat dort."])[0]["chrf"] < 30
    assert rouge_l(rows, ["The museum is closed on Mondays."])[0]["rougeL"] == pytest.approx(1)
    assert rouge_l(rows, ["Bread tastes good."])[0]["rougeL"] == 0


def test_an_evaluation_runs_every_item_and_scores_it(tmp_path):
    data = tmp_path / "s.jsonl"
    rows = [
        {"text": "good", "label": "positive"},
        {"text": "bad", "label": "negative"},
        {"text": "meh", "label": "negative"},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows))

    def classify(request):
        text = request.messages[-1]["content"]
        return json.dumps({"label": "negative" if text == "bad" else "positive"})

    with llm.override(FunctionModel(classify)):
        ev = result(evaluate("sentiment", data=data))
    assert ev.items == 3 and ev.scores == {"accuracy": pytest.approx(2 / 3)}
    assert ev.misses == ["'meh': positive (is negative)"] and ev.backend == "test/function"


def test_bad_sets_and_tasks_are_refused(tmp_path):
    with pytest.raises(LlmworksError, match="No evaluation set"):
        result(evaluate("generate"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "label": "positive"}\nnot json\n')
    with pytest.raises(DataError, match="bad.jsonl:2: not JSON"):
        result(evaluate("sentiment", data=bad))


def test_the_built_in_sets_are_consistent():
    from llmworks.apps.lab.evaluate import DATA, FILES, _rows

    for task, name in FILES.items():
        rows = _rows(DATA / name)
        assert rows, task
        if task == "ner":
            assert all(e in r["text"] for r in rows for e, _ in r["entities"])
        if task == "qa":
            assert all(any(a in r["context"] for a in r["answers"]) for r in rows)
        if task == "zero-shot":
            assert all(r["label"] in r["labels"] for r in rows)
