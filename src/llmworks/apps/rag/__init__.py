"""RAG knowledge worker: ingest a folder, answer questions with sources, map the vectors, measure retrieval.

    from llmworks.apps.rag import KnowledgeBase
    kb = KnowledgeBase.open()                      # Chroma under <data dir>/rag/chroma (or open(db=PATH))
    kb.ingest("docs/")                             # incremental: unchanged files are not embedded again
    for event in kb.run("Who won the IIOTY award?"): ...   # Progress, Delta (the answer), Done(Answer)
    a = kb.answer("Who won the IIOTY award?")      # the same, run to the end: a.text, a.sources, a.hits
    chat = kb.chat(); chat.run("Who is Ravi?"); chat.run("And his salary?")   # follow-ups understood
    kb.evaluate(load_tests("tests.jsonl")).overall()   # {"mrr", "ndcg", "coverage", "n"}
    kb.evaluate(tests, answers=True).by_category()      # + keyword_recall, fact_recall, idk_rate (no judge model)

Every long job is also an event stream (`run_ingest`, `run_eval`): its Progress is what a renderer shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...errors import LlmworksError
from ...events import Done, Event, result
from .answer import ANSWER_K, IDK, Answer, answer
from .answer import run as run_answer
from .chunking import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, Chunk, chunk_document
from .evaluate import EvalReport, Judgement, TestCase, evaluate, load_tests, run_eval
from .ingest import IngestReport, ingest, run_ingest
from .loaders import Document, find_files, load_file
from .retrieval import Hit, Retriever
from .store import ChromaStore, FaissStore, VectorStore, default_documents, default_index, open_store


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

    def run_ingest(self, folder: Path | str, **options) -> Iterator[Event]:
        """Bring the index in line with `folder` (see ingest.run_ingest): Progress, then Done(IngestReport)."""
        for event in run_ingest(folder, self.store, **options):
            if isinstance(event, Done) and event.result.changed:
                self._retriever = None
            yield event

    def ingest(self, folder: Path | str, **options) -> IngestReport:
        return result(self.run_ingest(folder, **options))

    def _require_chunks(self) -> None:
        if not self.store.count():
            raise LlmworksError(
                "The knowledge base is empty.", "Ingest a folder first: llmworks rag ingest DIR [--db PATH]"
            )

    def search(self, query: str, k: int = 10) -> list[Hit]:
        self._require_chunks()
        return self.retriever.search(query, k)

    def run(
        self, question: str, *, history: list[dict] | None = None, model=None, k: int = ANSWER_K
    ) -> Iterator[Event]:
        """Answer `question` from the index: Progress, the checked answer as a Delta, Done(Answer with sources)."""
        self._require_chunks()  # inside the generator: a renderer shows this error like any other
        yield from run_answer(question, self.retriever, history=history, model=model, k=k)

    def answer(self, question: str, **options) -> Answer:
        """`run` to the end: the Answer."""
        return result(self.run(question, **options))

    def chat(self, *, model=None, k: int = ANSWER_K) -> Chat:
        return Chat(self, model=model, k=k)

    def run_eval(self, tests: list[TestCase], **options) -> Iterator[Event]:
        self._require_chunks()
        yield from run_eval(tests, self.retriever, **options)

    def evaluate(self, tests: list[TestCase], **options) -> EvalReport:
        return result(self.run_eval(tests, **options))

    def figure(self, dims: int = 2):
        from .plot import figure

        self._require_chunks()
        return figure(self.store, dims=dims)


class Chat:
    """A conversation with a knowledge base: it keeps the turns, so a follow-up ("and his salary?") is understood."""

    def __init__(self, kb: KnowledgeBase, *, model=None, k: int = ANSWER_K):
        self.kb, self.model, self.k = kb, model, k
        self.history: list[dict] = []
        """The questions and the answers given (checked answers: "I don't know." where there was none)."""

    def run(self, question: str) -> Iterator[Event]:
        for event in self.kb.run(question, history=self.history, model=self.model, k=self.k):
            if isinstance(event, Done):
                self.history += [
                    {"role": "user", "content": event.result.question},
                    {"role": "assistant", "content": event.result.text},
                ]
            yield event

    def answer(self, question: str) -> Answer:
        return result(self.run(question))

    def reset(self) -> None:
        self.history = []


__all__ = [
    "ANSWER_K",
    "DEFAULT_CHUNK_OVERLAP",
    "DEFAULT_CHUNK_SIZE",
    "IDK",
    "Answer",
    "Chat",
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
    "default_documents",
    "default_index",
    "evaluate",
    "find_files",
    "ingest",
    "load_file",
    "load_tests",
    "open_store",
    "run_answer",
    "run_eval",
    "run_ingest",
]
