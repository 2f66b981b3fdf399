"""Audio or a transcript → checked meeting minutes: transcribe (faster-whisper, VAD on), split the transcript into
parts that fit the model's context, take typed notes on each part (`llm.structured`), keep only the decisions and
action items whose quote is really in the transcript, and write the overview from the parts' notes (map-reduce)."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from pathlib import Path

from llmworks import llm, speech
from llmworks.errors import DataError
from llmworks.events import Delta, Done, Event, Progress, app
from llmworks.files import atomic_write
from llmworks.speech import Segment, SpeechError, Transcript, diarize
from llmworks.speech.stt import SAMPLE_RATE
from llmworks.speech.subtitles import has_timestamps, read_transcript
from llmworks.speech.wer import words

from .quotes import TranscriptIndex
from .schema import ActionItem, Decision, Dropped, Minutes, Overview, PartNotes, clock

AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".flac", ".webm", ".mp4", ".aac")
TRANSCRIPT_SUFFIXES = (".txt", ".md", ".srt", ".vtt", ".json", ".jsonl")
PART_TOKENS = 2500  # transcript tokens per part: at ~40 tok/s prompt speed a part is ~1 minute on the 1.5B
REPLY_TOKENS = 900  # one part's notes as JSON
MIN_QUOTE_WORDS = 2  # a one-word "quote" ("yes", "budget") is found anywhere and proves nothing

SYSTEM = (
    "You write meeting minutes from a transcript. Use only what the transcript says: never invent names, dates, "
    "decisions or tasks. For every decision and action item, copy the exact words of the transcript that state it "
    "as its quote. If there are no decisions or no action items, give empty lists."
)


@app
def transcribe(
    audio: str | Path | bytes, *, vad: bool = True, whisper: str | None = None, speakers: bool | None = None
) -> Iterator[Event]:
    """Audio (wav/mp3/m4a/ogg/flac…) → Done(Transcript) with timestamped segments, with progress as it goes.
    `speakers`: label segments by voice (None: when the offline voice encoder is installed; True: required)."""
    started = time.perf_counter()
    yield Progress("Decoding the audio")
    samples = speech.load_audio(audio)
    duration = samples.size / SAMPLE_RATE
    if samples.size == 0:
        raise SpeechError("The audio is empty: it holds no samples.", "Record or upload a clip with speech in it.")
    yield Progress(f"Transcribing {clock(duration)} of audio (Whisper{', silence skipped' if vad else ''})")
    found: list[Segment] = []
    step = 0.1
    for segment in speech.segments(samples, vad=vad, whisper=whisper):
        found.append(segment)
        if segment.end >= step * duration and duration > 30:  # every tenth of a long recording
            yield Progress(f"Transcribed {clock(segment.end)} of {clock(duration)} ({segment.end / duration:.0%})")
            step = segment.end / duration + 0.1
    if not found:
        raise SpeechError(
            f"No speech found in {clock(duration)} of audio: it is silent or only noise.",
            "Check the recording (the microphone, the right file); a quiet voice may need the volume raised.",
        )
    diarized = speakers if speakers is not None else diarize.available()
    if diarized:
        yield Progress(f"Telling speakers apart by voice ({len(found)} segments)")
        found = diarize.label_speakers(samples, found)
    elif speakers is None:
        yield Progress("Speakers not identified: pip install 'llmworks[diarize]' to tell them apart by voice")
    text = " ".join(s.text for s in found)
    yield Done(Transcript(text, duration, time.perf_counter() - started, tuple(found), diarized=diarized))


@app
def run(
    source: str | Path | Transcript,
    *,
    model: str | llm.Model | None = None,
    vad: bool = True,
    whisper: str | None = None,
    speakers: bool | None = None,
    part_tokens: int = PART_TOKENS,
    temperature: float | None = 0.0,
) -> Iterator[Event]:
    """Minutes of a recording or a transcript file; Delta carries the markdown, Done a `Minutes`."""
    if isinstance(source, Transcript):
        transcript = source
    else:
        transcript = yield from _read(Path(source), vad=vad, whisper=whisper, speakers=speakers)
    m = llm.get_model(model)
    timed = has_timestamps(transcript)
    index = TranscriptIndex(transcript.segments, timed=timed, named_speakers=not transcript.diarized)
    parts = split(list(transcript.segments), _budget(m, part_tokens), m.count_tokens)
    notes: list[PartNotes] = []
    response = None
    for i, part in enumerate(parts, start=1):
        n_words = sum(len(s.text.split()) for s in part)
        yield Progress(f"Taking notes on part {i} of {len(parts)} ({n_words:,} words)")
        try:
            result = llm.structured(
                _part_prompt(part, i, len(parts)),
                schema=PartNotes,
                model=m,
                system=SYSTEM,
                max_tokens=REPLY_TOKENS,
                temperature=temperature,
            )
        except llm.ModelOutputError as e:
            if len(parts) == 1:
                raise
            yield Progress(f"Part {i} skipped: {e}", warning=True)  # one bad part need not cost the whole meeting
            continue
        notes.append(result.output)
        response = result.response
    if not notes:
        raise llm.ModelOutputError(f"{m.name} returned no usable notes for any part.", "Try a stronger model (-m).")
    title, summary, discussion = notes[0].title, notes[0].summary, notes[0].discussion
    if len(notes) > 1:
        yield Progress(f"Writing the overview from the notes on {len(notes)} parts")
        result = llm.structured(
            _overview_prompt(notes),
            schema=Overview,
            model=m,
            system=SYSTEM,
            max_tokens=REPLY_TOKENS,
            temperature=temperature,
        )
        title, summary, discussion, response = (
            result.output.title,
            result.output.summary,
            result.output.discussion,
            result.response,
        )
    minutes = _checked(notes, index, transcript, title=title, summary=summary, discussion=discussion)
    minutes = dataclasses.replace(minutes, parts=len(parts), response=response)
    d = minutes.dropped
    if d.decisions or d.action_items:
        yield Progress(
            f"Dropped {d.decisions} decision(s) and {d.action_items} action item(s) whose quote is not in the "
            "transcript",
            warning=True,
        )
    yield Delta(minutes.markdown())
    yield Done(minutes)


def save(minutes: Minutes, path: str | Path, *, as_json: bool | None = None) -> Path:
    """Write the minutes atomically: JSON for a .json path (or `as_json`), markdown otherwise."""
    path = Path(path)
    as_json = path.suffix.lower() == ".json" if as_json is None else as_json
    return atomic_write(path, minutes.json_text() if as_json else minutes.markdown())


def split(segments: list[Segment], budget: int, count_tokens) -> list[list[Segment]]:
    """Consecutive segments grouped into parts of about `budget` tokens (one count of the whole text sets the
    tokens-per-word rate; a segment longer than a part is cut at sentence ends)."""
    text = " ".join(s.text for s in segments)
    total_words = max(1, len(text.split()))
    per_word = count_tokens(text) / total_words
    max_words = max(50, int(budget / max(per_word, 0.1)))
    parts: list[list[Segment]] = [[]]
    size = 0
    for piece in (p for s in segments for p in _pieces(s, max_words)):
        n = len(piece.text.split())
        if parts[-1] and size + n > max_words:
            parts.append([])
            size = 0
        parts[-1].append(piece)
        size += n
    return [p for p in parts if p]


def _read(path: Path, *, vad: bool, whisper: str | None, speakers: bool | None) -> Iterator[Event]:
    suffix = path.suffix.lower()
    if suffix in TRANSCRIPT_SUFFIXES:
        yield Progress(f"Reading the transcript {path.name}")
        return read_transcript(path)
    if suffix in AUDIO_SUFFIXES:
        if not path.is_file():
            raise DataError("no such audio file.", "Check the path.", path=path)
        return (yield from _inner(transcribe(path, vad=vad, whisper=whisper, speakers=speakers)))
    raise DataError(
        f"cannot tell whether {suffix or 'a file without extension'} is audio or a transcript.",
        f"Give audio ({', '.join(AUDIO_SUFFIXES[:5])}) or a transcript ({', '.join(TRANSCRIPT_SUFFIXES)}).",
        path=path,
    )


def _inner(events) -> Iterator[Event]:
    """Pass another app's progress through; return its result."""
    for event in events:
        if isinstance(event, Done):
            return event.result
        yield event
    raise RuntimeError("transcribe ended without a Done event")


