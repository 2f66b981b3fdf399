"""RAG knowledge worker: ingest a folder, answer questions with sources, map the vectors, measure retrieval.

    from llmworks.apps.rag import KnowledgeBase
    kb = KnowledgeBase.open()                      # Chroma under <data dir>/rag/chroma (or open(db=PATH))
    kb.ingest("docs/")                             # incremental: unchanged files are not embedded again
    a = kb.ask("Who won the IIOTY award?")         # a.text, a.sources, a.hits (the retrieved chunks)
    kb.evaluate(load_tests("tests.jsonl")).overall()   # {"mrr", "ndcg", "coverage", "n"}
"""

from __future__ import annotations

from pathlib import Path

from .answer import IDK, Answer, answer
from .chunking import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, Chunk, chunk_document
from .evaluate import EvalReport, Judgement, TestCase, evaluate, load_tests
from .ingest import IngestReport, ingest
from .loaders import Document, find_files, load_file
from .retrieval import Hit, Retriever
from .store import ChromaStore, FaissStore, VectorStore, open_store


class KnowledgeBase:
    """One store plus its retriever; the retriever (BM25 index) is rebuilt after each ingest that changed files."""

    def __init__(self, store: VectorStore):
        self.store = store
        self._retriever: Retriever | None = None

    @classmethod
    def open(cls, db: Path | str | None = None, *, store: str = "chroma") -> KnowledgeBase:
        return cls(open_store(db, kind=store))

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            self._retriever = Retriever(self.store)
        return self._retriever

    def ingest(self, folder: Path | str, **options) -> IngestReport:
        report = ingest(folder, self.store, **options)
        if report.changed:
            self._retriever = None
        return report

    def _require_chunks(self) -> None:
        if not self.store.count():
            from ...llm.errors import LLMError

            raise LLMError("The knowledge base is empty. Ingest a folder first: llmworks rag ingest DIR [--db PATH]")

    def search(self, query: str, k: int = 10) -> list[Hit]:
        self._require_chunks()
        return self.retriever.search(query, k)

    def ask(self, question: str, *, history: list[dict] | None = None, model=None, k: int = 5) -> Answer:
        self._require_chunks()
        return answer(question, self.retriever, history=history, model=model, k=k)

    def evaluate(self, tests: list[TestCase], **options) -> EvalReport:
        self._require_chunks()
        return evaluate(tests, self.retriever, **options)

    def figure(self, dims: int = 2):
        from .plot import figure

        self._require_chunks()
        return figure(self.store, dims=dims)


__all__ = [
    "DEFAULT_CHUNK_OVERLAP",
    "DEFAULT_CHUNK_SIZE",
    "IDK",
    "Answer",
    "ChromaStore",
    "Chunk",
    "Document",
    "EvalReport",
    "FaissStore",
    "Hit",
    "IngestReport",
    "Judgement",
    "KnowledgeBase",
    "Retriever",
    "TestCase",
    "VectorStore",
    "answer",
    "chunk_document",
    "evaluate",
    "find_files",
    "ingest",
    "load_file",
    "load_tests",
    "open_store",
]
