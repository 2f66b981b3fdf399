"""A customer-service chatbot: system prompt from a config file, the whole history sent every turn, and extra
context injected into the instructions when the customer mentions one of the configured topics."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from llmworks import llm

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
        return cls(name=str(data.get("name", "Store")), system=str(data["system"]).strip(),
                   greeting=str(data.get("greeting", "")), topics=topics)


class StoreAssistant:
    def __init__(self, config: StoreConfig | None = None, *, model: str | llm.Model | None = None,
                 temperature: float | None = None, max_tokens: int = REPLY_TOKENS):
        self.config = config or StoreConfig.load()
        self.model, self.temperature, self.max_tokens = model, temperature, max_tokens

    def topics_for(self, message: str) -> list[Topic]:
        return [t for t in self.config.topics if t.mentioned_in(message)]

    def messages(self, message: str, history: list[llm.Message] | None = None) -> list[llm.Message]:
        """System prompt (+ context for topics in this message), the whole history, then the new message."""
        system = self.config.system
        for topic in self.topics_for(message):
            system += "\n\n" + topic.context
        past = [{"role": m["role"], "content": m["content"]} for m in history or []
                if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)]
        return [{"role": "system", "content": system}, *past, {"role": "user", "content": message}]

    def reply(self, message: str, history: list[llm.Message] | None = None) -> llm.Stream:
        """A stream of the assistant's answer to `message`, given the conversation so far."""
        if not message.strip():
            raise llm.LLMError("Type a message for the store assistant.")
        return llm.stream(self.messages(message, history), model=self.model, temperature=self.temperature,
                          max_tokens=self.max_tokens)
