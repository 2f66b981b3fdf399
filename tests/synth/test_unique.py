"""Unique fields with a writer that, like a small model decoding greedily, writes the ids of its examples again in
every batch unless the prompt hands it one: seeded free ids in the hints, a free id in the repair prompt."""

from __future__ import annotations

import json
import random
import re

import pytest

from llmworks.apps import synth
from llmworks.apps.synth.generator import _offers
from llmworks.apps.synth.unique import free
from llmworks.apps.synth.validate import Checker
from llmworks.events import final

EXAMPLES = [
    f"ORD-{d}" for d in ("12345", "67890", "54321", "11111", "98765", "24680", "13579", "10101", "55555", "77777")
]
ID = re.compile(r"^ORD-[0-9]{5}$")


@pytest.fixture
def parrot(writer):
    """The conftest's order writer turned parrot."""

    class Parrot(writer):
        """Row k of a batch gets the k-th example id, whatever was written before; a hinted id (if `hints`) or the id a
        repair prompt offers replaces it."""

        def __init__(self, *, hints: bool, **knobs):
            super().__init__(**knobs)
            self.hints = hints

        def reply(self, request):
            prompt = request.messages[-1]["content"]
            if "This row is wrong:" in prompt:
                row = json.loads(prompt.split("This row is wrong:\n", 1)[1].split("\n", 1)[0])
                offered = re.search(r"use order_id '([^']+)' instead", prompt)
                return dict(row, order_id=offered.group(1)) if offered else row  # told only "used", it repeats itself
            return super().reply(request)

        def row(self, i, hint):
            given = re.search(r"order_id '([^']+)'", hint) if self.hints else None
            return dict(super().row(i, hint), order_id=given.group(1) if given else EXAMPLES[(i - 1) % 10])

    return Parrot


def _ids(rows):
    return [r["order_id"] for r in rows]


def test_hinted_free_ids_keep_every_batch_unique_and_reproducible(spec, tmp_path, parrot):
    writer = parrot(hints=True)
    done = final(synth.generate(spec, 30, tmp_path / "a.jsonl", model=writer.model, batch_size=10, seed=5))
    rows = done.result.rows
    assert done.result.complete and len(rows) == 30 and not done.result.dropped
    assert len(set(_ids(rows))) == 30 and all(ID.match(i) for i in _ids(rows))
    assert len(writer.model.requests) == 3  # three batches, no repair needed
    second = writer.model.requests[1].messages[-1]["content"]
    assert "Already used, never repeat: order_id " + ", ".join(f'"{i}"' for i in _ids(rows[:10])) in second
    again = final(synth.generate(spec, 30, tmp_path / "b.jsonl", model=parrot(hints=True).model, batch_size=10, seed=5))
    other = final(synth.generate(spec, 30, tmp_path / "c.jsonl", model=parrot(hints=True).model, batch_size=10, seed=6))
    assert again.result.rows == rows and _ids(other.result.rows) != _ids(rows)


def test_a_repeated_id_is_repaired_with_a_free_id_the_repair_prompt_names(spec, tmp_path, parrot):
    writer = parrot(hints=False)  # ignores the hints: every row after the first batch repeats an id
    done = final(synth.generate(spec, 30, tmp_path / "o.jsonl", model=writer.model, batch_size=10))
    rows = done.result.rows
    assert done.result.complete and len(set(_ids(rows))) == 30 and all(ID.match(i) for i in _ids(rows))
    assert done.result.report.repaired == 20
    repairs = [r.messages[-1]["content"] for r in writer.model.requests if "This row is wrong:" in str(r.messages)]
    first = repairs[0]
    assert "order_id 'ORD-12345' is already used by row 1" in first
    offered = re.search(r"use order_id '([^']+)' instead: no row has it yet", first).group(1)
    assert ID.match(offered) and offered not in _ids(rows[:10]) and offered == rows[10]["order_id"]


def test_free_values_come_from_the_fields_schema():
    rng = random.Random(0)
    assert re.fullmatch(
        r"[A-Z]{2}-\d{3}(-a|-b)?", free({"type": "string", "pattern": r"^[A-Z]{2}-\d{3}(-a|-b)?$"}, {}, rng)
    )
    assert free({"type": "integer", "minimum": 1, "maximum": 3}, {1: 0, 2: 0}, rng) == 3
    assert free({"type": "integer", "minimum": 1, "maximum": 2}, {1: 0, 2: 0}, rng) is None  # none left
    assert free({"type": "string", "enum": ["a", "b"]}, {"a": 0}, rng) == "b"
    assert re.fullmatch(r"[0-9a-f-]{36}", free({"type": "string", "format": "uuid"}, {}, rng))
    assert free({"type": "string", "maxLength": 40}, {"Acme 2": 0}, rng, like="Acme") == "Acme 3"
    assert free({"type": "string", "pattern": "^(?!x)[a-z]$"}, {}, rng) is None  # a lookahead is not sampled


def test_without_a_free_value_the_repair_names_the_values_in_use():
    spec = synth.Spec(
        {"type": "object", "properties": {"email": {"type": "string", "format": "email"}}}, unique=["email"]
    )
    checker = Checker(spec)
    for i, email in enumerate(["a@x.com", "b@x.com"]):
        checker.keep({"email": email}, i)
    taken = {name: dict(values) for name, values in checker.seen.items()}
    offers = _offers(spec, {"email": "b@x.com"}, checker, taken, random.Random(0))
    assert offers == ['email values already used, pick another: "a@x.com", "b@x.com"']
