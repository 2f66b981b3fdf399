"""Offline speech: Whisper tiny.en word error rate on real recordings, Piper speed, and the Piper → Whisper round
trip on FlightAI-style sentences.

    .venv/bin/python benchmarks/speech_roundtrip.py --data ../shared/data/speech

Prints per-clip WER, the pooled WER (edits over all reference words), and real-time factors (compute seconds per
second of audio; lower is faster). Without --data only the round trip runs.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROUND_TRIP = [
    "How much is a return ticket to Paris?",
    "Book a flight to Tokyo for Ada Lovelace on the fourteenth of March.",
    "Please cancel my booking, the confirmation code is K, seven, X, Q, nine, P.",
    "Which bookings does Grace Hopper have?",
    "Your flight to Berlin costs four hundred and ninety nine dollars.",
    "Thank you for flying with FlightAI, have a pleasant trip.",
]


def pooled(pairs: list[tuple[str, str]]) -> float:
    from llmworks.speech import word_error_rate
    from llmworks.speech.wer import words

    edits = sum(word_error_rate(r, h) * len(words(r)) for r, h in pairs)
    return edits / sum(len(words(r)) for r, _ in pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="folder with references.tsv (../shared/data/speech)")
    opts = parser.parse_args()
    from llmworks.speech import speak, transcribe, word_error_rate

    started = time.perf_counter()
    transcribe((16000, __import__("numpy").zeros(1600, dtype="float32")))  # load the model outside the timings
    speak("Warm up.")
    print(f"models loaded in {time.perf_counter() - started:.1f} s")

    if opts.data:
        pairs, audio_s, compute_s = [], 0.0, 0.0
        with open(opts.data / "references.tsv", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                t = transcribe(opts.data / row["file"])
                pairs.append((row["transcript"], t.text))
                audio_s += t.audio_s
                compute_s += t.seconds
                print(f"  WER {word_error_rate(row['transcript'], t.text):6.1%}  {row['file']}: {t.text!r}")
        print(
            f"Whisper tiny.en on {len(pairs)} real clips ({audio_s:.0f} s): pooled WER {pooled(pairs):.1%}, "
            f"real-time factor {compute_s / audio_s:.3f}"
        )

    pairs, tts_audio, tts_s, stt_s = [], 0.0, 0.0, 0.0
    for sentence in ROUND_TRIP:
        speech = speak(sentence)
        heard = transcribe(speech.wav)
        pairs.append((sentence, heard.text))
        tts_audio += speech.duration_s
        tts_s += speech.seconds
        stt_s += heard.seconds
        print(f"  WER {word_error_rate(sentence, heard.text):6.1%}  {heard.text!r}")
    print(
        f"Piper → Whisper round trip on {len(pairs)} sentences: pooled WER {pooled(pairs):.1%}; Piper "
        f"{tts_audio:.1f} s of audio in {tts_s:.2f} s (RTF {tts_s / tts_audio:.3f}); "
        f"Whisper RTF {stt_s / tts_audio:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
