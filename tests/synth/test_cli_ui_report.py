"""The thin layers and the report: `llmworks synth` / `synth-report`, the workbench tab, the report's measures and
the reference scores."""

from __future__ import annotations

import json

import pytest

from llmworks import llm
from llmworks.apps import synth
from llmworks.apps.synth.reference import compare
from llmworks.cli import main
from llmworks.llm.testing import ScriptedModel


def test_cli_generates_writes_and_prints_the_report(spec_path, writer, tmp_path, capsys):
    out = tmp_path / "orders.csv"
    with llm.override(writer(bad={2}).model):
        assert main(["synth", "--schema", str(spec_path), "-n", "6", "--out", str(out), "--batch-size", "3"]) == 0
    captured = capsys.readouterr()
    assert "valid after repair" in captured.out and "100.0% (1 repaired)" in captured.out
    assert "region" in captured.out and "categorical" in captured.out
    assert "Wrote 6 rows" in captured.err and "6/6 rows (100%)" in captured.err
    rows = synth.read(out, synth.load(spec_path))
    assert len(rows) == 6 and isinstance(rows[0]["quantity"], int)
    assert (tmp_path / "orders.report.json").is_file() and (tmp_path / "orders.dropped.jsonl").is_file()

    with llm.override(writer().model):
        args = ["synth", "--schema", str(spec_path), "-n", "3", "--out", str(tmp_path / "o.jsonl"), "--json"]
        assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 3 and data["output_valid"] == 1.0 and data["files"]["data"].endswith("o.jsonl")


def test_cli_describe_proposes_an_editable_spec(tmp_path, capsys):
    proposal = {
        "columns": [
            {"name": "Order ID", "type": "string", "description": "id", "choices": []},
            {"name": "region", "type": "string", "description": "sales region", "choices": ["North", "South"]},
            {"name": "amount", "type": "number", "description": "total", "choices": [], "minimum": 900, "maximum": 5},
            {"name": "placed", "type": "date", "description": "order day", "choices": []},
        ],
        "unique": ["order id"],
    }
    out = tmp_path / "orders.jsonl"
    with llm.override(ScriptedModel([proposal])):
        assert main(["synth", "--describe", "orders of a shop", "--propose-only", "--out", str(out)]) == 0
    written = tmp_path / "orders.schema.json"
    assert str(written) in capsys.readouterr().err
    spec = synth.load(written)  # what the user edits loads as a spec
    props = spec.schema["properties"]
    assert spec.fields == ["order_id", "region", "amount", "placed"] and spec.unique == ["order_id"]
    assert props["region"]["enum"] == ["North", "South"] and props["placed"] == {
        "type": "string",
        "format": "date",
        "description": "order day",
    }
    assert (props["amount"]["minimum"], props["amount"]["maximum"]) == (5, 900)  # swapped into order
    assert not out.exists()


