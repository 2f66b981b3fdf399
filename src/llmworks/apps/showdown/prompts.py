"""The prompt set of a showdown: a YAML list or a JSONL file of prompts, each with the check that scores a reply.

    - id: capital
      prompt: What is the capital of Australia? Reply with the city name only.
      check: {exact: Canberra}                      # same text, ignoring case, spaces and a final full stop
    - {id: sum, prompt: "17 * 23? The number only.", check: {number: 391, tolerance: 0}}   # the last number
    - {id: code, prompt: "...", check: {regex: "def\\s+add\\("}}                          # re.search; (?i) etc.
    - {id: person, prompt: "...", check: {json_schema: {type: object, required: [name]}}} # the JSON in the reply
    - {id: explain, prompt: "...", check: {judge: "Says keys map to values through a hash function."}}

Optional per prompt: `system`, `max_tokens`.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ...errors import DataError

DEFAULT_MAX_TOKENS = 256
"""A reply's cap: short answers are asked for; a model that rambles pays for it in time, not in a hung run."""


class Check(BaseModel):
    """Exactly one way to score a reply."""

    model_config = ConfigDict(extra="forbid")

    exact: str | None = None
    regex: str | None = None
    json_schema: dict[str, Any] | None = None
    number: float | None = None
    tolerance: float = Field(0.0, ge=0)
    """Largest absolute difference from `number` that still passes."""
    judge: str | None = None
    """What a good reply does, for the judge model to decide."""

    @model_validator(mode="after")
    def _one_kind(self) -> Check:
        kinds = [k for k in ("exact", "regex", "json_schema", "number", "judge") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a check needs exactly one of exact, regex, json_schema, number, judge; got {kinds or 0}")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as e:
                raise ValueError(f"bad regex {self.regex!r}: {e}") from None
        if self.json_schema is not None:
            from jsonschema import SchemaError, validators

            try:
                validators.validator_for(self.json_schema).check_schema(self.json_schema)
            except SchemaError as e:
                raise ValueError(f"bad JSON schema: {e.message}") from None
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("exact", "regex", "json_schema", "number", "judge") if getattr(self, k) is not None)


class PromptItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    check: Check
    system: str | None = None
    max_tokens: int = Field(DEFAULT_MAX_TOKENS, ge=1, le=8192)


def default_prompts() -> list[PromptItem]:
    """The bundled set: short questions with exact, numeric, regex, JSON-schema and judged answers."""
    text = resources.files(__package__).joinpath("prompts.yaml").read_text(encoding="utf-8")
    return _items(_yaml(text, "prompts.yaml"), "prompts.yaml")


def load_prompts(path: str | Path) -> list[PromptItem]:
    """Prompts from a .yaml/.yml list or a .jsonl file (one object a line); a bad entry names its place."""
    path = Path(path)
    if path.suffix.lower() not in (".jsonl", ".yaml", ".yml"):
        raise DataError("unknown prompt file type.", "Use a .yaml/.yml list or a .jsonl file.", path=path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".jsonl":
        raw = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    raw.append((n, json.loads(line)))
                except json.JSONDecodeError as e:
                    raise DataError(
                        f"not JSON: {e.msg}", "Write one JSON object per line.", path=path, line=n
                    ) from None
        return _items(raw, path)
    return _items(_yaml(text, path), path)


def _yaml(text: str, path: str | Path) -> list[tuple[int | None, Any]]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DataError(
            f"not valid YAML: {getattr(e, 'problem', None) or e}",
            "Fix the file.",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from None
    if isinstance(data, dict) and "prompts" in data:
        data = data["prompts"]
    if not isinstance(data, list):
        raise DataError(
            "expected a list of prompts.", "Write '- id: …' entries (see llmworks showdown --help).", path=path
        )
    return [(None, entry) for entry in data]


def _items(raw: list[tuple[int | None, Any]], path: str | Path) -> list[PromptItem]:
    items, seen = [], set()
    for i, (line, entry) in enumerate(raw, 1):
        where = "" if line else f"prompt {i}: "
        try:
            item = PromptItem.model_validate(entry)
        except ValidationError as e:
            error = e.errors()[0]
            field = ".".join(str(p) for p in error["loc"]) or "entry"
            raise DataError(
                f"{where}{field}: {error['msg']}", "Each prompt needs id, prompt and one check.", path=path, line=line
            ) from None
        if item.id in seen:
            raise DataError(
                f"{where}the id {item.id!r} is used twice.", "Give each prompt its own id.", path=path, line=line
            )
        seen.add(item.id)
        items.append(item)
    if not items:
        raise DataError("no prompts in the file.", "Add at least one prompt with a check.", path=path)
    return items
