"""Hybrid retrieval: vector similarity and BM25 keywords, fused by relative score.

Pure vector search misses exact names, ids and numbers (the course's "who received the IIOTY award" failure); pure
BM25 misses paraphrases. Each signal scores its candidates, the scores are rescaled to 0..1 within the query
(cosine: min-max over the vector candidates; BM25: divided by the best), and a chunk's fused score is
`alpha * vector + (1 - alpha) * bm25` (Weaviate's "relative score fusion"). It beats reciprocal-rank fusion because
it keeps how far ahead the best match is instead of only its rank: re-decided on the tune half of the dev questions
(issue 13, benchmarks/rag_steps.py): MRR 0.917 relative, 0.891 / 0.893 RRF at alpha 0.5 / 0.4.

Three steps on top, each kept because it raised tune MRR without lowering any category there by more than 0.02:
overview chunks (one extractive summary per folder, overview.py: holistic MRR 0.646 → 0.812), section expansion
(a hit returns its whole section, one hit per section: spanning questions find the fact cut into the next piece)
and grouping by document (the top-k hits of one document come back as one passage, best section first: the same
text, fewer passages, so a contract's terms and its signatures arrive together; tune MRR 0.937 → 0.961).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from functools import lru_cache

from .overview import overviews
from .store import VectorStore

ALPHA = 0.4  # weight of the vector signal, 1 - ALPHA goes to BM25: keyword-heavy business documents (names, ids,
# amounts) favoured BM25 at every chunk size measured (benchmarks/rag_retrieval.py --alpha), so it leads slightly
FUSION = "relative"
RRF_K = 60  # the usual reciprocal-rank constant
OVERVIEW = True  # tune MRR 0.917 → 0.930 alone
EXPAND = True  # tune MRR 0.917 → 0.925 alone, 0.937 with the overviews
GROUP = True  # tune MRR 0.937 → 0.961 on top of both (report half 0.948 → 0.977), no category lower
WHOLE_DOCUMENTS = 0  # characters: a document this short is returned whole (0: never). At 2,500 tune MRR rose only
# 0.937 → 0.941 (one question) while employee hits grew ~2.5x, and with grouping it adds nothing (0.961 either way)
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
    """Searches one store. Built once (loads texts for BM25), then `search()` many times; thread-safe.

    Options, each measured one by one on the tune half of the dev questions (benchmarks/rag_steps.py):
    `fusion` "relative" (default) or "rrf" (reciprocal rank); `overview` adds one extractive summary chunk per folder
    (overview.py) for questions about the whole collection; `expand` returns a hit's whole section (the pieces a long
    section was split into), one hit per section; `group` merges the top-k hits of one document into one passage
    (so `search(q, k)` returns at most k hits, holding the text of the top k)."""

    def __init__(
        self,
        store: VectorStore,
        *,
        embed_model: str | None = None,
        mode: str = "hybrid",
        alpha: float = ALPHA,
        fusion: str = FUSION,
        overview: bool = OVERVIEW,
        expand: bool = EXPAND,
        group: bool = GROUP,
        whole_documents: int = WHOLE_DOCUMENTS,
    ):
        from ...errors import LlmworksError

        if mode not in ("hybrid", "vector", "bm25"):
            raise LlmworksError(f"Unknown retrieval mode {mode!r}; choose hybrid, vector or bm25.")
        if fusion not in ("relative", "rrf"):
            raise LlmworksError(f"Unknown fusion {fusion!r}; choose relative or rrf.")
        self.store, self.mode, self.fusion, self.expand, self.group = store, mode, fusion, expand, group
        self.embed_model = embed_model or store.info().embed_model or None
        self.alpha = {"vector": 1.0, "bm25": 0.0}.get(mode, alpha)
        chunks = store.all()
        self.ids, self.texts, self.metadatas = chunks.ids, chunks.texts, chunks.metadatas
        self._extra_ids: list[str] = []
        self._extra_vectors = None
        if overview and self.ids:
            extra = overviews(self.texts, self.metadatas)
            self.ids, self.texts = self.ids + [o.id for o in extra], self.texts + [o.text for o in extra]
            self.metadatas = self.metadatas + [o.metadata for o in extra]
            self._extra_ids = [o.id for o in extra]
            if extra and mode != "bm25":
                self._extra_vectors = _cached_vectors([o.id for o in extra], [o.text for o in extra], self.embed_model)
        self._row = {cid: i for i, cid in enumerate(self.ids)}
        self._section = _sections(self.metadatas, self.texts, whole_documents) if expand else {}
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
            if self._extra_vectors is not None:
                hits = sorted(
                    [*hits, *zip(self._extra_ids, map(float, self._extra_vectors @ vector))], key=lambda h: -h[1]
                )
            if hits:
                hi, lo = hits[0][1], hits[-1][1]
                for rank, (cid, sim) in enumerate(hits, 1):
                    scaled = (sim - lo) / (hi - lo) if hi > lo else 1.0
                    fused[cid] = self.alpha * (scaled if self.fusion == "relative" else 1 / (RRF_K + rank))
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
                    signal = float(score) / top if self.fusion == "relative" else 1 / (RRF_K + rank)
                    fused[cid] = fused.get(cid, 0.0) + (1 - self.alpha) * signal
                    brank[cid] = rank
        ranked = [cid for cid in sorted(fused, key=lambda cid: -fused[cid]) if cid in self._row]
        out = []
        seen: set = set()
        for cid in ranked:
            if len(out) == k:
                break
            row = self._row[cid]
            text = self.texts[row]
            if self.expand:
                section = self._section.get(row, (row,))
                if section in seen:
                    continue
                seen.add(section)
                text = self._section_text(section) if len(section) > 1 else text
            out.append(
                Hit(cid, text, self.metadatas[row], fused[cid], similarity.get(cid), vrank.get(cid), brank.get(cid))
            )
        return _grouped(out) if self.group else out

    def _section_text(self, rows: tuple[int, ...]) -> str:
        """The pieces of one section in order: the first whole, the rest without their repeated context line."""
        first, *rest = rows
        return "\n".join([self.texts[first], *(self.texts[r].split("\n", 1)[-1] for r in rest)])


def _grouped(hits: list[Hit]) -> list[Hit]:
    """One hit per document, where its best hit ranked, holding its hits' texts best first (overviews stay apart:
    each one is a summary of its own). Best first, not in document order: the offline 1.5B answered 3 of 28 dev
    questions worse when the matching section sat in the middle of its document's passage."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.id if hit.metadata.get("overview") else hit.source, []).append(hit)
    return [
        replace(members[0], text="\n\n".join(h.text for h in members)) if len(members) > 1 else members[0]
        for members in groups.values()
    ]


