"""Tools are plain Python functions: the name from `__name__`, the description from the docstring, the JSON schema
from the type hints. `run_tools` loops model → tool calls → results until the model answers, bounded by max_steps
and a breaker for a call repeated verbatim (small models loop on the same call).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .errors import ToolError
from .types import Message, ToolCall, ToolSpec, Usage


@dataclass
class Tool:
    fn: Callable[..., Any]
    name: str
    description: str
    args_model: type[BaseModel]

    @classmethod
    def from_function(cls, fn: Callable[..., Any]) -> Tool:
        doc = inspect.getdoc(fn) or ""
        arg_docs = _arg_docs(doc)
        hints = get_type_hints(fn, include_extras=True)  # resolves "str" annotations, keeps Annotated[str, Field(...)]
        fields: dict[str, Any] = {}
        for p in inspect.signature(fn).parameters.values():
            default = ... if p.default is inspect.Parameter.empty else p.default
            fields[p.name] = (hints.get(p.name, str), Field(default, description=arg_docs.get(p.name)))
        args_model = create_model(f"{fn.__name__}_args", __config__=ConfigDict(extra="forbid"), **fields)
        summary = doc.split("\n\n")[0].strip() or fn.__name__.replace("_", " ")
        return cls(fn=fn, name=fn.__name__, description=summary, args_model=args_model)

    @property
    def spec(self) -> ToolSpec:
        schema = self.args_model.model_json_schema()
        schema.pop("title", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        return ToolSpec(self.name, self.description, schema)

    def __call__(self, arguments: dict[str, Any]) -> str:
        """Validate the arguments and run the tool; the result as text for the model. Raises ToolError."""
        try:
            args = self.args_model.model_validate(arguments)
        except ValidationError as e:
            problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'arguments'}: {err['msg']}" for err in e.errors())
            raise ToolError(f"invalid arguments for {self.name}: {problems}") from None
        result = self.fn(**{k: getattr(args, k) for k in self.args_model.model_fields})
        if isinstance(result, str):
            return result
        if isinstance(result, BaseModel):
            return result.model_dump_json()
        return json.dumps(result, ensure_ascii=False, default=str)


def _arg_docs(doc: str) -> dict[str, str]:
    """`name: description` lines of a Google-style `Args:` section."""
    match = re.search(r"^(?:Args|Arguments|Parameters):\s*\n((?:[ \t]+.+\n?)+)", doc, re.MULTILINE)
    if not match:
        return {}
    return {
        m.group(1): m.group(2).strip()
        for m in re.finditer(r"^\s+(\w+)(?:\s*\(.*?\))?:\s*(.+)$", match.group(1), re.MULTILINE)
    }


def as_tools(tools: list[Callable[..., Any] | Tool]) -> dict[str, Tool]:
    out = {}
    for t in tools:
        tool = t if isinstance(t, Tool) else Tool.from_function(t)
        out[tool.name] = tool
    return out


@dataclass
class ToolStep:
    """One tool call the model made, and what came of it."""

    name: str
    arguments: dict[str, Any]
    result: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ToolRun:
    text: str
    steps: list[ToolStep] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    stopped_by: str = "answer"
    """'answer' (the model answered), 'max_steps' (guard) or 'repeat' (the same call again: breaker)."""


def execute(tools: dict[str, Tool], call: ToolCall) -> ToolStep:
    """Run one call. Every failure becomes the step's error, which the model sees as "Error: …"."""
    step = ToolStep(call.name, call.arguments)
    if call.name not in tools:
        step.error = f"unknown tool {call.name!r}; available: {', '.join(tools)}"
    elif call.raw_arguments is not None:
        step.error = f"arguments for {call.name} were not a JSON object: {call.raw_arguments[:200]!r}"
    else:
        try:
            step.result = tools[call.name](call.arguments)
        except ToolError as e:
            step.error = str(e)
        except Exception as e:  # a bug or outage in the tool: reported to the model, recorded on the step
            step.error = f"{call.name} failed: {type(e).__name__}: {e}"
    return step


def call_key(call: ToolCall) -> str:
    return call.name + json.dumps(call.arguments, sort_keys=True, default=str)
