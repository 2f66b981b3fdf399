"""The converter tab renders the app's events: run buttons, a streamed conversion and the verdict rows."""

from __future__ import annotations

import pytest

from llmworks import llm
from llmworks.llm.testing import ScriptedModel
from llmworks.ui import convert as tab

pytestmark = pytest.mark.usefixtures("native")


def test_run_python_and_run_translation_show_output_and_time():
    out, status = tab.run_python("print(6 * 7)")
    assert out == "42\n" and "exit code 0" in status
    out, status = tab.run_native('#include <cstdio>\nint main() { std::puts("hi"); }\n', "cpp")
    assert out == "hi\n" and "exit code 0" in status
    out, status = tab.run_native("int main( {", "cpp")
    assert "error" in out and "exit code 1" in status


def test_convert_streams_then_shows_the_verdict_rows(pi_file, pi_cpp):
    with llm.override(ScriptedModel([pi_cpp], name="test/scripted")):
        views = list(tab.convert(pi_file.read_text(), "cpp", None, 0))
    code, rows, status = views[-1]
    assert "int main" in code and not code.startswith("Here it is")
    assert rows[0][:3] == ["test/scripted", "pass", 1] and rows[1][0] == "cython (no model)"
    assert status.startswith("**pass**")
    assert any(v[0] and v[0] != code for v in views[:-1])  # the reply was shown while it was written


def test_the_tab_builds():
    gr = pytest.importorskip("gradio")
    with gr.Blocks():
        tab.tab()
