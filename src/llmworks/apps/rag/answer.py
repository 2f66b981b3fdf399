"""Answer a question from retrieved chunks, with citations, memory of the conversation and an honest "I don't know".

Three guards keep a weak model honest, all checked in code rather than hoped for in the prompt:
1. no relevant chunk (low similarity and no keyword match) → "I don't know" without calling the model;
2. the model says it does not know → the canonical "I don't know.";
3. the answer's words are mostly absent from the context (made up) → "I don't know.".
The answer is therefore sent as one Delta once checked: streamed first, it could show a claim the checks retract.

    for event in run("Who won the IIOTY award?", retriever): ...   # Progress, Delta, Done(Answer with sources)
    answer("Who won the IIOTY award?", retriever).sources          # the same, run to the end
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from ...errors import LlmworksError
from ...events import Delta, Done, Event, Progress, app, result
from .retrieval import Hit, Retriever, tokenize

IDK = "I don't know."
MIN_SIMILARITY = 0.25
"""Below this cosine similarity a chunk is off-topic for MiniLM (unrelated questions score ~0.0-0.2 against any
chunk; on-topic ones 0.4+), unless the question's rarer words occur in it (see `_relevant`)."""
ANSWER_K = 5
"""Passages given to the model: enough for a fact spread over two or three chunks, few enough for a small window."""
MIN_GROUNDING = 0.5
"""Share of the answer's content words that must occur in the context; below it the answer is treated as invented."""

SYSTEM = (
    "You are a knowledge assistant. Answer the question using ONLY the numbered context passages. "
    "Be brief and exact, and cite the passages you used like [1] or [2]. "
    f"If the context does not contain the answer, reply exactly: {IDK}"
)
_IDK_PATTERN = re.compile(
    r"\b(i\s+(do\s+not|don'?t|cannot|can'?t)\s+know|not\s+(mentioned|provided|"
    r"in\s+the\s+context)|no\s+information)\b",
    re.IGNORECASE,
)
_CITATION = re.compile(r"\[(\d{1,2})\]")


class Standalone(BaseModel):
    question: str = Field(description="the follow-up rewritten as one standalone question")


@dataclass
class Answer:
    text: str
    question: str
    query: str
    """The standalone question used for retrieval (differs from `question` after rewriting a follow-up)."""
    hits: list[Hit]
    sources: list[str] = field(default_factory=list)
    """Sources of the passages the answer cites (or, uncited, the passage it draws most words from)."""
    known: bool = True
    """False when the answer is "I don't know"."""
    reason: str = ""
    """Why the answer is "I don't know", for the debugging view."""
    response: object | None = None
    """The model's `llm.Response`, None when the model was not called."""


def _content_words(text: str) -> set[str]:
    return set(tokenize(text))


def standalone_question(question: str, history: list[dict], *, model=None) -> str:
    """Rewrite a follow-up ("and her salary?") into a standalone question, using the conversation.

    The model's rewrite is checked in code: it must keep the follow-up's own words. If it does not (small models
    sometimes answer instead of rewriting), the previous user question is prepended instead, which still gives
    the retriever the missing subject."""
    previous = [m["content"] for m in history if m.get("role") == "user" and isinstance(m.get("content"), str)]
    if not previous:
        return question
    from ... import llm

    convo = "\n".join(f"{m['role']}: {m['content']}" for m in history[-6:] if isinstance(m.get("content"), str))
    prompt = (
        f"Conversation:\n{convo}\n\nFollow-up question: {question}\n\n"
        "Rewrite the follow-up question so it can be understood without the conversation "
        "(replace pronouns with the names they refer to). Do not answer it."
    )
    fallback = f"{previous[-1]} {question}"
    try:
        rewritten = llm.structured(prompt, schema=Standalone, model=model, temperature=0, max_tokens=80).output.question
    except llm.ModelOutputError:
        return fallback
    rewritten = " ".join(rewritten.split())
    own = _content_words(question)
    kept = len(own & _content_words(rewritten)) / len(own) if own else 1.0
    if not rewritten or len(rewritten) > 400 or kept < 0.5:
        return fallback
    return rewritten


def _without_repeats(text: str) -> str:
    """Keep the first copy of each repeated line: small models at temperature 0 can loop on one line."""
    seen, lines = set(), []
    for line in text.splitlines():
        key = line.strip().lower()
        if key and key in seen:
            continue
        seen.add(key)
        lines.append(line)
    return "\n".join(lines).strip()


