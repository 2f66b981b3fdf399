"""The web/chat commands end to end through `llmworks.cli.main` (the embedded model where a model is needed)."""

from __future__ import annotations

import io
import json
import sys
from contextlib import ExitStack

import pytest

from llmworks import llm
from llmworks.cli import main
from llmworks.llm.testing import FunctionModel, ScriptedModel


@pytest.fixture
def scripted():
    """A test model answering to a name, as if it were a provider's model (llm.override, as tests/llm/test_cli.py)."""
    with ExitStack() as stack:
        yield lambda model, name="test/scripted": stack.enter_context(llm.override({name: model}))[name]


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("summarize", "brochure", "tutor", "store", "debate", "ui"):
        assert command in out


def test_unreadable_page_is_one_red_line_not_a_traceback(site_url, allow_private, capsys):
    assert main(["summarize", site_url + "/botwall"]) == 1
    progress, error = capsys.readouterr().err.strip().splitlines()
    assert progress.startswith("Reading ")
    assert error.startswith("Error: ") and "bot check" in error


def test_private_address_refused_from_the_cli(site_url, capsys):
    assert main(["brochure", "Quillfeather Robotics", site_url + "/"]) == 1
    assert "LLMWORKS_ALLOW_PRIVATE_URLS=1" in capsys.readouterr().err


def test_bad_store_config_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "store.toml"
    bad.write_text('name = "x"\n')
    assert main(["store", "hi", "--config", str(bad)]) == 1
    assert "needs a `system` prompt" in capsys.readouterr().err


@pytest.mark.slow
def test_summarize_tutor_and_store_on_the_embedded_model(site_url, allow_private, capsys):
    assert main(["summarize", site_url + "/about", "--max-tokens", "40", "-t", "0"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() and "Reading " in err and "local/smollm2:" in err and "$0.0000" in err
    assert main(["tutor", "What is a list?", "--max-tokens", "30"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["store", "Do you sell belts?", "--max-tokens", "30"]) == 0
    assert capsys.readouterr().out.strip()


@pytest.mark.slow
def test_debate_saves_a_transcript(tmp_path, capsys):
    out_file = tmp_path / "debate.md"
    code = main(
        [
            "debate",
            "-a",
            "local/smollm2",
            "-b",
            "local/smollm2",
            "--rounds",
            "1",
            "--max-tokens",
            "24",
            "--topic",
            "cats or dogs",
            "-o",
            str(out_file),
        ]
    )
    assert code == 0
    out, err = capsys.readouterr()
    assert "**Alex** _(local/smollm2)_: " in out and "**Blake** _(local/smollm2)_: " in out
    assert f"Transcript: {out_file}" in err and "2 turns" in err
    text = out_file.read_text()
    assert text.startswith("# Conversation: cats or dogs") and "**Alex**" in text and "**Blake**" in text


def test_summarize_renders_progress_reply_and_usage(site_url, allow_private, scripted, capsys):
    scripted(ScriptedModel(["- Quillfeather makes robots.", "- Again."]))
    assert main(["summarize", site_url + "/about", "-m", "test/scripted"]) == 0
    out, err = capsys.readouterr()
    assert out == "- Quillfeather makes robots.\n"  # only the summary: it can be piped to a file
    reading, summarizing, usage = err.splitlines()
    assert reading == f"Reading {site_url}/about" and summarizing.startswith("Summarizing 'About")
    assert usage.startswith("[test/scripted: ") and "cost unknown" in usage
    assert main(["summarize", site_url + "/about", "-m", "test/scripted", "--no-usage", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {"url": f"{site_url}/about", "title": json.loads(out)["title"], "summary": "- Again."}
    assert "[test/scripted" not in err


def test_options_left_out_are_the_apps_defaults(site_url, allow_private, scripted, capsys, monkeypatch):
    from llmworks.apps.brochure import brochure
    from llmworks.apps.summarize import summarizer
    from llmworks.apps.tutor import tutor

    for module, tokens in ((summarizer, 111), (tutor, 222), (brochure, 333)):  # the commands have no default
        monkeypatch.setattr(module, "REPLY_TOKENS", tokens)  # of their own to fall back on
    model = scripted(FunctionModel(lambda r: {"links": []} if r.schema else "ok"))
    assert main(["summarize", site_url + "/about", "-m", "test/scripted"]) == 0
    assert main(["tutor", "What is a token?", "-m", "test/scripted"]) == 0
    assert main(["brochure", "Quillfeather", site_url + "/", "-m", "test/scripted"]) == 0
    assert [r.max_tokens for r in model.requests] == [111, 222, 600, 333]
    assert brochure.TONES[brochure.TONE] in model.requests[-1].messages[-1]["content"]
    assert main(["tutor", "What is a token?", "-m", "test/scripted", "--max-tokens", "33"]) == 0
    assert model.requests[-1].max_tokens == 33


def test_brochure_json_names_the_links_and_pages(site_url, allow_private, scripted, capsys):
    def brain(request):
        if request.schema:
            return {"links": [{"type": "careers", "url": f"{site_url}/careers"}]}
        return "# Quillfeather"

    scripted(FunctionModel(brain))
    assert main(["brochure", "Quillfeather", site_url + "/", "-m", "test/scripted", "--json", "-u"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {
        "company": "Quillfeather",
        "brochure": "# Quillfeather",
        "links": [{"type": "careers", "url": f"{site_url}/careers"}],
        "pages": [f"{site_url}/", f"{site_url}/careers"],
    }
    assert f"Reading careers page {site_url}/careers" in err and "over 2 calls" in err


def test_interactive_store_keeps_the_conversation_until_reset(scripted, capsys, monkeypatch):
    model = scripted(ScriptedModel(["No belts, sorry.", "Hats are 60% off.", "Hello!"]))
    monkeypatch.setattr(sys, "stdin", io.StringIO("Any belts?\nAnd hats?\n/reset\nHi\n/exit\n"))
    assert main(["store", "-m", "test/scripted"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Welcome to ") and "No belts, sorry.\n" in out and "Hats are 60% off.\n" in out
    assert "Context added for: belt." in err
    second, after_reset = model.requests[1].messages, model.requests[2].messages
    assert [m["content"] for m in second[1:]] == ["Any belts?", "No belts, sorry.", "And hats?"]
    assert [m["content"] for m in after_reset[1:]] == ["Hi"]


def test_debate_prints_who_speaks_and_keeps_the_transcript(scripted, tmp_path, capsys):
    scripted(FunctionModel(lambda r: "I disagree.", name="test/a"), "test/a")
    scripted(FunctionModel(lambda r: "Let us agree.", name="test/b"), "test/b")
    out_file = tmp_path / "t.md"
    assert (
        main(["debate", "-a", "test/a", "-b", "test/b", "-n", "1", "--persona-b", "Be kind.", "-o", str(out_file)]) == 0
    )
    out, err = capsys.readouterr()
    assert out == "**Alex** _(test/a)_: I disagree.\n\n**Blake** _(test/b)_: Let us agree.\n\n"
    assert err.splitlines()[-1].startswith("2 turns; ") and f"Transcript: {out_file}" in err
    assert "- **Blake** (test/b): Be kind." in out_file.read_text()
