"""Retrieval metrics as the course defines them: relevance is per keyword (a chunk is relevant to a keyword when it
contains it, case-insensitive); each metric is computed per keyword, then averaged over a question's keywords."""

from __future__ import annotations

import math


def relevances(keyword: str, texts: list[str]) -> list[int]:
    needle = keyword.lower()
    return [int(needle in t.lower()) for t in texts]


def reciprocal_rank(keyword: str, texts: list[str]) -> float:
    """1/rank of the first chunk containing `keyword`; 0 when none does."""
    for rank, rel in enumerate(relevances(keyword, texts), 1):
        if rel:
            return 1.0 / rank
    return 0.0


def dcg(rels: list[int], k: int) -> float:
    return sum(rel / math.log2(i + 2) for i, rel in enumerate(rels[:k]))


def ndcg(keyword: str, texts: list[str], k: int) -> float:
    """Binary-relevance nDCG@k. As in the course, the ideal ranking reorders the retrieved chunks (the relevant ones
    first): it scores the order of what was found, while coverage scores whether it was found at all."""
    rels = relevances(keyword, texts[:k])
    ideal = dcg(sorted(rels, reverse=True), k)
    return dcg(rels, k) / ideal if ideal else 0.0


def question_scores(keywords: list[str], texts: list[str], k: int) -> dict[str, float]:
    """MRR, nDCG@k and keyword coverage@k of one question's top-k retrieved chunk texts."""
    if not keywords:
        raise ValueError("a test question needs at least one keyword")
    top = texts[:k]
    rr = [reciprocal_rank(kw, top) for kw in keywords]
    return {
        "mrr": sum(rr) / len(keywords),
        "ndcg": sum(ndcg(kw, top, k) for kw in keywords) / len(keywords),
        "coverage": sum(1 for r in rr if r > 0) / len(keywords),
    }
