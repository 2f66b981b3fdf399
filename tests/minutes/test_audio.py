"""Audio in: real speech in common formats (a 13 s Piper recording, fixtures/meeting.mp3), and audio that is
corrupt, empty or silent — each a clear error, never an invented transcript."""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path

import numpy as np
import pytest

from llmworks import events
from llmworks.apps import minutes
from llmworks.events import Progress
from llmworks.llm.testing import ScriptedModel
from llmworks.speech import SpeechError, diarize, read_transcript, word_error_rate, write_transcript

MEETING = Path(__file__).parent / "fixtures" / "meeting.mp3"
TWO_VOICES = Path(__file__).parent / "fixtures" / "two_voices.mp3"
SAID = (
    "Good morning everyone, this is the budget meeting. We agreed to approve the new park budget. "
    "Maria will send the final report to the board by Friday."
)


def wav_bytes(samples: np.ndarray, rate: int = 16000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype(np.int16).tobytes())
    return buf.getvalue()


def reencode(source: Path, target: Path, codec: str) -> Path:
    """The fixture in another container/codec, written by PyAV (what decode_audio reads back)."""
    import av

    rate = 48000 if codec == "libopus" else 16000  # Opus knows no 16 kHz input here
    with av.open(str(source)) as src, av.open(str(target), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
        for frame in src.decode(audio=0):
            for f in resampler.resample(frame):
                out.mux(stream.encode(f))
        out.mux(stream.encode(None))
    return target


@pytest.mark.parametrize("suffix, codec", [(".mp3", None), (".flac", "flac"), (".ogg", "libopus"), (".m4a", "aac")])
def test_common_formats_transcribe_with_timestamps(tmp_path, suffix, codec):
    path = MEETING if codec is None else reencode(MEETING, tmp_path / f"meeting{suffix}", codec)
    t = events.result(minutes.transcribe(path))
    assert word_error_rate(SAID, t.text) < 0.15, t.text
    assert 12.5 < t.audio_s < 13.5 and len(t.segments) >= 2
    starts = [s.start for s in t.segments]
    assert starts == sorted(starts) and t.segments[-1].end <= t.audio_s + 0.1
    last = t.segments[-1]
    assert "Friday" in last.text and last.start > 6.0  # the third sentence starts ~9 s in


def test_minutes_from_audio_quote_the_recording_with_its_time():
    reply = {
        "title": "Budget meeting",
        "date": "",
        "attendees": ["Maria"],
        "summary": "The park budget was approved.",
        "discussion": ["the park budget"],
        "decisions": [],
        "action_items": [
            {"owner": "Maria", "task": "Send the report", "due": "Friday", "quote": "send the final report"}
        ],
    }
    evs = list(minutes.run(MEETING, model=ScriptedModel([json.dumps(reply)]), speakers=False))
    assert any(isinstance(e, Progress) and "Transcribing 0:13" in e.text for e in evs)
    (item,) = evs[-1].result.action_items
    assert item.quote == "send the final report" and 6.0 < item.at < 10.0
    assert item.owner == "Maria" and evs[-1].result.speakers == "speakers not identified"


def test_without_the_voice_encoder_speakers_are_not_identified_and_the_fix_is_named(monkeypatch):
    monkeypatch.setattr(diarize, "available", lambda: False)
    evs = list(minutes.transcribe(MEETING))
    assert any("Speakers not identified: pip install 'llmworks[diarize]'" in e.text for e in evs[:-1])
    assert not evs[-1].result.diarized and {s.speaker for s in evs[-1].result.segments} == {None}


@pytest.mark.skipif(not diarize.available(), reason="needs llmworks[diarize]")
def test_two_voices_are_told_apart_and_never_become_attendees(tmp_path):
    """fixtures/two_voices.mp3: Piper's voice and an espeak-ng voice taking turns, A B A B."""
    t = events.result(minutes.transcribe(TWO_VOICES, speakers=True))
    assert [s.speaker for s in t.segments] == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"] and t.diarized
    reply = {
        "title": "Library budget",
        "date": "",
        "attendees": ["Speaker 1", "Maria"],
        "summary": "Books.",
        "discussion": [],
        "decisions": [],
        "action_items": [],
    }
    m = events.result(minutes.run(t, model=ScriptedModel([json.dumps(reply)])))
    assert m.attendees == ["Maria"] and m.speakers.startswith("told apart by voice: 2 speaker(s)")
    path = tmp_path / "t.vtt"
    path.write_text(write_transcript(t, "vtt"), encoding="utf-8")
    assert "<v Speaker 2>" in path.read_text(encoding="utf-8") and read_transcript(path).diarized


def test_corrupt_audio_is_a_clear_error(tmp_path):
    path = tmp_path / "meeting.mp3"
    path.write_bytes(b"ID3" + bytes(range(256)) * 20)
    with pytest.raises(SpeechError, match="Could not read the audio .*WAV, MP3, M4A, OGG or FLAC"):
        events.result(minutes.transcribe(path))


def test_a_zero_byte_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(SpeechError, match="Could not read the audio"):
        events.result(minutes.run(path, model=ScriptedModel([])))


def test_a_wav_without_samples_is_empty(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(wav_bytes(np.zeros(0)))
    with pytest.raises(SpeechError, match="The audio is empty"):
        events.result(minutes.transcribe(path))


@pytest.mark.parametrize("noise", [0, 30])  # digital silence, and a faint hiss
def test_silence_has_no_speech_and_the_model_is_never_asked(tmp_path, noise):
    rng = np.random.default_rng(0)
    path = tmp_path / "silence.wav"
    path.write_bytes(wav_bytes(rng.normal(0, noise, 16000 * 5) if noise else np.zeros(16000 * 5)))
    model = ScriptedModel([])  # any model call would fail the test: nothing is scripted
    with pytest.raises(SpeechError, match=r"No speech found in 0:05 of audio"):
        events.result(minutes.run(path, model=model))
    assert model.requests == []


def test_missing_and_unknown_files_name_the_problem(tmp_path):
    from llmworks.errors import DataError

    with pytest.raises(DataError, match="no such audio file"):
        events.result(minutes.run(tmp_path / "nowhere.mp3", model=ScriptedModel([])))
    (tmp_path / "slides.pdf").write_bytes(b"%PDF")
    with pytest.raises(DataError, match="audio or a transcript"):
        events.result(minutes.run(tmp_path / "slides.pdf", model=ScriptedModel([])))
