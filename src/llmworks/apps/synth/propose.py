"""A spec proposed by the model from a description, for the user to read and edit before generating."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from ... import llm
from ...errors import LlmworksError
from ...events import Done, Progress, app
from .spec import Spec

FIELDS = (3, 12)
"""A proposal has this many columns at least and at most."""
_NAME = re.compile(r"[^a-z0-9_]+")


class Column(BaseModel):
    name: str = Field(description="snake_case column name")
    type: Literal["string", "integer", "number", "boolean", "date"]
    description: str = Field(description="what the column holds, in a few words")
    choices: list[str] = Field(default_factory=list, description="the allowed values of a categorical column, or []")
    minimum: float | None = None
    maximum: float | None = None


class Proposal(BaseModel):
    columns: list[Column] = Field(min_length=FIELDS[0], max_length=FIELDS[1])
    unique: list[str] = Field(default_factory=list, description="columns whose values never repeat, e.g. an id")


@app
def propose(description: str, *, model: str | llm.Model | None = None):
    """Propose a spec (columns with types, choices and ranges; unique ids) for `description`."""
    if not description.strip():
        raise LlmworksError("No description given.", 'Describe the data, e.g. "orders of a bike shop".')
    yield Progress("Asking the model for columns…")
    proposal = llm.structured(
        f"Design the columns of a table of synthetic test data: {description.strip()}\n"
        f"Give {FIELDS[0]} to 8 columns a real system would store, with types; list the allowed values of "
        "categorical columns and the range of numbers.",
        schema=Proposal,
        model=model,
        temperature=0.0,
    ).output
    yield Done(to_spec(proposal, description.strip()))


def to_spec(proposal: Proposal, description: str) -> Spec:
    """JSON Schema from the proposal; names cleaned, repeated names dropped, choices kept only when there are two."""
    properties: dict[str, dict] = {}
    for column in proposal.columns:
        name = _NAME.sub("_", column.name.strip().lower()).strip("_")
        if not name or name in properties:
            continue
        prop: dict = {"type": "string", "format": "date"} if column.type == "date" else {"type": column.type}
        if column.description:
            prop["description"] = column.description
        choices = list(dict.fromkeys(c for c in column.choices if c.strip()))
        if column.type == "string" and len(choices) >= 2:
            prop["enum"] = choices
        if column.type in ("integer", "number"):
            bounds = [column.minimum, column.maximum]
            if None not in bounds and bounds[0] > bounds[1]:  # type: ignore[operator]
                bounds.reverse()
            for key, value in zip(("minimum", "maximum"), bounds):
                if value is not None:
                    prop[key] = int(value) if column.type == "integer" else value
        properties[name] = prop
    if not properties:
        raise LlmworksError("The model proposed no usable column.", "Describe the data in more words, or use -m.")
    unique = [u for u in (_NAME.sub("_", u.lower()).strip("_") for u in proposal.unique) if u in properties]
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    return Spec(schema, unique, [], description)
