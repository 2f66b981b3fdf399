"""Specs, row checks, duplicates and exports: the parts of the generator that need no model."""

from __future__ import annotations

import json

import pytest

from llmworks.apps import synth
from llmworks.apps.synth.dedup import Deduper
from llmworks.apps.synth.validate import Checker, judge
from llmworks.errors import DataError, LlmworksError

ROW = {
    "order_id": "ORD-00001",
    "customer": "Anchor Office Supplies",
    "region": "West",
    "quantity": 4,
    "unit_price": 12.5,
    "order_date": "2025-03-02",
}


def test_a_spec_file_loads_with_its_constraints_and_a_plain_schema_loads_alone(spec, tmp_path):
    assert spec.fields == ["order_id", "customer", "region", "quantity", "unit_price", "order_date"]
    assert spec.unique == ["order_id"] and len(spec.rules) == 2
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(spec.schema))
    alone = synth.load(plain)
    assert alone.schema == spec.schema and alone.rules == [] and alone.unique == []
    assert alone.key() != spec.key()  # the rules shape the rows: another run, not a resumable one


def test_a_pydantic_model_in_a_file_is_a_spec(tmp_path):
    models = tmp_path / "models.py"
    models.write_text(
        "from pydantic import BaseModel, Field\n"
        "class Customer(BaseModel):\n"
        '    """customers of a bike shop"""\n'
        "    name: str\n"
        "    age: int = Field(ge=18, le=99)\n"
    )
    spec = synth.load(f"{models}:Customer")
    assert spec.fields == ["name", "age"] and spec.description == "customers of a bike shop"
    assert Checker(spec).problems({"name": "Ana", "age": 12}) == ["age: 12 is less than the minimum of 18"]
    with pytest.raises(LlmworksError, match="not a pydantic model"):
        synth.load(f"{models}:BaseModel_missing")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "array"}, "must describe one row"),
        ({"type": "object", "properties": {"a": {"type": "strin"}}}, "not valid JSON Schema"),
        ({"schema": {"type": "object", "properties": {"a": {}}}, "unique": ["b"]}, "'b', which is not a field"),
        ({"schema": {"type": "object", "properties": {"a": {}}}, "rules": ["a >"]}, "not a Python expression"),
        ({"schema": {"type": "object", "properties": {"a": {}}}, "rules": ["__import__('os')"]}, "__import__"),
        ({"schema": {"type": "object", "properties": {"a": {}}}, "colums": []}, "unknown spec keys: colums"),
    ],
)
def test_a_spec_that_cannot_work_is_refused_with_the_file_named(tmp_path, data, message):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=message) as caught:
        synth.load(path)
    assert str(path) in str(caught.value)


def test_checks_name_each_problem(spec):
    checker = Checker(spec)
    assert checker.problems(ROW) == []
    bad = dict(ROW, order_id="ORD-1", region="Mars", order_date="2024-02-30")
    problems = checker.problems(bad)
    assert any(p.startswith("order_id: 'ORD-1' does not match") for p in problems)
    assert any(p.startswith("region: 'Mars' is not one of") for p in problems)
    assert any(p.startswith("order_date: '2024-02-30' is not a 'date'") for p in problems)  # formats are checked
    late = dict(ROW, order_date="2026-01-01")
    assert checker.problems(late) == ["rule `order_date >= '2025-01-01' and order_date <= '2025-12-31'` does not hold"]
    assert checker.problems(["not", "a", "row"]) == ["a row must be a JSON object"]
    checker.keep(ROW, 0)
    assert checker.clashes(dict(ROW, customer="Other")) == ["order_id 'ORD-00001' is already used by row 1"]


def test_rules_run_in_a_sandbox_not_in_python(tmp_path):
    spec = synth.Spec({"type": "object", "properties": {"name": {"type": "string"}}}, rules=["name.__class__"])
    problems = Checker(spec).problems({"name": "x"})
    assert len(problems) == 1 and "could not be checked" in problems[0] and "__class__" in problems[0]
    days = synth.Spec(
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
        rules=["days(a, b) <= 14"],
    )
    assert Checker(days).problems({"a": "2025-01-01", "b": "2025-01-10"}) == []
    assert Checker(days).problems({"a": "2025-01-01", "b": "2025-02-10"}) == ["rule `days(a, b) <= 14` does not hold"]


def test_a_rule_field_equals_expression_derives_the_field():
    schema = {
        "type": "object",
        "properties": {
            "quantity": {"type": "integer", "minimum": 1},
            "unit_price": {"type": "number"},
            "total": {"type": "number"},
            "boxes": {"type": "integer"},
        },
        "required": ["quantity", "unit_price", "total", "boxes"],
    }
    rules = ["total == round(quantity * unit_price, 2)", "boxes == quantity * 2.0", "quantity <= 500"]
    checker = Checker(synth.Spec(schema, rules=rules))
    wrong = {"quantity": 3, "unit_price": 1.115, "total": 3.0, "boxes": 1}
    assert checker.derive(wrong) == {"quantity": 3, "unit_price": 1.115, "total": 3.34, "boxes": 6}
    assert checker.problems(checker.derive(wrong)) == [] and wrong["total"] == 3.0  # a new row, the old one as is
    assert isinstance(checker.derive(wrong)["boxes"], int)  # 6.0 for an integer field is 6
    assert checker.derive({"quantity": 3, "unit_price": 1.115, "total": 3.34, "boxes": 6}) is None  # nothing to fix
    assert checker.derive({"quantity": 3, "unit_price": 2.0}) == {
        "quantity": 3,
        "unit_price": 2.0,
        "total": 6.0,
        "boxes": 6,
    }  # absent: computed too
    assert checker.derive({"quantity": 0, "unit_price": 2.0, "total": 1, "boxes": 1}) is None  # inputs first
    assert checker.derive({"quantity": "3", "unit_price": 2.0, "total": 1, "boxes": 1}) is None
    assert [synth.spec.derivation(r) for r in ["total * 1 == total", "a == a + 1", "a <= b", "a == b == c"]] == [
        None
    ] * 4


def test_duplicates_are_found_with_their_reason(spec):
    checker, deduper = Checker(spec), Deduper(ignore=spec.unique)
    checker.keep(ROW, 0)
    deduper.add(ROW, 0)
    assert judge(dict(ROW), checker, deduper) == ("exact", ["exact duplicate of row 1 (order_id not compared)"])
    renamed = dict(ROW, order_id="ORD-00002", customer="anchor office supplies ")
    assert judge(renamed, checker, deduper)[0] == "exact"  # case and spaces aside
    near = dict(ROW, order_id="ORD-00003", customer="Anchor Office Supplies Ltd")
    verdict, (reason,) = judge(near, checker, deduper)
    assert verdict == "near" and reason.startswith("near-duplicate of row 1") and "% of their words" in reason
    other = dict(ROW, order_id="ORD-00004", customer="Birch Paper Traders", region="East", quantity=40)
    assert judge(other, checker, deduper) == ("ok", [])


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_exports_read_back_with_their_types(spec, tmp_path, suffix):
    rows = [ROW, dict(ROW, order_id="ORD-00002", customer='Comma, "Quote" & Co', quantity=9)]
    path = synth.write(rows, tmp_path / f"orders{suffix}", spec.fields)
    assert synth.read(path, spec) == rows
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left behind
    with pytest.raises(LlmworksError, match=r"\.jsonl, \.csv or \.parquet"):
        synth.write(rows, tmp_path / "orders.xlsx", spec.fields)
