"""Transcript files in and out: srt, vtt (with voices), json/jsonl, plain text with speaker labels; bad files are one
clear line naming the file."""

from __future__ import annotations

import json

import pytest

from llmworks.errors import DataError
from llmworks.speech import Segment, Transcript, read_transcript, write_transcript
from llmworks.speech.subtitles import has_timestamps

SEGMENTS = (
    Segment(0.0, 2.5, "Good evening, the meeting is open."),
    Segment(3.25, 7.0, "We approve the park budget.", "Ana Ruiz"),
    Segment(3725.5, 3730.0, "Meeting adjourned."),
)
TRANSCRIPT = Transcript(" ".join(s.text for s in SEGMENTS), 3730.0, 0.0, SEGMENTS)


@pytest.mark.parametrize("fmt", ["srt", "vtt", "json"])
def test_written_files_read_back_with_times_and_speakers(tmp_path, fmt):
    path = tmp_path / f"t.{fmt}"
    path.write_text(write_transcript(TRANSCRIPT, fmt), encoding="utf-8")
    back = read_transcript(path)
    assert [(s.start, s.end, s.text, s.speaker) for s in back.segments] == [
        (s.start, s.end, s.text, s.speaker) for s in SEGMENTS
    ]
    assert has_timestamps(back) and back.audio_s == 3730.0


def test_srt_and_vtt_use_their_own_time_formats():
    assert "01:02:05,500 --> 01:02:10,000" in write_transcript(TRANSCRIPT, "srt")
    vtt = write_transcript(TRANSCRIPT, "vtt")
    assert vtt.startswith("WEBVTT") and "01:02:05.500 --> 01:02:10.000" in vtt


def test_vtt_voice_tags_are_speakers(tmp_path):
    path = tmp_path / "m.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Mayor Lee>Order, please.\n", encoding="utf-8")
    (segment,) = read_transcript(path).segments
    assert (segment.speaker, segment.text, segment.start) == ("Mayor Lee", "Order, please.", 1.0)


def test_plain_text_has_no_times_but_keeps_speaker_labels(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Ana Ruiz: I move to approve.\n\nthe motion was seconded\n", encoding="utf-8")
    t = read_transcript(path)
    assert [(s.speaker, s.text) for s in t.segments] == [
        ("Ana Ruiz", "I move to approve."),
        (None, "the motion was seconded"),
    ]
    assert not has_timestamps(t)


def test_jsonl_segments(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [{"start": 1, "end": 2, "text": "Hello there."}, {"start": 2, "end": 4, "text": "Hi.", "speaker": "B"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    t = read_transcript(path)
    assert t.text == "Hello there. Hi." and t.segments[1].speaker == "B" and t.audio_s == 4.0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", "  \n\n", "the transcript is empty"),
        ("bad.jsonl", '{"text": "ok"}\n{not json\n', "bad.jsonl:2: invalid JSON"),
        ("notext.jsonl", '{"start": 1}\n', 'notext.jsonl:1: a segment needs a "text"'),
        ("times.json", '[{"start": "soon", "text": "x"}]', "must be seconds"),
        ("slides.pptx", "x", "cannot read a .pptx transcript"),
        ("broken.srt", "1\n00:00:01,000 --> nonsense\nHello\n", "no .srt cue could be read"),
        ("broken.vtt", "00:00:01.000 --> 00:00:02.000\nHello\n", "not a valid .vtt file"),
    ],
)
def test_bad_transcript_files_are_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_transcript(path)


def test_unknown_output_format_names_the_choices():
    with pytest.raises(DataError, match="txt, srt, vtt, json"):
        write_transcript(TRANSCRIPT, "docx")