def _sections(metadatas: list[dict], texts: list[str], whole_documents: int = 0) -> dict[int, tuple[int, ...]]:
    """Row → the rows of its section: consecutive chunks of one document that start in the same section (the
    pieces the chunker cut a long section into); a whole document when its text is at most `whole_documents`
    characters."""
    by_source: dict[str, list[int]] = {}
    for row, meta in enumerate(metadatas):
        if not meta.get("overview"):
            by_source.setdefault(meta.get("source", ""), []).append(row)
    out: dict[int, tuple[int, ...]] = {}
    for rows in by_source.values():
        rows.sort(key=lambda r: metadatas[r].get("position", 0))
        if sum(len(texts[r]) for r in rows) <= whole_documents:
            out.update(dict.fromkeys(rows, tuple(rows)))
            continue
        group: list[int] = []
        for row in [*rows, None]:
            if group and (row is None or metadatas[row].get("section") != metadatas[group[-1]].get("section")):
                out.update(dict.fromkeys(group, tuple(group)))
                group = []
            if row is not None:
                group.append(row)
    return out


_VECTORS: dict[tuple, object] = {}
"""Overview vectors by (embedding model, embedding function, id): the id holds the hash of the text, so unchanged
overviews are reused; the function is part of the key so a stand-in embedder (tests) never serves the real one's."""


def _cached_vectors(ids: list[str], texts: list[str], embed_model: str | None):
    import numpy as np

    from ...embed import embed
    from .chunking import embedding_text

    missing = [i for i, cid in enumerate(ids) if (embed_model, embed, cid) not in _VECTORS]
    if missing:
        options = {"model": embed_model} if embed_model else {}
        vectors = embed([embedding_text(texts[i]) for i in missing], **options)
        _VECTORS.update({(embed_model, embed, ids[i]): v for i, v in zip(missing, vectors)})
    return np.vstack([_VECTORS[(embed_model, embed, cid)] for cid in ids])