def _budget(m: llm.Model, part_tokens: int) -> int:
    if m.context_window:  # room for the instructions, the schema and the reply
        return max(200, min(part_tokens, m.context_window - REPLY_TOKENS - 800))
    return part_tokens


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _pieces(segment: Segment, max_words: int) -> Iterator[Segment]:
    if len(segment.text.split()) <= max_words:
        yield segment
        return
    chunk: list[str] = []
    for sentence in _SENTENCE.split(segment.text):
        tokens = sentence.split()
        while len(tokens) > max_words:  # one run-on "sentence" longer than a part
            yield Segment(segment.start, segment.end, " ".join(tokens[:max_words]), segment.speaker)
            tokens = tokens[max_words:]
        if chunk and len(chunk) + len(tokens) > max_words:
            yield Segment(segment.start, segment.end, " ".join(chunk), segment.speaker)
            chunk = []
        chunk += tokens
    if chunk:
        yield Segment(segment.start, segment.end, " ".join(chunk), segment.speaker)


def _part_prompt(part: list[Segment], i: int, n: int) -> str:
    lines = "\n".join(f"{s.speaker}: {s.text}" if s.speaker else s.text for s in part)
    which = f"part {i} of {n} of a meeting transcript" if n > 1 else "a meeting transcript"
    return f"This is {which}:\n\n{lines}\n\nWrite the minutes of it as JSON."


