"""Evaluate retrieval (MRR, nDCG@k, keyword coverage@k) and, optionally, answers: scored without a model
(keyword and numeric-fact recall, "I don't know" rate; see answer_metrics) and/or graded by a judge model.

Tests are JSON lines: {"question", "keywords": [...], "reference_answer", "category"}.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ...errors import DataError, LlmworksError
from ...events import Done, Event, Progress, app, result
from .answer import ANSWER_K, answer
from .answer_metrics import ANSWER_METRICS, answer_scores
from .metrics import question_scores
from .retrieval import Retriever

METRICS = ("mrr", "ndcg", "coverage")
JUDGED = ("accuracy", "completeness", "relevance")


class TestCase(BaseModel):
    __test__ = False  # not a pytest class, despite the name

    question: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    reference_answer: str = ""
    category: str = "uncategorized"


class Judgement(BaseModel):
    feedback: str = Field(description="one or two sentences on what is right or wrong in the answer")
    accuracy: int = Field(ge=1, le=5, description="1 = wrong, 5 = fully correct, compared with the reference")
    completeness: int = Field(ge=1, le=5, description="1 = misses most of the reference, 5 = covers all of it")
    relevance: int = Field(ge=1, le=5, description="1 = off-topic, 5 = answers exactly the question asked")


def load_tests(path: Path | str) -> list[TestCase]:
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"No tests file at {path}. Give a JSON-lines file of "
            '{"question", "keywords", "reference_answer", "category"} objects.'
        )
    tests = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            tests.append(TestCase.model_validate_json(line))
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise DataError(f"{path}:{n}: {where}: {first['msg']}. Each line must be one test object.") from e
    if not tests:
        raise DataError(f"{path} holds no tests.")
    return tests


@dataclass
class QuestionResult:
    test: TestCase
    scores: dict[str, float]
    sources: list[str]
    seconds: float
    answer: str | None = None
    answer_scores: dict | None = None
    """Judge-free scores of `answer` (answer_metrics.answer_scores); fact_recall is None without reference numbers."""
    answer_seconds: float = 0.0
    judgement: Judgement | None = None


@dataclass
class EvalReport:
    k: int
    results: list[QuestionResult] = field(default_factory=list)

    @staticmethod
    def _mean(results: list[QuestionResult]) -> dict:
        out: dict = {m: sum(r.scores[m] for r in results) / len(results) if results else 0.0 for m in METRICS}
        answered = [r.answer_scores for r in results if r.answer_scores]
        for m in ANSWER_METRICS if answered else ():
            values = [a[m] for a in answered if a[m] is not None]
            out[m] = sum(values) / len(values) if values else None
        judged = [r.judgement for r in results if r.judgement]
        for m in JUDGED if judged else ():
            out[m] = sum(getattr(j, m) for j in judged) / len(judged)
        out["n"] = len(results)
        return out

    def overall(self) -> dict:
        return self._mean(self.results)

    def by_category(self) -> dict[str, dict]:
        groups: dict[str, list[QuestionResult]] = defaultdict(list)
        for r in self.results:
            groups[r.test.category].append(r)
        return {c: self._mean(groups[c]) for c in sorted(groups)}

    def to_dict(self) -> dict:
        out = {**self.overall(), "k": self.k, "by_category": self.by_category()}
        if any(r.answer is not None for r in self.results):
            out["answers"] = [
                {
                    "question": r.test.question,
                    "category": r.test.category,
                    "answer": r.answer,
                    "seconds": round(r.answer_seconds, 2),
                    **(r.answer_scores or {}),
                }
                for r in self.results
            ]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict())


def judge_answer(test: TestCase, answer_text: str, *, judge=None) -> Judgement:
    from ... import llm

    prompt = (
        f"Question: {test.question}\n\nReference answer: {test.reference_answer}\n\n"
        f"Answer to grade: {answer_text}\n\nGrade the answer against the reference answer. "
        'An answer of "I don\'t know" when the reference has an answer scores 1 for accuracy and completeness.'
    )
    system = "You are a strict, fair grader of answers to questions about company documents."
    return llm.structured(prompt, schema=Judgement, model=judge, temperature=0, system=system).output


def stratified(tests: list[TestCase], limit: int | None) -> list[TestCase]:
    """The first `limit` tests taken round-robin over the categories (file order within each), so a small subset
    still covers every category; all of them when `limit` is None."""
    if limit is None or limit >= len(tests):
        return list(tests)
    if limit < 1:
        raise LlmworksError(f"--limit must be at least 1 (got {limit}).")
    groups: dict[str, list[TestCase]] = defaultdict(list)
    for t in tests:
        groups[t.category].append(t)
    picked: list[TestCase] = []
    queues = [list(g) for g in groups.values()]
    while len(picked) < limit:
        for q in queues:
            if q and len(picked) < limit:
                picked.append(q.pop(0))
    return picked


@app
def run_eval(
    tests: list[TestCase],
    retriever: Retriever,
    *,
    k: int = 10,
    answers: bool = False,
    judge=None,
    model=None,
    answer_k: int = ANSWER_K,
) -> Iterator[Event]:
    """Score retrieval for every test; with `answers` (or `judge`), also answer with `model` and score the answer
    against the reference without a model; with `judge`, also have `judge` grade it. Progress every tenth of the
    way (every question when answering: each takes seconds); Done(EvalReport)."""
    if k < 1:
        raise LlmworksError(f"-k must be at least 1 (got {k}).")
    answers = answers or judge is not None
    report = EvalReport(k)
    every = 1 if answers else max(1, len(tests) // 10)  # ten progress lines at most: a terminal shows each one
    for i, test in enumerate(tests, 1):
        started = time.perf_counter()
        hits = retriever.search(test.question, k)
        seconds = time.perf_counter() - started
        scored = QuestionResult(
            test,
            question_scores(test.keywords, [h.text for h in hits], k),
            list(dict.fromkeys(h.source for h in hits)),
            seconds,
        )
        if answers:
            started = time.perf_counter()
            found = answer(test.question, retriever, model=model, k=answer_k)
            scored.answer, scored.answer_seconds = found.text, time.perf_counter() - started
            scored.answer_scores = answer_scores(
                test.keywords, test.reference_answer, found.text, known=found.known, question=test.question
            )
        if judge is not None:
            scored.judgement = judge_answer(test, scored.answer, judge=judge)
        report.results.append(scored)
        if i % every == 0 or i == len(tests):
            yield Progress(f"Evaluated {i} of {len(tests)} questions")
    yield Done(report)


def evaluate(tests: list[TestCase], retriever: Retriever, **options) -> EvalReport:
    """`run_eval` to the end: the report."""
    return result(run_eval(tests, retriever, **options))
