"""The OpenAI wire format: chat and embedding requests in, completions, stream chunks, embeddings and errors out.

Only translation lives here; the calls themselves go through `llmworks.llm` like every other caller's.
"""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..llm import Request, Response, ToolCall, ToolSpec


class WireError(Exception):
    """A request the server answers with an OpenAI-shaped error body."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code


class ChatRequest(BaseModel):
    """POST /v1/chat/completions; fields the server does not use (user, seed, top_p, metadata, …) are accepted."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[dict[str, Any]] = Field(min_length=1)
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    response_format: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    n: int = 1
    stop: str | list[str] | None = None
    logprobs: bool | None = None


class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str = "local/minilm"
    input: str | list[str]
    encoding_format: Literal["float", "base64"] = "float"


def to_request(body: ChatRequest) -> Request:
    """Our Request for an OpenAI chat body; what we cannot honour is refused, never silently dropped."""
    if body.n != 1:
        raise WireError(400, "n must be 1: one choice per request.", code="unsupported_parameter")
    if body.stop:
        raise WireError(400, "stop sequences are not supported yet; drop 'stop'.", code="unsupported_parameter")
    if body.logprobs:
        raise WireError(400, "logprobs are not supported yet; drop 'logprobs'.", code="unsupported_parameter")
    schema, name = _schema(body.response_format)
    tools = [_tool(t) for t in body.tools or []]
    choice: str = "auto"
    if isinstance(body.tool_choice, str):
        choice = body.tool_choice
    elif isinstance(body.tool_choice, dict):
        choice = str((body.tool_choice.get("function") or {}).get("name") or "auto")
    return Request(
        messages=[_message(m) for m in body.messages],
        temperature=body.temperature,
        max_tokens=body.max_completion_tokens or body.max_tokens,
        schema=schema,
        schema_name=name,
        tools=tools,
        tool_choice=choice if tools else "auto",
    )


def _message(m: dict[str, Any]) -> dict[str, Any]:
    if m.get("role") not in ("system", "developer", "user", "assistant", "tool"):
        raise WireError(400, f"unknown message role {m.get('role')!r}.", code="invalid_role")
    return {**m, "role": "system"} if m["role"] == "developer" else m


def _schema(response_format: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str]:
    if not response_format or response_format.get("type") == "text":
        return None, "output"
    if response_format.get("type") == "json_object":
        return {"type": "object"}, "output"
    if response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema") or {}
        if not isinstance(spec.get("schema"), dict):
            raise WireError(400, "response_format.json_schema.schema must be a JSON schema object.")
        return spec["schema"], str(spec.get("name") or "output")
    raise WireError(400, f"unknown response_format type {response_format.get('type')!r}.")


def _tool(t: dict[str, Any]) -> ToolSpec:
    f = t.get("function") or {}
    if t.get("type") != "function" or not f.get("name"):
        raise WireError(400, "each tool must be {'type': 'function', 'function': {'name': …, 'parameters': …}}.")
    return ToolSpec(f["name"], f.get("description") or "", f.get("parameters") or {"type": "object", "properties": {}})


FINISH = {"repetition": "length", "cancelled": "length", None: "stop"}
"""Our finish reasons in OpenAI's closed set: a reply cut by the loop guard was cut, like one at max_tokens."""


def finish_reason(response: Response) -> str:
    if response.tool_calls:
        return "tool_calls"
    return FINISH.get(response.finish_reason, response.finish_reason or "stop")


def _calls(calls: list[ToolCall]) -> list[dict[str, Any]]:
    import json

    return [
        {
            "id": c.id or f"call_{i}",
            "type": "function",
            "function": {"name": c.name, "arguments": c.raw_arguments or json.dumps(c.arguments)},
        }
        for i, c in enumerate(calls)
    ]


def usage(response: Response) -> dict[str, int]:
    i, o = response.usage.input_tokens, response.usage.output_tokens
    return {"prompt_tokens": i, "completion_tokens": o, "total_tokens": i + o}


class Completion:
    """One chat completion's id, time and model, shared by its whole response or every chunk of its stream."""

    def __init__(self, model: str):
        self.id, self.created, self.model = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time()), model

    def whole(self, response: Response) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": response.text or None}
        if response.tool_calls:
            message["tool_calls"] = _calls(response.tool_calls)
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(response), "logprobs": None}],
            "usage": usage(response),
        }

    def chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    def tool_chunk(self, response: Response) -> dict[str, Any]:
        calls = [{"index": i, **c} for i, c in enumerate(_calls(response.tool_calls))]
        return self.chunk({"tool_calls": calls})

    def usage_chunk(self, response: Response) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [],
            "usage": usage(response),
        }


def embeddings(vectors: np.ndarray, model: str, input_tokens: int, encoding: str) -> dict[str, Any]:
    """The embeddings list; base64 is little-endian float32, which the openai SDK asks for by default."""

    def encode(v: np.ndarray) -> list[float] | str:
        if encoding == "base64":
            return base64.b64encode(v.astype("<f4").tobytes()).decode()
        return [float(x) for x in v]

    return {
        "object": "list",
        "data": [{"object": "embedding", "index": i, "embedding": encode(v)} for i, v in enumerate(vectors)],
        "model": model,
        "usage": {"prompt_tokens": input_tokens, "total_tokens": input_tokens},
    }


def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
