"""`llmworks minutes` / `llmworks transcribe` as a user runs them, and the Minutes tab's handler."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmworks import llm
from llmworks.cli import main
from llmworks.llm.testing import ScriptedModel

MEETING_MP3 = Path(__file__).parent / "fixtures" / "meeting.mp3"
VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Mayor Lee>Good evening, this is the council meeting of March 3.

00:01:05.000 --> 00:01:09.000
<v Mayor Lee>Motion carries. Ana, please send the report to the board by Friday.
"""
NOTES = {
    "title": "Council meeting",
    "date": "March 3",
    "attendees": ["Mayor Lee"],
    "summary": "The council met.",
    "discussion": ["the report"],
    "decisions": [{"text": "Motion passed", "quote": "motion carries ana please"}],
    "action_items": [
        {"owner": "Ana", "task": "Send the report", "due": "Friday", "quote": "send the report to the board"}
    ],
}


@pytest.fixture
def vtt(tmp_path) -> Path:
    path = tmp_path / "council.vtt"
    path.write_text(VTT, encoding="utf-8")
    return path


def test_minutes_json_on_stdout(vtt, capsys):
    with llm.override(ScriptedModel([json.dumps(NOTES)])):
        assert main(["minutes", str(vtt), "--json", "--no-usage"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["decisions"] == [{"text": "Motion passed", "quote": "Motion carries. Ana, please", "at": 65.0}]
    assert data["action_items"][0]["owner"] == "Ana" and data["date"] == "March 3"
    assert "Reading the transcript council.vtt" in err


def test_minutes_out_writes_the_file_and_leaves_stdout_quiet(vtt, tmp_path, capsys):
    out_md, srt = tmp_path / "m" / "minutes.md", tmp_path / "m" / "council.srt"
    with llm.override(ScriptedModel([json.dumps(NOTES)])):
        assert main(["minutes", str(vtt), "--out", str(out_md), "--transcript-out", str(srt)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and f"Wrote {out_md}" in err
    text = out_md.read_text(encoding="utf-8")
    assert text.startswith("# Council meeting") and "**Ana**: Send the report (due Friday)" in text
    assert "00:01:05,000 --> 00:01:09,000" in srt.read_text(encoding="utf-8")
    assert sorted(p.name for p in out_md.parent.iterdir()) == ["council.srt", "minutes.md"]


def test_transcribe_formats_and_errors(tmp_path, capsys):
    assert main(["transcribe", str(MEETING_MP3), "--format", "vtt"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("WEBVTT") and "--> " in out and "Friday" in out and "13.1 s of audio" in err
    target = tmp_path / "meeting.json"
    assert main(["transcribe", str(MEETING_MP3), "--out", str(target)]) == 0  # the format from the suffix
    assert json.loads(target.read_text(encoding="utf-8"))["segments"][0]["start"] >= 0
    capsys.readouterr()
    assert main(["transcribe", str(MEETING_MP3), "-f", "docx"]) == 1
    assert "Unknown format 'docx'" in capsys.readouterr().err
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....garbage")
    assert main(["transcribe", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Could not read the audio" in err and "Traceback" not in err


def test_help_teaches_with_examples(capsys):
    assert main(["minutes", "--help"]) == 0
    assert "llmworks minutes council.mp3 --out minutes.md" in capsys.readouterr().out
    assert main(["transcribe", "--help"]) == 0
    assert "--format srt --out council.srt" in capsys.readouterr().out


def test_tab_shows_transcript_beside_minutes_and_offers_both_files(vtt):
    from llmworks.ui.minutes import run

    with llm.override(ScriptedModel([json.dumps(NOTES)])):
        views = list(run(None, str(vtt), None))
    transcript, minutes_md, status, files = views[-1]
    assert "`1:05` **Mayor Lee:** Motion carries." in transcript
    assert minutes_md.startswith("# Council meeting") and "tokens" in status  # the usage line ends the log
    assert sorted(Path(f).name for f in files) == ["council.json", "council.md"]
    assert json.loads(Path(files[1]).read_text(encoding="utf-8"))["title"] == "Council meeting"


def test_tab_errors_are_a_status_line_not_a_traceback(tmp_path):
    from llmworks.ui.minutes import run

    assert list(run(None, None, None))[-1][2].startswith("Upload or record")
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"junk")
    transcript, minutes_md, status, files = list(run(str(bad), None, None))[-1]
    assert "**Error:** Could not read the audio" in status and files is None
