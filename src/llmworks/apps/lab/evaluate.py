"""Each pipeline task measured on a small labelled set (data/README.md says what each holds and its licence).

done = final(evaluate("sentiment"))          # Progress per item, then Done(Evaluation)
done.result.scores                           # {'accuracy': 0.95}
"""

from __future__ import annotations

import json
import re
import string
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import DataError, LlmworksError
from ...events import Done, Event, Progress, app, result
from .pipelines import TASKS, pipe

DATA = Path(__file__).parent / "data"
FILES = {
    "sentiment": "sentiment.jsonl",
    "zero-shot": "zero_shot.jsonl",
    "ner": "ner.jsonl",
    "qa": "qa.jsonl",
    "translate": "translate.jsonl",
    "summarize": "summarize.jsonl",
}
"""Tasks with an evaluation set; `generate` has no reference to score against."""


@dataclass
class Evaluation:
    task: str
    backend: str
    items: int
    scores: dict[str, float]
    seconds: float
    misses: list[str] = field(default_factory=list)
    """The items it got wrong, one line each (for reading, not scoring)."""


@app
def evaluate(
    task: str, *, data: str | Path | None = None, model: str | None = None, limit: int | None = None
) -> Iterator[Event]:
    """Run `task` over its labelled set (or `data`, a JSONL file of the same shape) and score it."""
    if task not in FILES:
        raise LlmworksError(f"No evaluation set for {task!r}.", f"Choose one of {', '.join(FILES)}.")
    rows = _rows(Path(data) if data else DATA / FILES[task])[:limit]
    started, backend = time.perf_counter(), ""
    preds = []
    for i, row in enumerate(rows, 1):
        yield Progress(f"{task} {i}/{len(rows)}")
        out = result(pipe(task, *_args(task, row), model=model, **_options(task, row)))
        backend = out.backend
        preds.append(out.output)
    scores, misses = SCORERS[task](rows, preds)
    yield Done(Evaluation(task, backend, len(rows), scores, time.perf_counter() - started, misses))


def _rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise DataError("no such file.", "Pass a JSONL file of the task's shape (see apps/lab/data).", path=path)
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as e:
                raise DataError(f"not JSON ({e}).", "One JSON object a line.", path=path, line=n) from None
    return rows


def _args(task: str, row: dict) -> tuple[str]:
    return (row["question"] if task == "qa" else row["source"] if task == "translate" else row["text"],)


def _options(task: str, row: dict) -> dict:
    if task == "qa":
        return {"context": row["context"]}
    if task == "zero-shot":
        return {"labels": row["labels"]}
    return {}


# -- metrics ----------------------------------------------------------------------------------------------------


def accuracy(rows: list[dict], preds: list[dict]) -> tuple[dict, list[str]]:
    misses = [
        f"{r['text'][:60]!r}: {p['label']} (is {r['label']})" for r, p in zip(rows, preds) if p["label"] != r["label"]
    ]
    return {"accuracy": 1 - len(misses) / len(rows)}, misses


def entity_f1(rows: list[dict], preds: list[list[dict]]) -> tuple[dict, list[str]]:
    """Entity-level micro F1: an entity counts when its text (case-insensitive) and type both match."""
    tp = fp = fn = 0
    misses = []
    for r, p in zip(rows, preds):
        gold = Counter((t.lower(), k) for t, k in r["entities"])
        got = Counter((e["text"].lower(), e["type"]) for e in p)
        hit = sum((gold & got).values())
        tp, fp, fn = tp + hit, fp + sum(got.values()) - hit, fn + sum(gold.values()) - hit
        if gold != got:
            misses.append(f"{r['text'][:50]!r}: got {sorted(got)} want {sorted(gold)}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}, misses


def normalize(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def qa_scores(rows: list[dict], preds: list[dict]) -> tuple[dict, list[str]]:
    """SQuAD exact match and token F1, the best over the listed answers."""
    em = f1 = 0.0
    misses = []
    for r, p in zip(rows, preds):
        got = normalize(p["answer"])
        em_i = max(float(got == normalize(a)) for a in r["answers"])
        f1_i = max(_token_f1(got, normalize(a)) for a in r["answers"])
        em, f1 = em + em_i, f1 + f1_i
        if not em_i:
            misses.append(f"{r['question']!r}: {p['answer']!r} (want {r['answers'][0]!r})")
    return {"exact_match": em / len(rows), "f1": f1 / len(rows)}, misses


def _token_f1(got: str, want: str) -> float:
    g, w = got.split(), want.split()
    common = sum((Counter(g) & Counter(w)).values())
    if not common:
        return 0.0
    p, r = common / len(g), common / len(w)
    return 2 * p * r / (p + r)


def chrf(rows: list[dict], preds: list[str]) -> tuple[dict, list[str]]:
    """Corpus chrF (sacrebleu's defaults: character 6-grams, beta 2), 0-100."""
    from sacrebleu.metrics import CHRF

    score = CHRF().corpus_score(preds, [[r["target"] for r in rows]]).score
    return {"chrf": score}, [f"{r['source']!r} → {p!r}" for r, p in zip(rows, preds)]


def rouge_l(rows: list[dict], preds: list[str]) -> tuple[dict, list[str]]:
    """Mean ROUGE-L F1 against the reference summaries (rouge-score, stemmed)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    values = [scorer.score(r["summary"], p)["rougeL"].fmeasure for r, p in zip(rows, preds)]
    return {"rougeL": sum(values) / len(values)}, []


SCORERS = {
    "sentiment": accuracy,
    "zero-shot": accuracy,
    "ner": entity_f1,
    "qa": qa_scores,
    "translate": chrf,
    "summarize": rouge_l,
}
assert set(SCORERS) <= set(TASKS)
