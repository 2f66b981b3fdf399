"""Transcription for minutes: pooled word error rate on real recordings and the real-time factor, as `llmworks
transcribe` / `llmworks minutes` run it (Whisper tiny.en, VAD on), against VAD off.

    .venv/bin/python benchmarks/minutes_speech.py --data ../shared/data/speech

WER is pooled (edits over all reference words) after normalising case and punctuation. The real-time factor is
compute seconds per second of audio (lower is faster), measured per clip and on one "meeting": every clip joined
with 2 s of silence between them, so that VAD has pauses to skip, as in a real meeting. With llmworks[diarize],
the clips' speakers (the folder: one LibriVox reader, one card reader, JFK) are told apart by voice and scored
with the adjusted Rand index (1.0 = the true grouping, ~0 = chance).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with references.tsv (../shared/data/speech)")
    parser.add_argument("--whisper", default=None, help="folder of another CTranslate2 Whisper model")
    opts = parser.parse_args()

    import numpy as np

    from llmworks.speech import load_audio, segments, word_error_rate
    from llmworks.speech.stt import SAMPLE_RATE
    from llmworks.speech.wer import words

    with open(opts.data / "references.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    clips = [load_audio(opts.data / row["file"]) for row in rows]
    refs = [row["transcript"] for row in rows]
    list(segments(clips[0][:SAMPLE_RATE], whisper=opts.whisper))  # load the model outside the timings

    def pooled_wer(hyps: list[str]) -> float:
        return sum(word_error_rate(r, h) * len(words(r)) for r, h in zip(refs, hyps)) / sum(len(words(r)) for r in refs)

    def run(samples, vad: bool) -> tuple[str, float]:
        started = time.perf_counter()
        text = " ".join(s.text for s in segments(samples, vad=vad, whisper=opts.whisper))
        return text, time.perf_counter() - started

    audio_s = sum(c.size for c in clips) / SAMPLE_RATE
    gap = np.zeros(2 * SAMPLE_RATE, dtype=np.float32)
    meeting = np.concatenate([part for c in clips for part in (c, gap)])
    print(f"{len(clips)} clips, {audio_s:.0f} s of speech, {sum(len(words(r)) for r in refs)} reference words\n")
    print(f"{'VAD':5} {'pooled WER':>10} {'RTF clips':>10} {'RTF meeting':>12} {'meeting WER':>12}")
    for vad in (True, False):
        results = [run(c, vad) for c in clips]
        hyps = [text for text, _ in results]
        compute = sum(s for _, s in results)
        text, seconds = run(meeting, vad)

        print(
            f"{'on' if vad else 'off':5} {pooled_wer(hyps):10.1%} {compute / audio_s:10.3f} "
            f"{seconds / (meeting.size / SAMPLE_RATE):12.3f} {word_error_rate(' '.join(refs), text):12.1%}",
            flush=True,
        )
    from llmworks.speech import diarize

    if diarize.available():
        from sklearn.metrics import adjusted_rand_score

        from llmworks.speech import Segment

        truth = [row["file"].split("/")[0] for row in rows]
        spans, at = [], 0.0
        for c in clips:
            spans.append(Segment(at, at + c.size / SAMPLE_RATE, ""))
            at += c.size / SAMPLE_RATE + 2
        started = time.perf_counter()
        labelled = diarize.label_speakers(meeting, spans)
        seconds = time.perf_counter() - started
        found = [s.speaker for s in labelled]
        print(
            f"\nspeakers by voice: {len(set(found))} found for {len(set(truth))} real ones, adjusted Rand index "
            f"{adjusted_rand_score(truth, found):.2f}, {seconds / audio_s:.3f} s per audio second"
        )
        for folder in sorted(set(truth)):
            print(f"  {folder:12} → {sorted(f for t, f in zip(truth, found) if t == folder)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
