"""End to end on the embedded 135M model (slow), network cut: the CLI's path through llama.cpp's constrained
decoding of a batch of rows (array length, enum, integer range, regex, date format), with the report."""

from __future__ import annotations

import json

import pytest

from llmworks.cli import main

SPEC = {
    "description": "members of a cycling club",
    "schema": {
        "type": "object",
        "properties": {
            "member_id": {"type": "string", "pattern": "^M[0-9]{3}$"},
            "city": {"type": "string", "enum": ["Leeds", "York", "Hull"]},
            "age": {"type": "integer", "minimum": 18, "maximum": 80},
            "joined": {"type": "string", "format": "date"},
        },
        "required": ["member_id", "city", "age", "joined"],
    },
}


@pytest.mark.slow
def test_constrained_rows_from_the_embedded_model_offline(tmp_path, no_network, capsys):
    spec = tmp_path / "members.json"
    spec.write_text(json.dumps(SPEC))
    out = tmp_path / "members.jsonl"
    args = ["synth", "--schema", str(spec), "-n", "3", "--batch-size", "3", "--out", str(out), "--json"]
    assert main([*args, "--attempts", "2"]) == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 3 and report["output_valid"] == 1.0
    # constrained decoding: every row the model wrote already had the schema's shape (no rule, no unique field)
    assert report["valid_as_written"] == 1.0
    assert all(r["city"] in ("Leeds", "York", "Hull") and 18 <= r["age"] <= 80 for r in rows)
