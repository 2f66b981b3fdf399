"""Is a row valid? The JSON Schema (jsonschema, formats checked), then each rule, then uniqueness against the rows
kept so far. Every problem is one short sentence, used both in the repair prompt and as a dropped row's reason."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .spec import HELPERS, Spec, compile_rule, derivation


class Checker:
    """Checks rows against one spec; counts how often each rule held (`rule_checks`, `rule_passes`)."""

    def __init__(self, spec: Spec):
        from jsonschema import Draft202012Validator, FormatChecker
        from simpleeval import SimpleEval

        self.spec = spec
        self.validator = Draft202012Validator(spec.schema, format_checker=FormatChecker())
        fields = set(spec.fields)
        self.rules = [(rule, compile_rule(rule, fields)) for rule in spec.rules]
        self.derived = [
            (name, expression, compile_rule(expression, fields))
            for name, expression in filter(None, map(derivation, spec.rules))
        ]
        self.targets = {name for name, _, _ in self.derived}
        self.evaluator = SimpleEval(functions=HELPERS)
        self.seen: dict[str, dict[str, int]] = {name: {} for name in spec.unique}
        self.rule_checks, self.rule_passes = 0, Counter[str]()

    def problems(self, row: Any) -> list[str]:
        """What is wrong with `row` by the schema and the rules ([] when nothing)."""
        if not isinstance(row, dict):
            return ["a row must be a JSON object"]
        found = [_schema_message(e) for e in sorted(self.validator.iter_errors(row), key=lambda e: list(e.path))]
        if found:  # rules assume the schema's types
            return found
        self.rule_checks += 1
        self.evaluator.names = {name: row.get(name) for name in self.spec.fields}
        for rule, parsed in self.rules:
            try:
                held = bool(self.evaluator.eval(rule, previously_parsed=parsed))
            except Exception as e:  # a rule that cannot be evaluated on this row does not hold for it
                found.append(f"rule `{rule}` could not be checked ({type(e).__name__.lower()}: {e})")
                continue
            if held:
                self.rule_passes[rule] += 1
            else:
                found.append(f"rule `{rule}` does not hold")
        return found

    def derive(self, row: Any) -> dict | None:
        """`row` with each derived field computed from its rule, in the order the rules are written; None when no
        value changes, or when a field the rules compute from breaks the schema (its repair comes first)."""
        if not isinstance(row, dict) or not self.derived:
            return None
        if not all(_about(error, self.targets) for error in self.validator.iter_errors(row)):
            return None
        fixed = dict(row)
        for name, expression, parsed in self.derived:
            self.evaluator.names = {field: fixed.get(field) for field in self.spec.fields}
            try:
                value = self.evaluator.eval(expression, previously_parsed=parsed)
            except Exception:  # wrong types or a missing field: the schema check names the problem
                continue
            kind = self.spec.schema["properties"][name].get("type")
            if kind == "integer" and isinstance(value, float) and value.is_integer():
                value = int(value)
            fixed[name] = value
        return fixed if fixed != row else None

    def clashes(self, row: dict) -> list[str]:
        """Unique fields whose value a kept row already has."""
        return [
            f"{name} {row.get(name)!r} is already used by row {self.seen[name][_hashable(row.get(name))] + 1}"
            for name in self.clashing(row)
        ]

    def clashing(self, row: Any) -> list[str]:
        """The names of those fields."""
        if not isinstance(row, dict):
            return []
        return [name for name, values in self.seen.items() if _hashable(row.get(name)) in values]

    def keep(self, row: dict, index: int) -> None:
        """Remember a kept row's unique values."""
        for name, values in self.seen.items():
            values.setdefault(_hashable(row.get(name)), index)

    def pass_rates(self) -> dict[str, float]:
        """Share of schema-valid rows each rule held for."""
        return {rule: self.rule_passes[rule] / self.rule_checks if self.rule_checks else 0.0 for rule, _ in self.rules}


def _about(error, fields: set[str]) -> bool:
    """Whether a schema error concerns only these fields (a wrong value, or their absence)."""
    if error.path:
        return error.path[0] in fields
    if error.validator == "required":
        return all(name in fields for name in error.validator_value if name not in error.instance)
    return False


def _schema_message(error) -> str:
    where = ".".join(str(p) for p in error.path)
    message = error.message if len(error.message) <= 160 else error.message[:157] + "…"
    return f"{where}: {message}" if where else message


def _hashable(value: Any) -> Any:
    import json

    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def judge(row: Any, checker: Checker, deduper) -> tuple[str, list[str]]:
    """('ok' | 'invalid' | 'exact' | 'near', reasons): schema and rules first, then a repeat of a kept row (named as
    such, not as a clash of its id), then the unique fields."""
    problems = checker.problems(row)
    if problems:
        return "invalid", problems
    found = deduper.reason(row)
    if found:
        return found[0], [found[1]]
    clashes = checker.clashes(row)
    return ("invalid", clashes) if clashes else ("ok", [])
