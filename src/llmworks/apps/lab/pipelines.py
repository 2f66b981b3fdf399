"""The course's Hugging Face pipeline tasks, one call each, offline.

    result(pipe("sentiment", "I loved every minute of it."))        # PipeResult(output={'label': 'positive'}, …)
    result(pipe("ner", "Ada Lovelace was born in London."))          # entities with their character spans
    result(pipe("qa", "Who wrote it?", context="…"))                 # an answer copied from the context
    result(pipe("zero-shot", "The match ended 2-1.", labels=["sport", "politics"]))
    pipe("translate", "Good morning", target="French")              # streams Delta events
    pipe("sentiment", text, model="path/to/hf-folder")              # any local Hugging Face model, transformers

No small task model ships with its weights on PyPI (the package lists were searched for SST-2, NER, SQuAD, NLI,
OPUS-MT and summarization models), so by default each task runs on the embedded LLM: classification and extraction
with schema-constrained output (labels as an enum; entity and answer spans must occur in the input, checked in code
and sent back to the model once when they do not), free-text tasks streamed. Every result names its backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model, field_validator

from ... import llm
from ...errors import LlmworksError
from ...events import Delta, Done, Event, Progress, app

TASKS = ("sentiment", "ner", "qa", "summarize", "translate", "zero-shot", "generate")
HF_TASKS = {
    "sentiment": "text-classification",
    "ner": "token-classification",
    "qa": "question-answering",
    "summarize": "summarization",
    "translate": "translation",
    "zero-shot": "zero-shot-classification",
    "generate": "text-generation",
}
"""Our task → the transformers pipeline that runs it on a local Hugging Face folder (--model PATH)."""
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
"""CoNLL-2003's entity types, as the course's NER pipeline (dslim/bert-base-NER) uses them."""
SUMMARY_TOKENS = 160
LABEL_TOKENS = 24
"""A label in JSON is a few tokens; the cap only bounds a model that misbehaves."""
ENTITY_TOKENS = 320
MAX_ENTITIES = 16
"""A small model can list entities forever inside a valid JSON array: the grammar's maxItems and a cap end it."""
ANSWER_TOKENS = 64
MAX_ANSWER = 120
"""Characters of an answer span at most (the grammar's maxLength): a runaway number or list ends there."""
GENERATE_TOKENS = 200


@dataclass
class PipeResult:
    """One task's answer: `output` is the task's shape (label, entities, answer, text); `backend` says who answered."""

    task: str
    backend: str
    output: Any
    notes: list[str] = field(default_factory=list)
    """What the checks in code did (a span not in the input dropped, …)."""


@app
def pipe(
    task: str,
    text: str,
    *,
    model: str | None = None,
    context: str | None = None,
    labels: list[str] | None = None,
    source: str = "English",
    target: str = "French",
    max_tokens: int | None = None,
) -> Iterator[Event]:
    """Run one task on `text`; `model` is a catalog model (the embedded LLM by default) or a Hugging Face folder."""
    if task not in TASKS:
        raise LlmworksError(f"Unknown task {task!r}.", f"Choose one of {', '.join(TASKS)}.")
    if not text or not text.strip():
        raise LlmworksError("No input text.", f'Pass one, e.g. llmworks pipe {task} "…".')
    if task == "qa" and not (context or "").strip():
        raise LlmworksError("Question answering needs a context.", "Pass --context TEXT or --context-file PATH.")
    if task == "zero-shot" and len(labels or []) < 2:
        raise LlmworksError("Zero-shot classification needs two labels or more.", "Pass --labels sport,politics,…")
    if model and _is_folder(model):
        yield Progress(f"Loading the Hugging Face model in {model}")
        yield Done(_hf(task, text, model, context=context, labels=labels, source=source, target=target))
        return
    backend = llm.get_model(model).name
    yield Progress(f"{task} on {backend}")
    if task in ("summarize", "translate", "generate"):
        prompt, system, cap = _free_text(task, text, source, target)
        stream = llm.stream(prompt, model=model, system=system, temperature=0, max_tokens=max_tokens or cap)
        parts = []
        for delta in stream:
            parts.append(delta)
            yield Delta(delta)
        yield Done(PipeResult(task, backend, "".join(parts).strip()))
        return
    yield Done(_structured(task, text, backend, model=model, context=context, labels=labels))


def _free_text(task: str, text: str, source: str, target: str) -> tuple[str, str | None, int]:
    if task == "summarize":
        return text, "Summarize the user's text in two or three sentences. Reply with the summary only.", SUMMARY_TOKENS
    if task == "translate":
        system = f"Translate the user's text from {source} to {target}. Reply with the translation only."
        return text, system, max(64, 3 * llm.count_tokens(text))  # translations run longer than the source
    return text, None, GENERATE_TOKENS


# -- classification and extraction: schema-constrained, checked in code ------------------------------------------


class Sentiment(BaseModel):
    label: Literal["positive", "negative"]


class Entity(BaseModel):
    text: str = Field(description="the entity exactly as written in the text")
    type: Literal[ENTITY_TYPES]  # type: ignore[valid-type]


class Entities(BaseModel):
    entities: list[Entity] = Field(max_length=MAX_ENTITIES)


