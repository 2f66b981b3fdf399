"""The lab's commands and tab, end to end through the CLI and the tab's functions, on fast tokenizers and
scripted models."""

from __future__ import annotations

import json

from llmworks import llm
from llmworks.cli import main
from llmworks.llm.testing import ScriptedModel


def test_tokens_prints_counts_number_splits_and_costs(capsys):
    assert main(["tokens", "-m", "meta/llama-3", "-m", "openai/gpt-4o", "--ids", "Pay 365 now"]) == 0
    out = capsys.readouterr().out
    assert "meta/llama-3: 4 tokens" in out and "365·12676" in out  # ids shown next to their pieces
    assert "123|456|7" in out  # 1234567 under the three-digit encodings
    assert "no chat template ships with this encoding" in out
    assert "openai/gpt-4.1-mini" in out


def test_tokens_json_is_the_whole_report(capsys):
    assert main(["tokens", "-m", "meta/llama-3", "--json", "1234567"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["views"][0]["pieces"] == ["123", "456", "7"] and report["views"][0]["ids"]


def test_unknown_tokenizer_is_one_line_with_the_fix(capsys):
    assert main(["tokens", "-m", "anthropic/claude-haiku-4-5", "hi"]) == 1
    err = capsys.readouterr().err
    assert "No offline tokenizer" in err and "meta/llama-3" in err and "Traceback" not in err


def test_pipe_commands_say_which_backend_answered(capsys):
    with llm.override(
        ScriptedModel(['{"entities": [{"text": "Paris", "type": "LOC"}, {"text": "Rome", "type": "LOC"}]}'])
    ):
        assert main(["pipe", "ner", "She moved to Paris."]) == 0
    out = capsys.readouterr().out
    assert "LOC   Paris  13-18" in out and "answered by test/scripted" in out
    assert "dropped 'Rome': not in the text" in out
    with llm.override(ScriptedModel(['{"label": "politics"}'])):
        assert main(["pipe", "zero-shot", "The vote passed.", "-l", "sport, politics", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == {"label": "politics"}


def test_pipe_qa_reads_its_context_from_a_file(tmp_path, capsys):
    context = tmp_path / "c.txt"
    context.write_text("The tower is 330 metres tall.")
    with llm.override(ScriptedModel(['{"answer": "330 metres"}'])):
        assert main(["pipe", "qa", "How tall?", "--context-file", str(context)]) == 0
    assert "330 metres" in capsys.readouterr().out


def test_lab_run_refuses_a_remote_model(capsys):
    assert main(["lab", "run", "-m", "openai/gpt-4o", "hi"]) == 1
    assert "not an embedded model" in capsys.readouterr().err


def test_tab_builds_and_its_functions_render_results_and_errors():
    import gradio as gr

    from llmworks.ui import lab

    with gr.Blocks():
        lab.tab()
    coloured, details = lab.tokens("Hi 365", ["meta/llama-3"])
    assert 'title="12676"' in coloured and ">365</span>" in coloured and "| meta/llama-3 | 7 | 42 | 365 |" in details
    assert lab.tokens("", [])[1].startswith("**Error:** No text")
    with llm.override(ScriptedModel(['{"label": "positive"}'])):
        text, _ = list(lab.pipeline("sentiment", "great", "", "", "French", ""))[-1]
    assert text.startswith("**positive**") and "answered by test/scripted" in text
    assert "needs a context" in list(lab.pipeline("qa", "Where?", "", "", "", ""))[-1][1]