def test_cli_unsatisfiable_schema_exits_1_with_the_reason_and_no_files(spec_path, writer, tmp_path, capsys):
    with llm.override(writer(always_bad=True, unfixable=True).model):
        assert main(["synth", "--schema", str(spec_path), "-n", "4", "--out", str(tmp_path / "o.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "in 3 attempts (most often quantity: 999 is greater than the maximum of 500" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


def test_cli_errors_are_one_line_with_the_fix(spec_path, tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path / "o.jsonl")]) == 1
    assert "Give either --schema or --describe" in capsys.readouterr().err
    assert main(["synth", "--schema", str(spec_path), "--out", str(tmp_path / "o.xlsx")]) == 1
    assert ".jsonl, .csv or .parquet" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["synth", "--schema", str(bad), "--out", str(tmp_path / "o.jsonl")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: not valid JSON" in err and "Traceback" not in err


def test_synth_report_checks_any_file(spec_path, tmp_path, capsys):
    rows = [
        {"order_id": "ORD-00001", "customer": "Anchor Supplies", "region": "West", "quantity": 3,
         "unit_price": 2.5, "order_date": "2025-01-05"},
        {"order_id": "ORD-00002", "customer": "Anchor Supplies", "region": "West", "quantity": 3,
         "unit_price": 2.5, "order_date": "2025-01-05"},
        {"order_id": "ORD-00003", "customer": "Birch Paper", "region": "Mars", "quantity": 3,
         "unit_price": 2.5, "order_date": "2025-01-05"},
        {"order_id": "ORD-00004", "customer": "Cedar Office Goods", "region": "East", "quantity": None,
         "unit_price": 9.0, "order_date": "2026-01-05"},
    ]  # fmt: skip
    data = tmp_path / "orders.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["synth-report", str(data), "--schema", str(spec_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == 4 and report["exact_dups"] == 1 and report["near_dups"] == 0
    assert report["valid_as_written"] == 0.5  # the duplicate is valid; region Mars and quantity None are not
    assert report["output_valid"] == 0.5  # schema, rules and unique ids: the repeat has an id of its own
    region = next(f for f in report["fields"] if f["name"] == "region")
    assert region["kind"] == "categorical" and region["histogram"] == [["West", 2], ["Mars", 1], ["East", 1]]
    quantity = next(f for f in report["fields"] if f["name"] == "quantity")
    assert quantity["nulls"] == 1 and quantity["filled"] == 3
    assert main(["synth-report", str(data), "--schema", str(spec_path)]) == 0
    assert "exact duplicates dropped" in capsys.readouterr().out


def test_distinct_2_counts_repeated_bigrams(spec):
    rows = [{"customer": "red bike shop"}, {"customer": "red bike store"}]
    # bigrams: (red bike), (bike shop), (red bike), (bike store): 3 distinct of 4
    assert synth.report.distinct_n(rows, spec, 2) == pytest.approx(0.75)


def test_reference_scores_are_one_for_the_same_data_and_lower_when_shapes_differ():
    import pandas as pd

    real = pd.DataFrame(
        {
            "region": ["North", "South", "East", "West"] * 25,
            "amount": [float(i) for i in range(100)],
            "units": [i * 2 + (i % 3) for i in range(100)],
            "note": [f"free text number {i}" for i in range(100)],
        }
    )
    same = compare(real, real.to_dict("records"))
    assert same["column_shapes"] == pytest.approx(1.0) and same["pair_trends"] == pytest.approx(1.0)
    assert same["skipped"] == ["note"]  # free text is not a shape
    skewed = real.assign(region="North", amount=real["amount"] + 50, units=-real["units"])
    worse = compare(real, skewed.to_dict("records"))
    assert worse["columns"]["region"] == pytest.approx(0.25)  # TV distance 0.75
    assert worse["columns"]["amount"] == pytest.approx(0.5)  # half the values shifted out of the real range
    assert worse["pairs"]["amount ~ units"] == pytest.approx(0.0, abs=0.01)  # correlation +1 became -1
    assert worse["pair_trends"] < 0.5


def test_workbench_tab_generates_and_shows_the_report(spec, writer):
    import gradio as gr

    from llmworks.ui import synth as synth_ui

    with gr.Blocks():
        synth_ui.tab()
    spec_text = json.dumps(spec.to_json())
    *steps, last = synth_ui.generate(spec_text, 4, 2, 0, writer(dup={3}).model, "orders.parquet")
    status, table, report_md, report_json, files, dropped = last
    assert list(table.columns)[:2] == ["order_id", "customer"] and len(table) == 4
    assert "| valid after repair | 100.0% (0 repaired) |" in report_md and report_json["exact_dups"] == 1
    assert any(f.endswith("orders.parquet") for f in files) and dropped["reason"][0].startswith("exact duplicate")
    assert "4/4 rows" in status
    *_, bad = synth_ui.generate("{", 4, 2, 0, None, "x.jsonl")
    assert bad[0].startswith("**Error:**") and "not JSON" in bad[0]


def test_workbench_proposes_a_spec_into_the_editor():
    from llmworks.ui import synth as synth_ui

    proposal = {
        "columns": [
            {"name": "sku", "type": "string", "description": "stock code", "choices": []},
            {"name": "colour", "type": "string", "description": "frame colour", "choices": ["red", "blue"]},
            {"name": "price", "type": "number", "description": "price", "choices": [], "minimum": 100, "maximum": 900},
        ],
        "unique": ["sku"],
    }
    *_, (spec_text, status) = synth_ui.propose("bikes in a shop", ScriptedModel([proposal]))
    spec = synth.Spec.of_json(json.loads(spec_text))
    assert spec.unique == ["sku"] and spec.schema["properties"]["colour"]["enum"] == ["red", "blue"]
    assert spec.description == "bikes in a shop" and "1 model calls" in status  # the usage line
    *_, (empty, status) = synth_ui.propose("  ", None)
    assert empty == "" and "No description given" in status
