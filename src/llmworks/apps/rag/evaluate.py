"""Evaluate retrieval (MRR, nDCG@k, keyword coverage@k) and, optionally, answers judged by a model.

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
    judgement: Judgement | None = None


@dataclass
class EvalReport:
    k: int
    results: list[QuestionResult] = field(default_factory=list)

    @staticmethod
    def _mean(results: list[QuestionResult]) -> dict:
        out: dict = {m: sum(r.scores[m] for r in results) / len(results) if results else 0.0 for m in METRICS}
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
        return {**self.overall(), "k": self.k, "by_category": self.by_category()}

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


@app
def run_eval(
    tests: list[TestCase], retriever: Retriever, *, k: int = 10, judge=None, model=None, answer_k: int = ANSWER_K
) -> Iterator[Event]:
    """Score retrieval for every test; with `judge`, also answer with `model` and have `judge` grade the answer.
    Progress every tenth of the way; Done(EvalReport)."""
    if k < 1:
        raise LlmworksError(f"-k must be at least 1 (got {k}).")
    report = EvalReport(k)
    every = max(1, len(tests) // 10)  # ten progress lines at most: a terminal shows each one
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
        if judge is not None:
            scored.answer = answer(test.question, retriever, model=model, k=answer_k).text
            scored.judgement = judge_answer(test, scored.answer, judge=judge)
        report.results.append(scored)
        if i % every == 0 or i == len(tests):
            yield Progress(f"Evaluated {i} of {len(tests)} questions")
    yield Done(report)


def evaluate(tests: list[TestCase], retriever: Retriever, **options) -> EvalReport:
    """`run_eval` to the end: the report."""
    return result(run_eval(tests, retriever, **options))