def _overview_prompt(notes: list[PartNotes]) -> str:
    blocks = []
    for i, note in enumerate(notes, start=1):
        points = "\n".join(f"- {p}" for p in note.discussion)
        blocks.append(f"Part {i}: {note.summary}\n{points}".strip())
    return "Notes on the parts of one meeting, in order:\n\n" + "\n\n".join(blocks) + "\n\nWrite the overview."


def _checked(
    notes: list[PartNotes], index: TranscriptIndex, transcript: Transcript, *, title, summary, discussion
) -> Minutes:
    """The notes merged, each decision and action item kept only if its quote is in the transcript."""
    decisions: list[Decision] = []
    actions: list[ActionItem] = []
    seen: set[tuple[str, ...]] = set()
    dropped = dict.fromkeys(("decisions", "action_items", "attendees", "owners", "dates"), 0)
    proposed = [0, 0]

    def evidence(quote: str, kind: str):
        found = index.find(quote)
        if found is None or len(words(found.quote)) < MIN_QUOTE_WORDS:  # counted on what was said, not the label
            found = None
            dropped[kind] += 1
        return found

    def stated(value: str, kind: str) -> str | None:
        value = value.strip()
        if value and not index.mentions(value):
            dropped[kind] += 1
            return None
        return value or None

    for note in notes:
        for d in note.decisions:
            proposed[0] += 1
            found = evidence(d.quote, "decisions") if d.text.strip() else None
            if found and (key := ("d", *words(found.quote))) not in seen:
                seen.add(key)
                decisions.append(Decision(d.text.strip(), found.quote, found.at))
        for a in note.action_items:
            proposed[1] += 1
            found = evidence(a.quote, "action_items") if a.task.strip() else None
            if found and (key := ("a", *words(found.quote))) not in seen:
                seen.add(key)
                owner, due = stated(a.owner, "owners"), stated(a.due, "dates")
                actions.append(ActionItem(owner, a.task.strip(), due, found.quote, found.at))
    attendees: list[str] = []
    labels = [] if transcript.diarized else [s.speaker for s in transcript.segments if s.speaker]
    for name in [*labels, *(n for note in notes for n in note.attendees)]:
        name = " ".join(name.split())
        if not name or name.casefold() in (a.casefold() for a in attendees):
            continue
        if index.mentions(name):
            attendees.append(name)
        else:
            dropped["attendees"] += 1
    date = next((d for note in notes if (d := stated(note.date, "dates"))), None)
    return Minutes(
        title=title.strip() or "Meeting minutes",
        date=date,
        attendees=attendees,
        summary=summary.strip(),
        discussion=[p.strip() for p in discussion if p.strip()],
        decisions=decisions,
        action_items=actions,
        transcript=transcript,
        dropped=Dropped(**dropped),
        proposed=(proposed[0], proposed[1]),
        speakers=_speakers(transcript, labels),
    )


def _speakers(transcript: Transcript, labels: list[str]) -> str:
    if transcript.diarized:
        n = len({s.speaker for s in transcript.segments})
        return f"told apart by voice: {n} speaker(s), labelled Speaker 1 to {n} (names not known)"
    return "from the transcript's speaker labels" if labels else "speakers not identified"
