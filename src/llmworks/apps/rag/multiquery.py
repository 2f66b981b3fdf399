"""Multi-query retrieval: the model rewrites the question into a few search queries, each is searched, and the
ranked lists are fused by reciprocal rank (RAG-Fusion). Aimed at questions that name a thing by a description
("the Marketing Manager in Austin") rather than by the words of the document that answers them.

Not on by default: measured on the tune half of the dev questions with the default 1.5B writing the rewrites
(benchmarks/rag_steps.py --write-rewrites), it lowered MRR (0.917 → 0.890 alone, 0.937 → 0.920 with the overview
chunks and section expansion; relationship questions -0.06 to -0.08) and costs a model call per question (~6.5 s
with the 1.5B on a busy 2-core machine). The small model mostly rephrases the question's own words, or drops
them ("product sheet job title"), so the extra lists add noise. Kept as an API for stronger models.

    rewrites("Who leads design for Homellm?")                      # → ["Homellm UX designer", ...] (one model call)
    MultiQueryRetriever(retriever, rewrite=rewrites).search(q, 10)  # the same interface as Retriever
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import BaseModel, Field

from .retrieval import RRF_K, Hit, Retriever

REWRITES = 3


class Queries(BaseModel):
    queries: list[str] = Field(description="short search queries, each a different wording of the question")


def rewrites(question: str, *, model=None, n: int = REWRITES) -> list[str]:
    """Up to `n` alternative search queries for `question` (checked: non-empty, distinct, not the question)."""
    from ... import llm

    prompt = (
        f"Question about a company's documents (HR records, contracts, product sheets): {question}\n\n"
        f"Write {n} short search queries that would find the passages answering it. Use other words than the "
        "question: the job title, product, client or document type it refers to, and the fact asked for."
    )
    try:
        got = llm.structured(prompt, schema=Queries, model=model, temperature=0, max_tokens=120).output.queries
    except llm.ModelOutputError:
        return []
    seen = {question.strip().lower()}
    out = []
    for q in (" ".join(q.split()) for q in got):
        if q and len(q) <= 200 and q.lower() not in seen:
            seen.add(q.lower())
            out.append(q)
    return out[:n]


class MultiQueryRetriever:
    """A Retriever whose `search` also searches the model's rewrites of the query and fuses the lists by rank.
    `rewrite` is a function (query → queries) or a table of precomputed rewrites (for benchmarks)."""

    def __init__(self, retriever: Retriever, rewrite: Callable[[str], list[str]] | Mapping[str, list[str]]):
        self.retriever = retriever
        self._rewrite = rewrite.get if isinstance(rewrite, Mapping) else rewrite

    def __len__(self) -> int:
        return len(self.retriever)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        queries = [query, *(self._rewrite(query) or [])]
        fused: dict[str, float] = {}
        hits: dict[str, Hit] = {}
        for q in queries:
            for rank, hit in enumerate(self.retriever.search(q, k), 1):
                fused[hit.id] = fused.get(hit.id, 0.0) + 1 / (RRF_K + rank)
                hits.setdefault(hit.id, hit)
        return [hits[cid] for cid in sorted(fused, key=lambda cid: -fused[cid])[:k]]
