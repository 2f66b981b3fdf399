"""The web/chat commands end to end through `llmworks.cli.main` (the embedded model where a model is needed)."""

from __future__ import annotations

import pytest

from llmworks.cli import main


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
    code = main(["debate", "-a", "local/smollm2", "-b", "local/smollm2", "--rounds", "1", "--max-tokens", "24",
                 "--topic", "cats or dogs", "-o", str(out_file)])
    assert code == 0
    out, err = capsys.readouterr()
    assert "Alex (local/smollm2):" in out and "Blake (local/smollm2):" in out
    assert f"Transcript: {out_file}" in err and "2 turns" in err
    text = out_file.read_text()
    assert text.startswith("# Conversation: cats or dogs") and "**Alex**" in text and "**Blake**" in text
