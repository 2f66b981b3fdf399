"""A plain conversation with one model: the system prompt, the history, the new message; nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from llmworks import events, llm
from llmworks.events import Delta, Done, Event, app

SUGGESTED_SYSTEM = "You are a helpful assistant. Answer concisely, in markdown."
SUGGESTED_TEMPERATURE = 0.7
SUGGESTED_MAX_TOKENS = 512
"""What the workbench's Chat tab starts with; the CLI sends only what it is given (the model layer's defaults)."""


@dataclass(frozen=True)
class Reply:
    text: str
    response: llm.Response | None = None


class Chat:
    """One conversation: `run(message)` answers and remembers the exchange; `reset()` forgets.

    The model is looked up at once, so a misspelt name fails before the first question is typed.
    """

    def __init__(
        self,
        *,
        model: str | llm.Model | None = None,
        system: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stream: bool = True,
        history: list[llm.Message] | None = None,
    ):
        self.model = llm.get_model(model)
        self.system, self.temperature, self.max_tokens, self.stream = system, temperature, max_tokens, stream
        self.history: list[llm.Message] = [
            {"role": m["role"], "content": m["content"]}
            for m in history or []
            if m.get("role") in ("user", "assistant")
        ]

    @app
    def run(self, message: str) -> Iterator[Event]:
        """The reply to `message` (streamed unless `stream=False`); Done carries a Reply."""
        messages = [*self.history, {"role": "user", "content": message}]
        options = dict(model=self.model, system=self.system, temperature=self.temperature, max_tokens=self.max_tokens)
        if self.stream:
            s = llm.stream(messages, **options)
            for delta in s:
                yield Delta(delta)
            response = s.response
        else:  # one whole reply: the renderers show the result's text
            response = llm.chat(messages, **options)
        text = response.text if response else ""
        self.history += [{"role": "user", "content": message}, {"role": "assistant", "content": text}]
        yield Done(Reply(text, response))

    def reply(self, message: str) -> Reply:
        return events.result(self.run(message))

    def reset(self) -> None:
        self.history.clear()
