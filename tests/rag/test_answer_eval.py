"""Judge-free answer scores: numbers compared by value, keyword and fact recall, the "I don't know" rate, and the
answer evaluation end to end (app and `rag eval --answers`) with a scripted model."""

from __future__ import annotations

import json

import pytest

from llmworks.apps.rag import KnowledgeBase
from llmworks.apps.rag.answer_metrics import answer_scores, numbers
from llmworks.apps.rag.evaluate import TestCase, stratified
from llmworks.cli import main
from llmworks.errors import LlmworksError
from llmworks.llm.testing import ScriptedModel


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a $2M budget", 2_000_000),
        ("2 million dollars", 2_000_000),
        ("$1,098,000 in total", 1_098_000),
        ("50,000+ policies", 50_000),
        ("cut it by 60%", 60),
        ("four core values", 4),
        ("$199/month", 199),
        ("3.5 days", 3.5),
    ],
)
def test_numbers_are_read_by_value(text, value):
    assert value in numbers(text)


def test_numbers_ignore_digits_inside_words_and_months_are_not_millions():
    assert numbers("Q3 and 12 months") == {"Q3", 12.0}  # a quarter is a fact of its own: Q3 2025 is not Q1 2025
    assert numbers("version X5") == set()
    assert numbers("one of them") == set()  # "one" is too common to count as a fact


def test_answer_scores_recall_keywords_and_facts():
    reference = "Lisa Anderson, the Marketing Manager in Austin, manages a $2M annual marketing budget."
    keywords = ["Lisa", "Anderson", "$2M", "Austin"]
    scores = answer_scores(keywords, reference, "Lisa Anderson manages 2 million dollars [1].", known=True)
    assert scores == {"keyword_recall": 0.5, "fact_recall": 1.0, "idk_rate": 0.0}
    wrong = answer_scores(keywords, reference, "Lisa Anderson manages $3M in Austin.", known=True)
    assert wrong["keyword_recall"] == 0.75 and wrong["fact_recall"] == 0.0


def test_numbers_the_question_gives_are_not_facts_of_the_answer():
    question = "When is Homellm version 2.0 scheduled for release?"
    reference = "Homellm version 2.0 is scheduled for release in Q1 2025."
    right = answer_scores([], reference, "In Q1 2025.", known=True, question=question)
    wrong = answer_scores([], reference, "Version 2.0 comes in Q3 2025.", known=True, question=question)
    assert right["fact_recall"] == 1.0 and wrong["fact_recall"] == 0.5  # "2.0" restates the question
    only_given = answer_scores([], "Emily did, in 2022.", "Emily.", known=True, question="Who led in 2022?")
    assert only_given["fact_recall"] is None


def test_a_declined_answer_scores_nothing_and_counts_as_idk():
    scores = answer_scores(["Lisa"], "Lisa, $2M.", "I don't know. Lisa $2M", known=False)
    assert scores == {"keyword_recall": 0.0, "fact_recall": 0.0, "idk_rate": 1.0}
    # no numbers in the reference: no fact recall; no reference at all: declining is not counted against it
    assert answer_scores(["x"], "Maxine", "Maxine", known=True)["fact_recall"] is None
    assert answer_scores(["x"], "", "I don't know.", known=False)["idk_rate"] is None


def test_stratified_takes_categories_in_turn():
    tests = [TestCase(question=f"q{i}", keywords=["k"], category="a" if i < 4 else "b") for i in range(6)]
    assert [t.question for t in stratified(tests, 3)] == ["q0", "q4", "q1"]
    assert stratified(tests, None) == tests and stratified(tests, 99) == tests
    with pytest.raises(LlmworksError, match="--limit"):
        stratified(tests, 0)


TESTS = [
    TestCase(
        question="Who received the IIOTY award?",
        keywords=["Zebulon", "2023"],
        reference_answer="Maxine Zebulon, in 2023.",
        category="direct_fact",
    ),
    TestCase(
        question="What does Claimbot Scale Tier cost?",
        keywords=["$4,200", "Scale"],
        reference_answer="$4,200 per month.",
        category="numerical",
    ),
]


def test_evaluate_answers_without_a_judge(corpus, embedder):
    kb = KnowledgeBase.open(store="faiss")
    kb.ingest(corpus)
    model = ScriptedModel(["Maxine Zebulon received it in 2023 [1].", "I don't know."])
    report = kb.evaluate(TESTS, k=5, answers=True, model=model)
    assert len(model.requests) == 2  # one answer per question, no judge call
    direct, numeric = report.by_category()["direct_fact"], report.by_category()["numerical"]
    assert direct["keyword_recall"] == 1.0 and direct["fact_recall"] == 1.0 and direct["idk_rate"] == 0.0
    assert numeric["keyword_recall"] == 0.0 and numeric["idk_rate"] == 1.0
    overall = report.overall()
    assert overall["idk_rate"] == 0.5 and overall["keyword_recall"] == 0.5 and "accuracy" not in overall
    rows = report.to_dict()["answers"]
    assert rows[0]["answer"].startswith("Maxine") and rows[1]["answer"] == "I don't know."
    assert "answers" not in kb.evaluate(TESTS, k=5).to_dict()  # retrieval only: no model called


def test_cli_eval_answers_json_and_table(corpus, embedder, tmp_path, capsys):
    from llmworks import llm

    tests = tmp_path / "tests.jsonl"
    tests.write_text("".join(t.model_dump_json() + "\n" for t in TESTS))
    model = ScriptedModel(["Maxine Zebulon, 2023 [1].", "Scale Tier: $4,200/month [1]."] * 2, name="test/scripted")
    with llm.override(model):
        argv = ["rag", "eval", str(tests), "--docs", str(corpus), "--answers", "-m", "test/scripted"]
        assert main([*argv, "--json", "--limit", "1"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["n"] == 1 and data["keyword_recall"] == 1.0 and len(data["answers"]) == 1
        assert main(argv) == 0
    table = capsys.readouterr().out
    assert "keywords" in table and "facts" in table and "idk" in table and "numerical" in table