def _relevant(query: str, hits: list[Hit]) -> bool:
    # an overview chunk lists a whole folder: similar to many questions, it is no sign that one is on topic
    if any(h.similarity is not None and h.similarity >= MIN_SIMILARITY for h in hits if not h.metadata.get("overview")):
        return True
    # Keyword signal: some chunk shares at least half of the question's content words, and at least two of them
    # unless the question has only one ("capital of Mongolia" must not pass on "capital" alone).
    words = _content_words(query)
    need = max(min(2, len(words)), len(words) / 2)
    return bool(words) and any(len(words & _content_words(h.text)) >= need for h in hits)


def context_block(hits: list[Hit]) -> str:
    return "\n\n".join(f"[{i}] (source: {h.source})\n{h.text}" for i, h in enumerate(hits, 1))


def _fit(hits: list[Hit], question: str, model) -> list[Hit]:
    """Drop the lowest-ranked passages until the prompt fits the model's window (with room for the answer)."""
    from ... import llm

    window = llm.get_model(model).context_window or 8192
    budget = window - 700 - llm.count_tokens(SYSTEM + question, model)
    kept = list(hits)
    while kept and llm.count_tokens(context_block(kept), model) > budget:
        kept.pop()
    return kept


@app
def run(
    question: str,
    retriever: Retriever,
    *,
    history: list[dict] | None = None,
    model=None,
    k: int = ANSWER_K,
    max_tokens: int = 200,
) -> Iterator[Event]:
    """Retrieve `k` chunks for `question` (rewritten first if it is a follow-up in `history`) and answer from them:
    Progress while it works, the checked answer as one Delta, then Done(Answer)."""
    from ... import llm

    question = question.strip()
    if not question:
        raise LlmworksError("Ask a question (an empty one was given).")
    history = list(history or [])
    if history:
        yield Progress("Rewriting the follow-up as a standalone question…")
    query = standalone_question(question, history, model=model) if history else question
    yield Progress("Retrieving passages…")
    hits = retriever.search(query, k)
    if not hits:
        found = Answer(IDK, question, query, [], known=False, reason="the index is empty: run `llmworks rag ingest`")
    elif not _relevant(query, hits):
        found = Answer(IDK, question, query, hits, known=False, reason="no retrieved passage is relevant")
    else:
        used = _fit(hits, question, model)
        yield Progress(f"Answering from {len(used)} passage(s)…")
        messages = [{"role": "system", "content": SYSTEM}]
        messages += [
            m for m in history[-6:] if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
        ]
        messages.append({"role": "user", "content": f"Context:\n{context_block(used)}\n\nQuestion: {query}"})
        response = llm.chat(messages, model=model, temperature=0, max_tokens=max_tokens)
        found = _checked(
            Answer(_without_repeats(response.text.strip()), question, query, hits, response=response), used
        )
    yield Delta(found.text)
    yield Done(found)


def answer(question: str, retriever: Retriever, **options) -> Answer:
    """`run` to the end: the Answer."""
    return result(run(question, retriever, **options))


def _checked(found: Answer, used: list[Hit]) -> Answer:
    """The model's answer, or "I don't know" with the reason; the sources of the passages it draws on."""
    text = found.text
    if not text or _IDK_PATTERN.search(text[:120]):
        found.text, found.known, found.reason = IDK, False, "the model found no answer in the context"
        return found
    claimed = _content_words(_CITATION.sub(" ", text))
    context_words = _content_words(context_block(used) + " " + found.query)
    grounding = len(claimed & context_words) / len(claimed) if claimed else 0.0
    if grounding < MIN_GROUNDING:
        found.text, found.known = IDK, False
        found.reason = f"the model's answer was not supported by the context (grounding {grounding:.0%}): {text[:200]}"
        return found
    cited = [int(n) for n in _CITATION.findall(text) if 1 <= int(n) <= len(used)]
    if cited:
        found.sources = list(dict.fromkeys(used[n - 1].source for n in cited))
    else:  # uncited: attribute to the passage sharing the most words with the answer
        best = max(used, key=lambda h: len(claimed & _content_words(h.text)))
        found.sources = [best.source]
    return found