SYSTEMS = {
    "sentiment": "Classify the sentiment of the user's text as positive or negative.",
    "ner": "List the named entities in the user's text: PER (people), ORG (organisations), LOC (places), MISC "
    "(nationalities, events, works, products). Copy each entity exactly as written. No other words.",
    "qa": "Answer the question with a short span copied exactly from the context. No other words.",
    "zero-shot": "Classify the user's text into exactly one of the labels.",
}


def _structured(task: str, text: str, backend: str, **kw) -> PipeResult:
    model, context, labels = kw["model"], kw["context"], kw["labels"]
    if task == "sentiment":
        out = llm.structured(
            text, schema=Sentiment, model=model, system=SYSTEMS[task], temperature=0, max_tokens=LABEL_TOKENS
        ).output
        return PipeResult(task, backend, {"label": out.label})
    if task == "zero-shot":
        schema = create_model("Label", label=(Literal[tuple(labels)], ...))  # type: ignore[valid-type]
        prompt = f"Labels: {', '.join(labels)}\n\nText: {text}"
        out = llm.structured(
            prompt, schema=schema, model=model, system=SYSTEMS[task], temperature=0, max_tokens=LABEL_TOKENS
        ).output
        return PipeResult(task, backend, {"label": out.label})
    if task == "ner":
        out = llm.structured(
            text, schema=Entities, model=model, system=SYSTEMS[task], temperature=0, max_tokens=ENTITY_TOKENS
        ).output
        entities, notes = spans(text, [(e.text, e.type) for e in out.entities])
        return PipeResult(task, backend, entities, notes)
    prompt = f"Context: {context}\n\nQuestion: {text}"
    try:
        answer = llm.structured(
            prompt,
            schema=_answer_schema(context),
            model=model,
            system=SYSTEMS["qa"],
            temperature=0,
            max_tokens=ANSWER_TOKENS,
            retries=1,
        )
    except llm.ModelOutputError:  # twice no span of the context: say so rather than make one up
        return PipeResult(task, backend, {"answer": "", "start": -1, "end": -1}, ["no span of the context found"])
    found = locate(context, answer.output.answer)
    return PipeResult(task, backend, {"answer": answer.output.answer, "start": found[0], "end": found[1]})


def _answer_schema(context: str) -> type[BaseModel]:
    """An answer that must be a span of `context`: one that is not fails validation and goes back to the model."""

    def in_context(value: str) -> str:
        value = value.strip().strip(".")
        if not value or locate(context, value)[0] < 0:
            raise ValueError("the answer must be copied exactly from the context")
        return value

    return create_model(
        "Answer",
        answer=(str, Field(description="a short span copied exactly from the context", max_length=MAX_ANSWER)),
        __validators__={"in_context": field_validator("answer")(in_context)},
    )


def locate(text: str, span: str) -> tuple[int, int]:
    """(start, end) of `span` in `text`, case and spacing forgiven; (-1, -1) when it is not there."""
    words = span.split()
    if not words:
        return -1, -1
    m = re.search(r"\s+".join(map(re.escape, words)), text, flags=re.IGNORECASE)
    return (m.start(), m.end()) if m else (-1, -1)


def spans(text: str, found: list[tuple[str, str]]) -> tuple[list[dict], list[str]]:
    """Entities with their character spans in `text`; one the text does not contain is dropped (and noted)."""
    entities, notes, seen = [], [], set()
    for name, kind in found:
        start, end = locate(text, name)
        if start < 0:
            notes.append(f"dropped {name!r}: not in the text")
            continue
        if (start, end) in seen:
            continue
        seen.add((start, end))
        entities.append({"text": text[start:end], "type": kind, "start": start, "end": end})
    return sorted(entities, key=lambda e: e["start"]), notes


# -- any local Hugging Face model ---------------------------------------------------------------------------------


def _is_folder(model: str) -> bool:
    from pathlib import Path

    return Path(model).expanduser().is_dir()


def _hf(task: str, text: str, folder: str, **kw) -> PipeResult:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a folder, never a download
    from transformers import pipeline

    runner = pipeline(HF_TASKS[task], model=folder, device="cpu")
    backend = f"transformers {HF_TASKS[task]} ({folder})"
    if task == "qa":
        out = runner(question=text, context=kw["context"])
        return PipeResult(task, backend, {"answer": out["answer"], "start": out["start"], "end": out["end"]})
    if task == "zero-shot":
        out = runner(text, candidate_labels=kw["labels"])
        return PipeResult(task, backend, {"label": out["labels"][0], "scores": dict(zip(out["labels"], out["scores"]))})
    if task == "ner":
        ents = pipeline(HF_TASKS[task], model=folder, device="cpu", aggregation_strategy="simple")(text)
        return PipeResult(
            task,
            backend,
            [
                {"text": text[e["start"] : e["end"]], "type": e["entity_group"], "start": e["start"], "end": e["end"]}
                for e in ents
            ],
        )
    if task == "sentiment":
        out = runner(text)[0]
        return PipeResult(task, backend, {"label": str(out["label"]).lower(), "score": out["score"]})
    out = runner(text)[0]
    return PipeResult(task, backend, next(iter(out.values())))
