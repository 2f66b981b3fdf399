"""The generator with a scripted row writer: repair, duplicates, giving up cleanly, reproducibility, resuming after
kill -9 in a real child process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from llmworks.apps import synth
from llmworks.errors import LlmworksError
from llmworks.events import Progress, final

CHILD = Path(__file__).with_name("gen_child.py")


def _run(spec, n, out, writer, **options):
    return final(synth.generate(spec, n, out, model=writer.model, **options))


def test_rows_are_checked_repaired_deduplicated_and_written_with_a_report(spec, tmp_path, writer):
    out = tmp_path / "orders.jsonl"
    model = writer(bad={4}, dup={7}, near={9})
    done = _run(spec, 12, out, model, batch_size=5)
    result = done.result
    assert result.complete and len(result.rows) == 12
    assert [json.loads(line) for line in out.read_text().splitlines()] == result.rows
    assert synth.check_rows(result.rows, spec).output_valid == 1.0
    reasons = [d["reason"] for d in result.dropped]
    assert reasons == [
        "exact duplicate of row 1 (order_id not compared)",
        "near-duplicate of row 1 (order_id not compared): 89% of their words are shared",
    ]
    dropped_file = [json.loads(line) for line in result.files["dropped"].read_text().splitlines()]
    assert [d["reason"] for d in dropped_file] == reasons and dropped_file[0]["row"]["order_id"] == "ORD-00001"
    repaired = next(r for r in result.rows if r["order_id"] == "ORD-00004")
    assert repaired["quantity"] == 5  # the repair call's fix, after it was told the problem
    repair_prompt = next(r.messages[-1]["content"] for r in model.model.requests if "is wrong" in str(r.messages))
    assert "quantity: 999 is greater than the maximum of 500" in repair_prompt
    report = json.loads(result.files["report"].read_text())
    assert report["generated"] == 14 and report["repaired"] == 1
    assert report["valid_as_written"] == pytest.approx(13 / 14)
    assert report["valid_after_repair"] == 1.0 and report["exact_dups"] == 1 and report["near_dups"] == 1
    assert report["rules"] == {rule: 1.0 for rule in spec.rules}
    assert not (tmp_path / "orders.jsonl.work").exists()  # finished: the work folder is gone
    assert done.calls == 4  # three batches and one repair, all metered


def test_a_derived_field_the_model_got_wrong_is_computed_without_a_repair_call(spec, tmp_path, writer):
    schema = json.loads(json.dumps(spec.schema))
    schema["properties"]["total"] = {"type": "number", "minimum": 0}
    schema["required"].append("total")
    rule = "total == round(quantity * unit_price, 2)"
    with_total = synth.Spec(schema, spec.unique, [*spec.rules, rule], spec.description)
    model = writer(totals={2, 3, 4}, bad={4})  # row 4 also has a quantity above the maximum
    result = _run(with_total, 5, tmp_path / "orders.jsonl", model, batch_size=5).result
    assert [r["total"] for r in result.rows] == [round(r["quantity"] * r["unit_price"], 2) for r in result.rows]
    assert [r["quantity"] for r in result.rows] == [1, 2, 3, 5, 5]  # row 4: repaired by the model, then computed
    assert len(model.model.requests) == 2  # the batch and row 4's repair; rows 2 and 3 cost no call
    report = result.report
    assert (report.derived, report.repaired, report.valid_after_repair) == (2, 1, 1.0)
    assert report.valid_as_written == pytest.approx(2 / 5)
    assert "2 by computing derived fields" in synth.report.markdown(report)


def test_a_schema_the_model_cannot_satisfy_fails_after_the_attempts_and_writes_nothing(spec, tmp_path, writer):
    out = tmp_path / "orders.csv"
    bad = writer(always_bad=True, unfixable=True)
    events = []
    with pytest.raises(LlmworksError) as caught:
        for event in synth.generate(spec, 10, out, model=bad.model, batch_size=2, attempts=3):
            events.append(event)
    message = str(caught.value)
    assert "wrote no row that satisfies the schema in 3 attempts" in message
    assert "quantity: 999 is greater than the maximum of 500" in message and "Nothing was written" in message
    assert "stronger model with -m" in message
    assert sum(isinstance(e, Progress) and e.warning for e in events) == 2  # two retries announced
    assert list(tmp_path.iterdir()) == []  # no data, no report, no work folder
    assert len(bad.model.requests) == 3 * (1 + 2)  # each attempt: one batch call, one repair per row


def test_same_seed_same_rows_another_seed_other_rows(spec, tmp_path, writer):
    first = _run(spec, 8, tmp_path / "a.jsonl", writer(), seed=3, batch_size=4).result.rows
    again = _run(spec, 8, tmp_path / "b.jsonl", writer(), seed=3, batch_size=4).result.rows
    other = _run(spec, 8, tmp_path / "c.jsonl", writer(), seed=4, batch_size=4).result.rows
    assert first == again and first != other
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_prompts_carry_seeded_hints_and_the_rules(spec, tmp_path, writer):
    model = writer()
    _run(spec, 3, tmp_path / "o.jsonl", model, batch_size=3)
    prompt = model.model.requests[0].messages[-1]["content"]
    assert "Write rows 1 to 3" in prompt and "- quantity * unit_price <= 50000" in prompt
    assert "Unique in every row: order_id" in prompt and "region (string; one of North, South, East, West)" in prompt
    hints = [line for line in prompt.splitlines() if line.startswith("- row ")]
    assert len(hints) == 3 and all("region '" in h and "customer starting with '" in h for h in hints)
    assert model.model.requests[0].schema["properties"]["rows"]["minItems"] == 3  # constrained to 3 rows


def test_an_unfinished_run_with_other_settings_is_not_mixed_in(spec, tmp_path, writer):
    out = tmp_path / "o.jsonl"
    work = tmp_path / "o.jsonl.work"
    events = synth.generate(spec, 4, out, model=writer().model, batch_size=2)
    next(e for e in events if isinstance(e, Progress))  # one batch committed, then the run is abandoned
    events.close()
    assert work.is_dir()
    with pytest.raises(LlmworksError, match=r"unfinished run with other settings \(seed 0\)") as caught:
        _run(spec, 4, out, writer(), batch_size=2, seed=9)
    assert "--fresh" in str(caught.value)
    done = _run(spec, 4, out, writer(), batch_size=2, seed=9, fresh=True)
    assert done.result.resumed_rows == 0 and len(done.result.rows) == 4


def test_kill_9_mid_generation_then_resume_gives_the_uninterrupted_rows(spec, tmp_path, writer):
    out = tmp_path / "orders.jsonl"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(out), "30", "0.15"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for line in child.stdout:
        if line.startswith("kept") and int(line.split()[1]) >= 6:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.communicate()
    assert child.returncode == -signal.SIGKILL, "the child finished before it could be killed"
    state = json.loads((tmp_path / "orders.jsonl.work" / "state.json").read_text())
    state_rows = (tmp_path / "orders.jsonl.work" / "rows.jsonl").read_text().splitlines()
    assert 6 <= len(state_rows) < 30
    assert not out.exists()  # nothing half-written where the data set goes
    with open(tmp_path / "orders.jsonl.work" / "rows.jsonl", "a") as f:
        f.write('{"order_id": "ORD-99999", "cust')  # a batch torn by the kill: never committed

    again = writer(bad={4}, dup={7})
    again.first = json.loads((tmp_path / "orders.jsonl.work" / "rows.jsonl").read_text().splitlines()[0])
    resumed = _run(spec, 30, out, again, batch_size=3)
    assert resumed.result.resumed_rows == len(state_rows) >= 6
    asked = state["counters"]["asked"]
    assert f"Write rows {asked + 1} to" in again.model.requests[0].messages[-1]["content"]  # not from the start

    whole = _run(spec, 30, tmp_path / "whole.jsonl", writer(bad={4}, dup={7}), batch_size=3)
    assert resumed.result.rows == whole.result.rows and len(resumed.result.rows) == 30
    assert [d["reason"] for d in resumed.result.dropped] == [d["reason"] for d in whole.result.dropped]
    assert resumed.result.report.repaired == whole.result.report.repaired == 1


def test_a_second_run_on_the_same_output_is_refused_while_the_first_writes(spec, tmp_path, writer):
    out = tmp_path / "o.jsonl"
    first = synth.generate(spec, 6, out, model=writer().model, batch_size=2)
    next(e for e in first if isinstance(e, Progress))  # one batch in, the run holds its work folder
    with pytest.raises(LlmworksError, match="Another run is writing"):
        _run(spec, 6, out, writer(), batch_size=2, fresh=True)  # --fresh does not wipe a run in progress
    assert len(final(first).result.rows) == 6  # the first run was not disturbed
