"""Transcripts in and out of files: plain text, SubRip (.srt), WebVTT (.vtt) via webvtt-py, and JSON / JSON Lines of
segments ({"start", "end", "text", "speaker"}).

    write_transcript(t, "vtt")            # the text of a .vtt file
    read_transcript("council.srt")        # Transcript with .segments; a .txt file has no timestamps
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from llmworks.errors import DataError

from .stt import Segment, Transcript

FORMATS = ("txt", "srt", "vtt", "json")
"""What `write_transcript` writes; `read_transcript` also reads .jsonl and .md."""

_SPEAKER = re.compile(r"^([A-Z][\w.' -]{0,40}):\s+(\S.*)$")  # "Councilmember Price: thank you" in a text transcript
_ANONYMOUS = re.compile(r"^Speaker \d+$")


def write_transcript(transcript: Transcript, fmt: str) -> str:
    """The transcript as the text of a `fmt` file (one of FORMATS)."""
    segments = transcript.segments or (Segment(0.0, transcript.audio_s, transcript.text),)
    if fmt == "txt":
        return "\n".join(_labelled(s) for s in segments) + "\n"
    if fmt == "json":
        rows = [{"start": s.start, "end": s.end, "text": s.text, "speaker": s.speaker} for s in segments]
        return json.dumps({"text": transcript.text, "audio_s": transcript.audio_s, "segments": rows}, indent=1) + "\n"
    if fmt in ("srt", "vtt"):
        import webvtt
        from webvtt.models import Timestamp

        def at(seconds: float) -> str:
            return str(Timestamp.from_seconds(max(0.0, seconds)))

        def body(s: Segment) -> str:  # WebVTT has voice tags for speakers; SubRip only the text
            return f"<v {s.speaker}>{s.text}" if s.speaker and fmt == "vtt" else _labelled(s)

        captions = [webvtt.Caption(at(s.start), at(max(s.end, s.start)), body(s)) for s in segments]
        out = io.StringIO()
        webvtt.WebVTT(captions=captions).write(out, format=fmt)
        return out.getvalue().rstrip("\n") + "\n"
    raise DataError(f"unknown transcript format {fmt!r}.", f"Use one of: {', '.join(FORMATS)}.")


def read_transcript(path: str | Path) -> Transcript:
    """A transcript file (.txt/.md, .srt, .vtt, .json, .jsonl) as a Transcript; DataError if it holds no text."""
    path = Path(path)
    if not path.is_file():
        raise DataError("no such transcript file.", "Check the path.", path=path)
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8-sig")
    if suffix in (".srt", ".vtt"):
        segments = _captions(text, suffix[1:], path)
    elif suffix in (".json", ".jsonl"):
        segments = _json_segments(text, path, lines=suffix == ".jsonl")
    elif suffix in (".txt", ".md", ""):
        segments = [_text_segment(line) for line in text.splitlines() if line.strip()]
    else:
        raise DataError(
            f"cannot read a {suffix} transcript.", "Give a .txt, .srt, .vtt, .json or .jsonl file, or audio.", path=path
        )
    segments = [s for s in segments if s.text.strip()]
    if not segments:
        raise DataError("the transcript is empty.", "Give a transcript with text in it.", path=path)
    timed = suffix not in (".txt", ".md", "")
    end = max(s.end for s in segments) if timed else 0.0
    labels = {s.speaker for s in segments if s.speaker}
    diarized = bool(labels) and all(_ANONYMOUS.match(label) for label in labels)  # written by llmworks transcribe
    return Transcript(" ".join(s.text for s in segments), end, 0.0, tuple(segments), diarized=diarized)


def has_timestamps(transcript: Transcript) -> bool:
    """Whether the segments carry real times (a plain-text transcript's are all zero)."""
    return any(s.end > 0 for s in transcript.segments)


def _labelled(segment: Segment) -> str:
    return f"{segment.speaker}: {segment.text}" if segment.speaker else segment.text


def _text_segment(line: str) -> Segment:
    line = line.strip()
    if m := _SPEAKER.match(line):
        return Segment(0.0, 0.0, m.group(2), m.group(1))
    return Segment(0.0, 0.0, line)


def _captions(text: str, fmt: str, path: Path) -> list[Segment]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.WebVTT.from_buffer(io.StringIO(text), format=fmt).captions
    except (MalformedFileError, MalformedCaptionError) as e:
        raise DataError(
            f"not a valid .{fmt} file ({e}).", "Check the file or give a plain .txt transcript.", path=path
        ) from None
    if not captions:  # webvtt-py skips cues it cannot parse
        raise DataError(
            f"no .{fmt} cue could be read.", "Check its timestamps (00:01:02,500 --> 00:01:04,000).", path=path
        )
    out = []
    for c in captions:
        body = " ".join(c.text.split())
        speaker = getattr(c, "voice", None)
        if not speaker and (m := _SPEAKER.match(body)):
            speaker, body = m.group(1), m.group(2)
        start, end = c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000
        out.append(Segment(start, end, body, speaker))
    return out


def _json_segments(text: str, path: Path, *, lines: bool) -> list[Segment]:
    if lines:
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DataError(
                        f"invalid JSON ({e.msg}).", "One segment object a line.", path=path, line=n
                    ) from None
    else:
        data = json.loads(text)
        rows = data.get("segments", []) if isinstance(data, dict) else data
    out = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise DataError(
                'a segment needs a "text" string.',
                'Write {"start": 0.0, "end": 2.5, "text": "..."}.',
                path=path,
                line=n,
            )
        try:
            start, end = float(row.get("start") or 0.0), float(row.get("end") or row.get("start") or 0.0)
        except (TypeError, ValueError):
            raise DataError(
                '"start" and "end" must be seconds.', "Write numbers, e.g. 12.5.", path=path, line=n
            ) from None
        out.append(Segment(start, end, " ".join(row["text"].split()), row.get("speaker") or None))
    return out
