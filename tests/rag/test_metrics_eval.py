"""Metric functions against hand-computed values, and the evaluation report (overall, per category, JSON)."""

from __future__ import annotations

import json
import math

import pytest

from llmworks.apps.rag import KnowledgeBase, load_tests
from llmworks.apps.rag.evaluate import EvalReport, QuestionResult, TestCase
from llmworks.apps.rag.metrics import ndcg, question_scores, reciprocal_rank
from llmworks.errors import LlmworksError
from llmworks.llm.testing import ScriptedModel

TEXTS = ["Alpha BETA", "gamma", "beta delta", "epsilon"]


def test_reciprocal_rank_is_case_insensitive_and_zero_when_absent():
    assert reciprocal_rank("beta", TEXTS) == 1.0
    assert reciprocal_rank("DELTA", TEXTS) == pytest.approx(1 / 3)
    assert reciprocal_rank("epsilon", TEXTS) == 0.25
    assert reciprocal_rank("zeta", TEXTS) == 0.0


def test_ndcg_hand_computed():
    # relevances for "beta": [1, 0, 1, 0] → DCG = 1 + 1/log2(4) = 1.5; ideal [1, 1, 0, 0] → 1 + 1/log2(3)
    assert ndcg("beta", TEXTS, 4) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    # "delta" only at rank 3 → DCG 0.5, ideal 1 → 0.5
    assert ndcg("delta", TEXTS, 4) == pytest.approx(0.5)
    assert ndcg("delta", TEXTS, 2) == 0.0  # beyond k
    assert ndcg("zeta", TEXTS, 4) == 0.0


def test_question_scores_average_over_keywords_within_k():
    scores = question_scores(["beta", "delta", "zeta"], TEXTS, k=2)
    # top-2 = "Alpha BETA", "gamma": beta at rank 1; delta is at rank 3 (outside k); zeta nowhere
    assert scores == pytest.approx({"mrr": 1 / 3, "ndcg": 1 / 3, "coverage": 1 / 3})
    scores = question_scores(["gamma", "delta"], TEXTS, k=4)
    assert scores["mrr"] == pytest.approx((1 / 2 + 1 / 3) / 2) and scores["coverage"] == 1.0
    with pytest.raises(ValueError):
        question_scores([], TEXTS, k=4)


def test_report_averages_per_category_and_overall():
    def result(category, mrr, ndcg_, coverage):
        return QuestionResult(
            TestCase(question="q", keywords=["k"], category=category),
            {"mrr": mrr, "ndcg": ndcg_, "coverage": coverage},
            [],
            0.0,
        )

    report = EvalReport(10, [result("a", 1.0, 1.0, 1.0), result("a", 0.5, 0.0, 0.5), result("b", 0.0, 0.0, 0.0)])
    assert report.by_category()["a"] == pytest.approx({"n": 2, "mrr": 0.75, "ndcg": 0.5, "coverage": 0.75})
    data = json.loads(report.to_json())
    assert set(data) == {"mrr", "ndcg", "coverage", "n", "k", "by_category"}
    assert data["n"] == 3 and data["mrr"] == pytest.approx(0.5) and data["by_category"]["b"]["mrr"] == 0.0


def test_load_tests_reports_the_bad_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"question": "q1", "keywords": ["a"], "category": "x"}\n\n{"question": "q2", "keywords": []}\n')
    with pytest.raises(LlmworksError, match=r"t.jsonl:3: keywords"):
        load_tests(path)
    with pytest.raises(LlmworksError, match="No tests file"):
        load_tests(tmp_path / "missing.jsonl")


def test_evaluate_end_to_end_with_judge(corpus, embedder, tmp_path):
    kb = KnowledgeBase.open(store="faiss")
    kb.ingest(corpus)
    tests = [
        TestCase(
            question="Who received the IIOTY award?",
            keywords=["Zebulon", "2023"],
            reference_answer="Maxine Zebulon, in 2023.",
            category="direct_fact",
        ),
        TestCase(
            question="What does Claimbot Scale Tier cost?",
            keywords=["$4,200", "nonexistent-keyword"],
            reference_answer="$4,200 per month.",
            category="numerical",
        ),
    ]
    model = ScriptedModel(
        [
            "Maxine Zebulon received it in 2023 [1].",
            '{"feedback": "correct", "accuracy": 5, "completeness": 4, "relevance": 5}',
            "Claimbot Scale Tier costs $4,200/month [1].",
            '{"feedback": "right", "accuracy": 5, "completeness": 5, "relevance": 5}',
        ]
    )
    report = kb.evaluate(tests, k=5, judge=model, model=model)
    numeric = report.by_category()["numerical"]
    assert numeric["coverage"] == 0.5  # the made-up keyword can never be found
    assert report.by_category()["direct_fact"]["coverage"] == 1.0
    overall = report.overall()
    assert overall["accuracy"] == 5 and overall["completeness"] == 4.5
    assert "Reference answer: Maxine Zebulon, in 2023." in model.requests[1].messages[-1]["content"]
