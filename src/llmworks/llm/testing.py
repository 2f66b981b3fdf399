"""Test doubles that ship with the library: real client code, scripted brain (like pydantic-ai's FunctionModel).

model = ScriptedModel(["Hello!", call("get_price", city="paris"), "Paris costs $899."])
llm.run_tools("Price to Paris?", tools=[get_price], model=model)
model.requests[0].messages   # what the model was shown
with llm.override(model): ...                                  # code that names no model gets this one
FunctionModel(fn, capabilities={"tools": False})               # a double the catalog would call tool-less
FunctionEmbedder(lambda texts: [[len(t), 1.0] for t in texts], dimensions=2)   # for llm.embed
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .catalog import capabilities as catalog_capabilities
from .providers import Embedder, Model, Vectors
from .types import Completion, Request, ToolCall

Reply = str | ToolCall | list[ToolCall] | Completion | dict


def call(name: str, **arguments: Any) -> ToolCall:
    """A scripted tool call."""
    return ToolCall(name=name, arguments=arguments)


class FunctionModel(Model):
    """Replies computed by `fn(request)`; every request kept in `.requests`."""

    def __init__(
        self,
        fn: Callable[[Request], Reply],
        *,
        name: str = "test/function",
        context_window: int | None = None,
        chunk_size: int = 4,
        capabilities: dict[str, Any] | None = None,
    ):
        self.fn, self.name, self.context_window, self.chunk_size = fn, name, context_window, chunk_size
        self.requests: list[Request] = []
        if capabilities:  # e.g. {"tools": False}: what `info` reports instead of the catalog's entry for `name`
            self._info = dataclasses.replace(catalog_capabilities(name), **capabilities)

    def complete(self, request: Request) -> Completion:
        self.requests.append(request)
        reply = self.fn(request)
        if isinstance(reply, Completion):
            return reply
        if isinstance(reply, ToolCall):
            reply = [reply]
        if isinstance(reply, list):
            calls = [ToolCall(c.name, c.arguments, c.id or f"call_{i}", c.raw_arguments) for i, c in enumerate(reply)]
            return Completion(
                tool_calls=calls,
                input_tokens=_tokens(request),
                output_tokens=len(calls) * 10,
                finish_reason="tool_calls",
            )
        text = json.dumps(reply) if isinstance(reply, dict) else str(reply)
        return Completion(
            text=text, input_tokens=_tokens(request), output_tokens=max(1, len(text) // 4), finish_reason="stop"
        )

    def stream(self, request: Request) -> Iterator[str | Completion]:
        completion = self.complete(request)
        for i in range(0, len(completion.text), self.chunk_size):
            yield completion.text[i : i + self.chunk_size]
        yield completion


class ScriptedModel(FunctionModel):
    """Each call consumes the next scripted reply; running out is a test failure, loudly."""

    def __init__(self, replies: list[Reply], **kwargs: Any):
        self.replies = list(replies)
        super().__init__(self._next, name=kwargs.pop("name", "test/scripted"), **kwargs)

    def _next(self, request: Request) -> Reply:
        if not self.replies:
            raise AssertionError(f"ScriptedModel ran out of replies at request {len(self.requests)}")
        return self.replies.pop(0)


class FunctionEmbedder(Embedder):
    """Vectors computed by `fn(texts)` (any array-like, normalised here); every batch kept in `.batches`. Counts a
    token per word."""

    def __init__(
        self, fn: Callable[[list[str]], Sequence[Sequence[float]]], *, dimensions: int, name: str = "test/embedder"
    ):
        self.fn, self.dimensions, self.name = fn, dimensions, name
        self.batches: list[list[str]] = []

    def embed(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> Vectors:
        import numpy as np

        self.batches.append(list(texts))
        array = np.asarray(self.fn(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        unit = array / np.maximum(np.linalg.norm(array, axis=1, keepdims=True), 1e-12)
        return Vectors(unit, sum(len(t.split()) for t in texts))


def _tokens(request: Request) -> int:
    return sum(len(str(m.get("content") or "")) for m in request.messages) // 4 + 1
