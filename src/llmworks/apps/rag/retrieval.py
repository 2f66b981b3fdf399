"""Hybrid retrieval: vector similarity and BM25 keywords, fused by relative score.

Pure vector search misses exact names, ids and numbers (the course's "who received the IIOTY award" failure); pure
BM25 misses paraphrases. Each signal scores its candidates, the scores are rescaled to 0..1 within the query
(cosine: min-max over the vector candidates; BM25: divided by the best), and a chunk's fused score is
`alpha * vector + (1 - alpha) * bm25` (Weaviate's "relative score fusion"). On our benchmark it beat reciprocal-rank
fusion at every weight tried, because it keeps how far ahead the best match is instead of only its rank.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from .store import VectorStore

ALPHA = 0.4  # weight of the vector signal, 1 - ALPHA goes to BM25: keyword-heavy business documents (names, ids,
# amounts) favoured BM25 at every chunk size measured (benchmarks/rag_retrieval.py --alpha), so it leads slightly
CANDIDATES = 200  # vector candidates per query (at least): the min-max scaling needs a wide enough pool

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "after",
        "all",
        "also",
        "any",
        "each",
        "many",
        "much",
        "more",
        "most",
        "other",
        "over",
        "such",
        "under",
        "up",
        "us",
        "very",
    ]
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-case words and numbers, stop words dropped, Snowball-stemmed ("contracts" → "contract"); hyphenated
    ids are kept whole and also split (so "CR-2025-E-0078" matches itself and "2025")."""
    out = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        token = token.removesuffix("'s")
        parts = re.split(r"[-']", token)
        for t in [token, *parts] if len(parts) > 1 else [token]:
            if t not in _STOPWORDS and (len(t) > 1 or t.isdigit()):
                out.append(t)
    return _stemmer().stemWords(out)


@dataclass
class Hit:
    id: str
    text: str
    metadata: dict
    score: float
    """Fused score (higher is better); comparable only within one query."""
    similarity: float | None
    """Cosine similarity to the query, when the vector search returned this chunk."""
    vector_rank: int | None
    bm25_rank: int | None

    @property
    def source(self) -> str:
        return self.metadata.get("source", "")


class Retriever:
    """Searches one store. Built once (loads texts for BM25), then `search()` many times; thread-safe."""

    def __init__(
        self, store: VectorStore, *, embed_model: str | None = None, mode: str = "hybrid", alpha: float = ALPHA
    ):
        if mode not in ("hybrid", "vector", "bm25"):
            from ...errors import LlmworksError

            raise LlmworksError(f"Unknown retrieval mode {mode!r}; choose hybrid, vector or bm25.")
        self.store, self.mode = store, mode
        self.embed_model = embed_model or store.info().embed_model or None
        self.alpha = {"vector": 1.0, "bm25": 0.0}.get(mode, alpha)
        chunks = store.all()
        self.ids, self.texts, self.metadatas = chunks.ids, chunks.texts, chunks.metadatas
        self._row = {cid: i for i, cid in enumerate(self.ids)}
        self._bm25 = None
        self._lock = threading.Lock()
        if self.ids and mode != "vector":
            import bm25s

            self._bm25 = bm25s.BM25()
            self._bm25.index([tokenize(t) for t in self.texts], show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        if not self.ids or k <= 0:
            return []
        n = min(max(CANDIDATES, 3 * k), len(self.ids))
        fused: dict[str, float] = {}
        similarity: dict[str, float] = {}
        vrank: dict[str, int] = {}
        brank: dict[str, int] = {}
        if self.mode != "bm25":
            from ...embed import embed

            vector = embed([query], **({"model": self.embed_model} if self.embed_model else {}))[0]
            hits = self.store.query(vector, n)
            if hits:
                hi, lo = hits[0][1], hits[-1][1]
                for rank, (cid, sim) in enumerate(hits, 1):
                    scaled = (sim - lo) / (hi - lo) if hi > lo else 1.0
                    fused[cid] = self.alpha * scaled
                    similarity[cid], vrank[cid] = sim, rank
        if self._bm25 is not None:
            tokens = tokenize(query)
            if tokens:
                with self._lock:  # bm25s keeps per-call state
                    rows, scores = self._bm25.retrieve([tokens], k=n, show_progress=False, n_threads=1)
                top = float(scores[0][0]) if len(scores[0]) else 0.0
                for rank, (row, score) in enumerate(zip(rows[0], scores[0]), 1):
                    if score <= 0:
                        break
                    cid = self.ids[int(row)]
                    fused[cid] = fused.get(cid, 0.0) + (1 - self.alpha) * float(score) / top
                    brank[cid] = rank
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        return [
            Hit(
                cid,
                self.texts[self._row[cid]],
                self.metadatas[self._row[cid]],
                fused[cid],
                similarity.get(cid),
                vrank.get(cid),
                brank.get(cid),
            )
            for cid in best
            if cid in self._row
        ]
