"""The offline speech layer: Piper text-to-speech, Whisper tiny.en speech-to-text, word error rate."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from llmworks.speech import SpeechError, speak, transcribe, word_error_rate
from llmworks.speech.wer import words

SENTENCES = [
    "How much is a return ticket to Paris?",
    "I would like to book a flight to Tokyo next Friday.",
    "Please cancel my booking and send me a confirmation.",
]


def samples_of(wav: bytes) -> tuple[int, np.ndarray]:
    with wave.open(io.BytesIO(wav)) as w:
        return w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


@pytest.mark.parametrize(
    "ref, hyp, want",
    [
        ("book a flight", "book a flight", 0.0),
        ("Book a flight!", "book a FLIGHT", 0.0),
        ("book a flight to paris", "book flight to paris", 0.2),  # one deletion in five words
        ("book a flight", "book the flight now", 2 / 3),  # a substitution and an insertion
        ("", "", 0.0),
        ("", "noise", 1.0),
    ],
)
def test_word_error_rate(ref, hyp, want):
    assert word_error_rate(ref, hyp) == pytest.approx(want)


def test_words_ignore_case_accents_and_punctuation():
    assert words("Zürich, São Paulo — don't!") == ["zurich", "sao", "paulo", "don't"]


@pytest.mark.slow
def test_round_trip_text_to_wav_to_text_offline(no_network, tmp_path):
    refs, hyps = [], []
    for sentence in SENTENCES:
        speech = speak(sentence)
        rate, pcm = samples_of(speech.wav)
        assert rate == speech.sample_rate == 22050
        assert speech.duration_s == pytest.approx(pcm.size / rate) and 1.0 < speech.duration_s < 10
        assert np.abs(pcm).max() > 3000  # real sound, not silence
        refs.append(sentence)
        hyps.append(transcribe(speech.wav).text)
    wer = word_error_rate(" ".join(refs), " ".join(hyps))
    print(f"\nspeech round trip WER: {wer:.1%} over {len(words(' '.join(refs)))} words; heard: {hyps}")
    assert wer < 0.20


@pytest.mark.slow
def test_microphone_samples_file_path_and_atomic_save(tmp_path):
    # long enough that one misheard word stays under the bar: Piper samples its noise, so each run hears new audio
    request = "I would like to book a return flight to London next Friday."
    speech = speak(request)
    path = speech.save(tmp_path / "voice" / "q.wav")
    assert path.read_bytes() == speech.wav and [p.name for p in path.parent.iterdir()] == ["q.wav"]
    rate, pcm = samples_of(speech.wav)
    stereo = np.stack([pcm, pcm], axis=1)  # Gradio's microphone hands over (rate, int16 [n, channels])
    for audio in (str(path), (rate, stereo)):
        assert word_error_rate(request, transcribe(audio).text) <= 0.2


def test_bad_inputs_are_clear_errors(tmp_path):
    with pytest.raises(SpeechError, match="empty"):
        speak("   ")
    with pytest.raises(SpeechError, match="No audio file"):
        transcribe(tmp_path / "missing.wav")
    (tmp_path / "junk.wav").write_bytes(b"not audio at all")
    with pytest.raises(SpeechError, match="Could not read the audio"):
        transcribe(tmp_path / "junk.wav")
    with pytest.raises(SpeechError, match="empty"):
        transcribe((16000, np.zeros(0, dtype=np.int16)))
