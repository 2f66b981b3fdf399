"""The workbench tab: progress while it runs, then the table, the chart and three exports; errors as messages."""

from __future__ import annotations

from pathlib import Path

from llmworks import llm
from llmworks.llm.testing import FunctionModel
from llmworks.ui import showdown as tab

HERE = Path(__file__).parent


def test_tab_runs_a_showdown_and_offers_table_chart_and_files(tmp_path):
    prompts = tmp_path / "set.yaml"
    prompts.write_text(
        "- {id: a, prompt: 'Say yes', check: {exact: 'yes'}}\n- {id: b, prompt: 'Say no', check: {exact: 'no'}}\n"
    )
    right = FunctionModel(lambda r: r.messages[-1]["content"].split()[-1], name="test/right")
    wrong = FunctionModel(lambda r: "maybe", name="test/wrong")
    with llm.override({"test/right": right, "test/wrong": wrong}):
        updates = list(tab.run(["test/wrong", "test/right"], str(prompts), 3, None, None))
    assert any(u[0].startswith("[1/12] test/wrong") for u in updates[:-1])
    status, rows, fig, files = updates[-1]
    assert "12 model calls" in status
    assert [r[0] for r in rows] == ["test/right", "test/wrong"] and rows[0][1] == "1.00 [1.00, 1.00]"
    assert [t.name for t in fig.data] == ["test/right (best)", "test/wrong (tie)"]  # 2 prompts: too few to tell
    assert sorted(Path(f).suffix for f in files) == [".csv", ".json", ".md"]
    assert "| test/right | 1.00 [1.00, 1.00] | best |" in Path(files[0]).read_text()


def test_tab_errors_are_messages():
    *_, (status, rows, fig, files) = tab.run(["nosuch/model"], None, 3, None, None)
    assert status.startswith("**Error:**") and rows == [] and fig is None and files is None
    assert list(tab.run([], None, 3, None, None))[-1][0] == "Pick one or more models."
