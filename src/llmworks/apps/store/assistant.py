"""A customer-service chatbot: system prompt from a config file, the whole history sent every turn, and extra
context injected into the instructions when the customer mentions one of the configured topics."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from llmworks import events, llm
from llmworks.events import Delta, Done, Event, Progress, app

DEFAULT_CONFIG = Path(__file__).with_name("default_store.toml")
REPLY_TOKENS = 300


@dataclass(frozen=True)
class Topic:
    keywords: tuple[str, ...]
    context: str

    def mentioned_in(self, text: str) -> bool:
        return any(re.search(rf"\b{re.escape(k)}\b", text, re.IGNORECASE) for k in self.keywords)


@dataclass
class StoreConfig:
    name: str
    system: str
    greeting: str = ""
    topics: list[Topic] = field(default_factory=list)

    def welcome(self) -> str:
        """The first thing a customer sees."""
        return self.greeting or f"Welcome to {self.name}!"

    @classmethod
    def load(cls, path: str | Path | None = None) -> StoreConfig:
        """Read a store TOML file (see default_store.toml); errors name the file and the missing key."""
        path = Path(path) if path else DEFAULT_CONFIG
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise llm.LLMError(f"Store config {path} not found; start from {DEFAULT_CONFIG}.") from None
        except tomllib.TOMLDecodeError as e:
            raise llm.LLMError(f"Store config {path} is not valid TOML: {e}") from None
        if not str(data.get("system", "")).strip():
            raise llm.LLMError(f"Store config {path} needs a `system` prompt.")
        topics = []
        for i, t in enumerate(data.get("topics", [])):
            keywords = t.get("keywords")
            if isinstance(keywords, str):
                keywords = [keywords]
            if not keywords or not str(t.get("context", "")).strip():
                raise llm.LLMError(f"Store config {path}: topic {i + 1} needs `keywords` and `context`.")
            topics.append(Topic(tuple(str(k) for k in keywords), str(t["context"]).strip()))
        return cls(
            name=str(data.get("name", "Store")),
            system=str(data["system"]).strip(),
            greeting=str(data.get("greeting", "")),
            topics=topics,
        )


@dataclass(frozen=True)
class Reply:
    text: str
    topics: tuple[str, ...] = ()
    """The topics (by first keyword) whose context was added for this message."""
    response: llm.Response | None = None


class StoreAssistant:
    """One customer's conversation: `run(message)` answers and remembers the exchange; `reset()` forgets."""

    def __init__(
        self,
        config: StoreConfig | None = None,
        *,
        model: str | llm.Model | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        history: list[llm.Message] | None = None,
    ):
        self.config = config or StoreConfig.load()
        self.model, self.temperature, self.max_tokens = model, temperature, max_tokens or REPLY_TOKENS
        self.history = [
            {"role": m["role"], "content": m["content"]}
            for m in history or []
            if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
        ]

    def topics_for(self, message: str) -> list[Topic]:
        return [t for t in self.config.topics if t.mentioned_in(message)]

    def messages(self, message: str) -> list[llm.Message]:
        """System prompt (+ context for topics in this message), the whole history, then the new message."""
        system = self.config.system
        for topic in self.topics_for(message):
            system += "\n\n" + topic.context
        return [{"role": "system", "content": system}, *self.history, {"role": "user", "content": message}]

    @app
    def run(self, message: str) -> Iterator[Event]:
        """The assistant's answer to `message`, streamed; Done carries a Reply."""
        if not message.strip():
            raise llm.LLMError("Type a message for the store assistant.")
        topics = tuple(t.keywords[0] for t in self.topics_for(message))
        if topics:
            yield Progress(f"Context added for: {', '.join(topics)}.")
        stream = llm.stream(
            self.messages(message), model=self.model, temperature=self.temperature, max_tokens=self.max_tokens
        )
        for delta in stream:
            yield Delta(delta)
        text = stream.response.text if stream.response else ""
        self.history += [{"role": "user", "content": message}, {"role": "assistant", "content": text}]
        yield Done(Reply(text, topics, stream.response))

    def reply(self, message: str) -> Reply:
        """The answer alone (and remembered, as with `run`)."""
        return events.result(self.run(message))

    def reset(self) -> None:
        self.history.clear()
