"""The showdown app on scripted models of known quality: scores, intervals, tie marking, timing, errors, export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from llmworks import llm
from llmworks.apps import showdown
from llmworks.apps.showdown import PromptItem, load_prompts
from llmworks.cli import main
from llmworks.errors import DataError, LlmworksError
from llmworks.events import Progress, result
from llmworks.llm.testing import FunctionModel

HERE = Path(__file__).parent
QUESTIONS = [PromptItem(id=f"q{i}", prompt=f"What is {i} + {i}?", check={"number": 2 * i}) for i in range(12)]


def answerer(name: str, wrong: set[int] = frozenset()) -> FunctionModel:
    """Right on every question except those in `wrong` (by number), every time it is asked."""

    def reply(request):
        i = int(request.messages[-1]["content"].split()[2])
        return f"The answer is {2 * i + (1 if i in wrong else 0)}."

    return FunctionModel(reply, name=name)


def test_known_qualities_give_right_means_intervals_and_ties():
    oracle, slip, half = answerer("test/oracle"), answerer("test/slip", {3}), answerer("test/half", set(range(6)))
    progress = []

    def shown(events):
        for e in events:
            if isinstance(e, Progress):
                progress.append(e.text)
            yield e

    table = result(shown(showdown.run([half, slip, oracle], QUESTIONS, repeats=3)))
    rows = {r.model: r for r in table.rows}
    assert [r.model for r in table.rows] == ["test/oracle", "test/slip", "test/half"]  # best first
    assert (rows["test/oracle"].quality, rows["test/oracle"].ci_low, rows["test/oracle"].ci_high) == (1.0, 1.0, 1.0)
    assert rows["test/oracle"].verdict == "best" and rows["test/oracle"].p_value is None
    assert rows["test/slip"].quality == pytest.approx(11 / 12)
    assert rows["test/slip"].verdict == "tie" and rows["test/slip"].p_value >= 0.05  # one slip in 12: no evidence
    assert rows["test/half"].quality == 0.5
    assert rows["test/half"].ci_low < 0.5 < rows["test/half"].ci_high
    assert 0.15 < rows["test/half"].ci_low < 0.35 and 0.65 < rows["test/half"].ci_high < 0.85  # ± 1.96·√(.25/12)
    assert rows["test/half"].verdict == "worse" and rows["test/half"].p_value < 0.05
    assert all(r.calls == 36 and r.errors == 0 for r in table.rows)
    assert len(progress) == 3 * 36 and progress[0].startswith("[1/108] test/half · repeat 1 · q0")


def test_speed_cost_and_errors_per_model():
    def flaky(request):
        if "5 + 5" in request.messages[-1]["content"]:
            raise llm.ProviderError("rate limited", status_code=429)
        return "The answer is " + request.messages[-1]["content"].split()[2] + "0"

    model = FunctionModel(flaky, name="test/flaky")
    done_events = list(showdown.run([model], QUESTIONS[:6], repeats=3))
    warnings = [e.text for e in done_events if isinstance(e, Progress) and e.warning]
    table = done_events[-1].result
    row = table.rows[0]
    assert row.errors == 3 and len(warnings) == 3 and "rate limited" in warnings[0]
    failed = [r for r in table.runs if r.error]
    assert {r.prompt_id for r in failed} == {"q5"} and all(r.score == 0.0 for r in failed)
    assert row.quality == pytest.approx(1 / 6)  # only 0 + 0 = "00" → 0 is right
    assert row.ttft_p50_s is not None and row.ttft_p50_s <= row.ttft_p95_s
    ok = [r for r in table.runs if not r.error]
    assert all(r.output_tokens == max(1, len(r.reply) // 4) for r in ok)  # the scripted model's token count
    assert row.cost_per_run_usd is None  # a model without a known price is 'unknown', never $0


def test_every_check_kind_and_the_judge_on_a_mixed_set():
    items = load_prompts(HERE / "mixed.yaml")
    good = {
        "capital": "canberra.",
        "sum": "17 * 23 = 391",
        "temp": "About 37.78",
        "code": "```python\ndef add(a, b):\n    return a + b\n```",
        "person": 'Here: {"name": "Ada", "age": 36}',
        "explain": "It maps keys to values.",
    }
    bad = {**good, "capital": "Sydney", "temp": "38", "code": "lambda a, b: a+b", "person": '{"name": "Ada"}'}
    bad["explain"] = "A kind of furniture."

    def model(answers, name):
        return FunctionModel(lambda r: answers[_which(r, items)], name=name)

    def judging(request):
        reply = request.messages[-1]["content"].split("Reply to grade:\n")[1]
        return {"reason": "checked", "passed": "keys" in reply.split("Criterion")[0]}

    judge = FunctionModel(judging, name="test/judge")
    table = result(showdown.run([model(good, "test/good"), model(bad, "test/bad")], items, repeats=3, judge=judge))
    scores = {(r.model, r.prompt_id): r.score for r in table.runs if r.repeat == 0}
    assert all(scores[("test/good", i.id)] == 1.0 for i in items)
    assert {i.id for i in items if scores[("test/bad", i.id)] == 0.0} == {
        "capital",
        "temp",
        "code",
        "person",
        "explain",
    }
    assert len(judge.requests) == 6  # each model's 3 judged replies, judged once each after all replies were in
    assert table.judge == "test/judge"
    notes = {r.prompt_id: r.note for r in table.runs if r.model == "test/bad" and r.repeat == 0}
    assert "expected 'Canberra'" in notes["capital"] and "38 is not 37.8" in notes["temp"]
    assert "'age' is a required property" in notes["person"] and notes["explain"].startswith("judge:")
    explain = next(i for i in items if i.id == "explain")
    assert explain.system == "Be brief." and explain.max_tokens == 40


def test_requests_carry_system_and_cap():
    seen = FunctionModel(lambda r: "It maps keys.", name="test/seen")
    item = PromptItem(id="x", prompt="Q?", check={"regex": "keys"}, system="Be brief.", max_tokens=40)
    result(showdown.run([seen], [item], repeats=1, temperature=0.2))
    request = seen.requests[0]
    assert request.messages[0] == {"role": "system", "content": "Be brief."}
    assert request.max_tokens == 40 and request.temperature == 0.2


def _which(request, items):
    text = request.messages[-1]["content"]
    return next(i.id for i in items if i.prompt == text)


def test_exports_csv_json_markdown(tmp_path):
    table = result(showdown.run([answerer("test/a"), answerer("test/b", {0, 1})], QUESTIONS[:4], repeats=3))
    rows = list(csv.DictReader(io.StringIO(showdown.to_csv(table))))
    assert [r["model"] for r in rows] == ["test/a", "test/b"] and float(rows[1]["quality"]) == 0.5
    assert rows[0]["cost_per_run_usd"] == "" and rows[1]["verdict"] in ("tie", "worse")
    data = json.loads(showdown.to_json(table))
    assert len(data["runs"]) == 24 and data["repeats"] == 3 and data["rows"][0]["ci_low"] == 1.0
    md = showdown.to_markdown(table)
    assert (
        md.splitlines()[0].startswith("| model | quality [95% CI] |") and "| test/a | 1.00 [1.00, 1.00] | best |" in md
    )
    for suffix in (".csv", ".json", ".md"):
        assert showdown.write(table, tmp_path / f"t{suffix}").read_text().strip()
    with pytest.raises(LlmworksError, match=r"\.csv, \.json or \.md"):
        showdown.write(table, tmp_path / "t.xlsx")


def test_cli_prints_json_and_writes_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the table on one line per model
    prompts = tmp_path / "set.jsonl"
    prompts.write_text("\n".join(json.dumps(i.model_dump()) for i in QUESTIONS[:4]) + "\n")
    with llm.override({"test/a": answerer("test/a"), "test/b": answerer("test/b", {2})}):
        code = main(
            [
                "showdown",
                str(prompts),
                "-m",
                "test/a",
                "-m",
                "test/b",
                "-r",
                "3",
                "--json",
                "-o",
                str(tmp_path / "t.md"),
            ]
        )
        assert code == 0
        data = json.loads(capsys.readouterr().out)
        assert [r["model"] for r in data["rows"]] == ["test/a", "test/b"] and data["rows"][1]["quality"] == 0.75
        assert (tmp_path / "t.md").read_text().startswith("| model |")
        assert main(["showdown", str(prompts), "-m", "test/a", "-m", "test/b"]) == 0
        out = capsys.readouterr().out
        assert "test/a" in out and "1.00 [1.00, 1.00]" in out and "TTFT p50" in out


def test_bad_prompt_files_name_the_place(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "prompt": "p", "check": {"exact": "x"}}\n{"id": "b", "prompt": "p", "check": {}}\n')
    with pytest.raises(DataError, match=r"bad.jsonl:2: check: .*exactly one of"):
        load_prompts(bad)
    dup = tmp_path / "dup.yaml"
    dup.write_text("- {id: a, prompt: p, check: {exact: x}}\n- {id: a, prompt: q, check: {regex: y}}\n")
    with pytest.raises(DataError, match="prompt 2: the id 'a' is used twice"):
        load_prompts(dup)
    regex = tmp_path / "re.yaml"
    regex.write_text("- {id: a, prompt: p, check: {regex: '(unclosed'}}\n")
    with pytest.raises(DataError, match="bad regex"):
        load_prompts(regex)
    with pytest.raises(DataError, match="unknown prompt file type"):
        load_prompts(tmp_path / "x.txt")


def test_bundled_set_loads_and_each_reference_answer_passes():
    from llmworks.apps.showdown.checks import score

    items = showdown.default_prompts()
    assert len(items) >= 12 and {i.check.kind for i in items} == {"exact", "regex", "number", "json_schema", "judge"}
    answers = {
        "multiply": "391",
        "leap-year": "366",
        "fahrenheit": "37.8",
        "train-speed": "80 km/h",
        "percent": "36",
        "capital": "Canberra",
        "gold": "Au",
        "reverse": "desserts",
        "python-def": "def add_numbers(x, y):\n    return x + y",
        "big-o": "O(log n)",
        "iso-date": "2024-03-01",
        "person-json": '{"name": "Ada", "age": 36}',
        "colours-json": '["red", "green", "blue"]',
    }
    for item in items:
        if item.check.kind != "judge":
            assert score(item.check, answers[item.id])[0] == 1.0, item.id
            assert score(item.check, "I do not know.")[0] == 0.0, item.id


def test_no_model_or_duplicate_models_are_refused():
    with pytest.raises(LlmworksError, match="No model"):
        result(showdown.run([], QUESTIONS))
    with pytest.raises(LlmworksError, match="named twice"):
        result(showdown.run(["test/a", "test/a"], QUESTIONS))


def test_an_embedded_model_is_loaded_before_its_timed_runs():
    local = FunctionModel(lambda r: "4", name="test/local", capabilities={"embedded": True})
    events = list(showdown.run([local], QUESTIONS[2:3], repeats=3))
    assert [e.text for e in events if isinstance(e, Progress)][0] == "Loading test/local"
    assert len(local.requests) == 4 and local.requests[0].max_tokens == 1  # the load, then the 3 timed runs
    assert events[-1].result.rows[0].calls == 3 and events[-1].result.rows[0].quality == 1.0
