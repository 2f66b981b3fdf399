"""Meeting minutes on real council meetings (MeetingBank): ROUGE-L of the summary against the reference, and how many
of the decisions and action items the model proposed quote the transcript (the rest are dropped by the check).

    .venv/bin/python benchmarks/minutes_quality.py --data ../shared/data/meetings/meetingbank_sample.jsonl --limit 3

--limit runs the N shortest transcripts (a 5,000-word meeting takes minutes on the 1.5B on two cores). Also prints a
lead-3 baseline (the transcript's first three sentences as the summary) to put ROUGE-L in context: MeetingBank's
reference is the agenda item's text, which a meeting's opening sentences often read out.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path


def segments_of(transcript: str):
    """A MeetingBank transcript (one string, no times) as one segment per sentence."""
    from llmworks.speech import Segment

    return tuple(Segment(0.0, 0.0, s) for s in re.split(r"(?<=[.!?])\s+", transcript) if s.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="meetingbank_sample.jsonl")
    parser.add_argument("--limit", type=int, default=None, help="only the N shortest transcripts")
    parser.add_argument("-m", "--model", default=None, help="provider/model (default: the offline default)")
    parser.add_argument("--part-tokens", type=int, default=None, help="transcript tokens per part (map-reduce)")
    parser.add_argument("--out", type=Path, help="write every meeting's minutes JSON here (JSON Lines)")
    opts = parser.parse_args()

    from rouge_score import rouge_scorer

    from llmworks import events
    from llmworks.apps import minutes
    from llmworks.config import get_settings
    from llmworks.errors import LlmworksError
    from llmworks.speech import Transcript

    rows = [json.loads(line) for line in opts.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda r: len(r["transcript"].split()))
    rows = rows[: opts.limit] if opts.limit else rows
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    model = opts.model or get_settings().model
    options = {"part_tokens": opts.part_tokens} if opts.part_tokens else {}
    print(f"model {model}; {len(rows)} meeting(s), shortest first\n")
    print(f"{'meeting':40} {'words':>6} {'parts':>5} {'R-L':>6} {'lead3':>6} {'dec k/p':>8} {'act k/p':>8} {'s':>6}")
    totals = {"rl": 0.0, "lead": 0.0, "kept": 0, "proposed": 0, "invented": 0, "seconds": 0.0, "found": 0}
    written, failed = [], []
    for row in rows:
        segments = segments_of(row["transcript"])
        transcript = Transcript(" ".join(s.text for s in segments), 0.0, 0.0, segments)
        started = time.perf_counter()
        try:
            m = events.result(minutes.run(transcript, model=model, **options))
        except LlmworksError as e:  # a meeting the model could not do counts, and the others still run
            failed.append(row["uid"])
            print(f"{row['uid'][:40]:40} {len(row['transcript'].split()):6,} failed: {e}", flush=True)
            continue
        seconds = time.perf_counter() - started
        rl = scorer.score(row["summary"], m.summary)["rougeL"].fmeasure
        lead = scorer.score(row["summary"], " ".join(s.text for s in segments[:3]))["rougeL"].fmeasure
        kept = len(m.decisions) + len(m.action_items)
        index = minutes.TranscriptIndex(segments, timed=False)
        found = sum(
            index.find(i.quote) is not None and i.quote in transcript.text for i in [*m.decisions, *m.action_items]
        )
        totals["rl"] += rl
        totals["lead"] += lead
        totals["kept"] += kept
        totals["found"] += found
        totals["proposed"] += sum(m.proposed)
        totals["invented"] += m.dropped.decisions + m.dropped.action_items
        totals["seconds"] += seconds
        print(
            f"{row['uid'][:40]:40} {len(row['transcript'].split()):6,} {m.parts:5} {rl:6.3f} {lead:6.3f} "
            f"{len(m.decisions):>3}/{m.proposed[0]:<4} {len(m.action_items):>3}/{m.proposed[1]:<4} {seconds:6.0f}",
            flush=True,
        )
        written.append({"uid": row["uid"], "rougeL": rl, **m.to_json()})
    n = max(1, len(rows) - len(failed))
    if failed:
        print(f"\nfailed: {len(failed)} of {len(rows)} meetings ({', '.join(failed)}); means over the rest")
    print(
        f"\nmean ROUGE-L {totals['rl'] / n:.3f} (lead-3 baseline {totals['lead'] / n:.3f}); "
        f"items proposed {totals['proposed']}, kept {totals['kept']} (quote found after the check: "
        f"{totals['found']}/{totals['kept']}), dropped as not in the transcript {totals['invented']} "
        f"({totals['invented'] / max(1, totals['proposed']):.0%} of proposed); {totals['seconds'] / n:.0f} s a meeting"
    )
    if opts.out:
        from llmworks.files import atomic_write

        atomic_write(opts.out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
