"""What to generate: the JSON Schema of one row, plus the constraints a schema cannot say.

A spec file is either a plain JSON Schema of one row, or that schema wrapped with its constraints:

    {"description": "orders of a bike shop",
     "schema": {"type": "object", "properties": {...}, "required": [...]},
     "unique": ["order_id"],
     "rules": ["ship_date >= order_date", "total == round(quantity * unit_price, 2)"]}

Ranges, regexes, enums and formats belong in the schema (minimum, pattern, enum, format); `unique` names fields whose
values may not repeat; `rules` are Python expressions over the row's fields, evaluated by simpleeval (no imports, no
attributes, no calls beyond a few pure helpers), never with eval(). A rule `field == expression` whose expression
does not use the field derives it: a row that breaks it gets the computed value (a small model's arithmetic is
unreliable). A pydantic model works too: `Spec.of_model(M)`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import importlib.util
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...errors import DataError, LlmworksError

HELPERS = {
    "len": len,
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "int": int,
    "float": float,
    "str": str,
    "date": dt.date.fromisoformat,
    "days": lambda a, b: (dt.date.fromisoformat(str(b)[:10]) - dt.date.fromisoformat(str(a)[:10])).days,
}
"""Functions a rule may call: `days(order_date, ship_date) <= 14`, `len(sku) == 8`."""


@dataclass(frozen=True)
class Spec:
    """The schema of one row and its extra constraints."""

    schema: dict[str, Any]
    unique: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    description: str = ""

    def __post_init__(self):
        check(self)

    @property
    def fields(self) -> list[str]:
        return list(self.schema.get("properties", {}))

    def key(self) -> str:
        """A short hash of everything that shapes the rows (a resumed run must have the same)."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        return {"description": self.description, "schema": self.schema, "unique": self.unique, "rules": self.rules}

    @classmethod
    def of_json(cls, data: Any, *, path: str | Path | None = None) -> Spec:
        if not isinstance(data, dict):
            raise DataError("a spec must be a JSON object (a JSON Schema, or {schema, unique, rules}).", path=path)
        if "schema" in data and isinstance(data["schema"], dict):
            extra = set(data) - {"schema", "unique", "rules", "description"}
            if extra:
                raise DataError(
                    f"unknown spec keys: {', '.join(sorted(extra))}.",
                    "A spec has schema, unique, rules and description.",
                    path=path,
                )
            return _spec(data["schema"], data.get("unique"), data.get("rules"), data.get("description"), path)
        return _spec(data, None, None, data.get("description"), path)

    @classmethod
    def of_model(cls, model: Any, *, unique: list[str] | None = None, rules: list[str] | None = None) -> Spec:
        """From a pydantic model class (its JSON Schema, `$defs` inlined by pydantic's own generator)."""
        schema = model.model_json_schema()
        return cls(schema, list(unique or []), list(rules or []), (model.__doc__ or "").strip())


def _spec(schema, unique, rules, description, path) -> Spec:
    try:
        return Spec(schema, list(unique or []), list(rules or []), str(description or ""))
    except LlmworksError as e:
        raise DataError(e.message, e.hint, path=path) from None


def load(source: str | Path) -> Spec:
    """A spec from a .json file, or from a pydantic model named `module:Class` or `file.py:Class`."""
    text = str(source)
    if not text.endswith(".json") and ":" in text:
        return Spec.of_model(_import_model(text))
    path = Path(source)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DataError(f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}).", path=path) from None
    return Spec.of_json(data, path=path)


def _import_model(ref: str):
    where, _, name = ref.rpartition(":")
    if where.endswith(".py"):  # the user's own file, run as their code (like a config file), never model output
        spec = importlib.util.spec_from_file_location(Path(where).stem, where)
        if spec is None or spec.loader is None or not Path(where).is_file():
            raise LlmworksError(f"No such Python file: {where}.", "Give file.py:ModelClass or module:ModelClass.")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    model = getattr(module, name, None)
    if model is None or not hasattr(model, "model_json_schema"):
        raise LlmworksError(f"{ref} is not a pydantic model.", "Name a class derived from pydantic.BaseModel.")
    return model


def check(spec: Spec) -> None:
    """Refuse a spec that cannot work, naming the part to fix."""
    from jsonschema import Draft202012Validator, SchemaError

    schema = spec.schema
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        raise LlmworksError(
            'The schema must describe one row: {"type": "object", "properties": {...}}.',
            "Give each column a property with its type.",
        )
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        raise LlmworksError(f"The schema is not valid JSON Schema: {e.message}.", "Fix that part of it.") from None
    fields = set(schema["properties"])
    for name in spec.unique:
        if name not in fields:
            raise LlmworksError(f"unique names {name!r}, which is not a field.", f"Fields: {', '.join(fields)}.")
    for rule in spec.rules:
        compile_rule(rule, fields)


def compile_rule(rule: str, fields: set[str]):
    """The parsed rule; an error names the rule if it does not parse or uses a name that is not a field."""
    import ast

    from simpleeval import SimpleEval

    try:
        tree = ast.parse(rule.strip(), mode="eval")
    except SyntaxError as e:
        raise LlmworksError(f"Rule {rule!r} is not a Python expression ({e.msg}).", "Fix its syntax.") from None
    unknown = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - fields - set(HELPERS) - {"None"}
    if unknown:
        raise LlmworksError(
            f"Rule {rule!r} uses {', '.join(sorted(unknown))}, which {'is' if len(unknown) == 1 else 'are'} not "
            "a field.",
            f"Rules may use the fields ({', '.join(sorted(fields))}) and {', '.join(HELPERS)}.",
        )
    return SimpleEval(functions=HELPERS).parse(rule.strip())


def derivation(rule: str) -> tuple[str, str] | None:
    """(field, expression) when `rule` reads `field == expression` and the expression does not use the field."""
    import ast

    tree = ast.parse(rule.strip(), mode="eval").body
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1 and isinstance(tree.ops[0], ast.Eq)):
        return None
    target, expression = tree.left, tree.comparators[0]
    if not isinstance(target, ast.Name) or target.id in HELPERS:
        return None
    if any(isinstance(n, ast.Name) and n.id == target.id for n in ast.walk(expression)):
        return None
    return target.id, ast.unparse(expression)
