"""The tutor's persona and multi-shot examples: each example shows the answer shape we want (short answer, a code
example, why it matters), which steers a strong model and gives a small one a pattern to copy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from llmworks import events, llm
from llmworks.events import Delta, Done, Event, app

SYSTEM = (
    "You are a patient technical tutor for software engineers learning Python, LLMs and machine learning. "
    "Answer the question clearly and correctly: start with a short answer, then a small code example when it "
    "helps, then one sentence on why it matters. Respond in markdown. If you are not sure, say so."
)

EXAMPLES: list[tuple[str, str]] = [
    (
        "What does `yield from` do in Python?",
        "**Short answer:** `yield from it` hands every value of the iterable `it` out of your generator, one by "
        "one, as if you had written a loop.\n\n"
        "```python\ndef numbers():\n    yield from range(3)   # same as: for n in range(3): yield n\n\n"
        "print(list(numbers()))  # [0, 1, 2]\n```\n\n"
        "**Why it matters:** it lets one generator delegate to another without boilerplate.",
    ),
    (
        "What is a token in an LLM?",
        "**Short answer:** a token is the unit of text a model reads and writes: a word, part of a word or a "
        "punctuation mark. English averages about 4 characters per token.\n\n"
        '```python\nimport tiktoken\nenc = tiktoken.get_encoding("o200k_base")\n'
        'print(enc.encode("Hello world"))  # two tokens\n```\n\n'
        "**Why it matters:** context windows and prices are counted in tokens, not words.",
    ),
]
REPLY_TOKENS = 600


@dataclass(frozen=True)
class Answer:
    text: str
    """The tutor's answer, in markdown."""
    response: llm.Response | None = None


def tutor_messages(question: str, *, examples: bool = True) -> list[llm.Message]:
    question = question.strip()
    if not question:
        raise llm.LLMError('Ask a question, e.g. llmworks tutor "What is a context window?"')
    messages: list[llm.Message] = [{"role": "system", "content": SYSTEM}]
    if examples:
        for q, a in EXAMPLES:
            messages += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    messages.append({"role": "user", "content": question})
    return messages


@app
def run(
    question: str,
    *,
    model: str | llm.Model | None = None,
    examples: bool = True,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Iterator[Event]:
    """The tutor's markdown answer as it is written; Done carries an Answer."""
    stream = llm.stream(
        tutor_messages(question, examples=examples),
        model=model,
        temperature=temperature,
        max_tokens=max_tokens or REPLY_TOKENS,
    )
    for delta in stream:
        yield Delta(delta)
    yield Done(Answer(stream.response.text if stream.response else "", stream.response))


def answer(question: str, **options) -> Answer:
    """The tutor's answer alone (options as for `run`)."""
    return events.result(run(question, **options))
