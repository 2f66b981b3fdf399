"""Commands for meetings: `minutes` (audio or a transcript → checked minutes) and `transcribe` (audio → text,
subtitles or JSON with timestamps). Both render the minutes app's events: progress on stderr, the result on stdout
or atomically into --out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

MODEL_HELP = "provider/model (default: LLMWORKS_MODEL or local/qwen2.5-1.5b; see `llmworks models`)"
WHISPER_HELP = "folder of another CTranslate2 Whisper model (default: the bundled tiny.en)"
SPEAKERS_HELP = "label speakers by voice (default: when llmworks[diarize] is installed)"


def register(app: typer.Typer) -> None:
    app.command("minutes")(minutes)
    app.command("transcribe")(transcribe)


def minutes(
    source: Annotated[
        Path, typer.Argument(help="a recording (wav/mp3/m4a/ogg/flac) or a transcript (txt/srt/vtt/jsonl)")
    ],
    model: Annotated[str | None, typer.Option("-m", "--model", help=MODEL_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of markdown (on stdout or into --out)")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write here (atomically); .json → JSON")] = None,
    transcript_out: Annotated[
        Path | None, typer.Option("--transcript-out", help="also save the transcript (.txt/.srt/.vtt/.json)")
    ] = None,
    vad: Annotated[bool, typer.Option("--vad/--no-vad", help="skip silence before transcribing")] = True,
    whisper: Annotated[str | None, typer.Option("--whisper", help=WHISPER_HELP)] = None,
    speakers: Annotated[bool | None, typer.Option("--speakers/--no-speakers", help=SPEAKERS_HELP)] = None,
    usage: Annotated[bool, typer.Option("--usage/--no-usage", "-u", help="print tokens, cost and speed")] = True,
) -> None:
    """Meeting minutes (title, date, attendees, summary, discussion, decisions, action items) from a recording or
    a transcript, offline by default. Every decision and action item carries the transcript's words it comes from,
    checked in code: items whose quote is not in the transcript are dropped and counted. Long meetings are read in
    parts that fit the model's context. Speakers in a recording are told apart by voice (anonymous "Speaker 1", …)
    when llmworks[diarize] is installed; otherwise the minutes say "speakers not identified".

    \b
    Examples:
      llmworks minutes council.mp3 --out minutes.md
      llmworks minutes council.vtt --json > minutes.json
      llmworks minutes notes.txt -m openai/gpt-4.1-mini --out minutes.json --transcript-out council.srt
    """
    from llmworks.apps import minutes as app
    from llmworks.events import Delta

    from .render import render

    events = app.run(source, model=model, vad=vad, whisper=whisper, speakers=speakers)
    if out is not None:  # the file gets the minutes; stdout stays quiet
        done = render((e for e in events if not isinstance(e, Delta)), usage=usage)
        path = app.save(done.result, out, as_json=True if as_json else None)
        typer.secho(f"Wrote {path}", dim=True, err=True)
    else:
        done = render(events, usage=usage, as_json=(lambda m: m.to_json()) if as_json else None)
    if transcript_out is not None:
        _save_transcript(done.result.transcript, transcript_out)


def transcribe(
    audio: Annotated[Path, typer.Argument(help="a recording: wav, mp3, m4a, ogg, flac")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="txt | srt | vtt | json (default: --out's suffix, else txt)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write here (atomically) instead of stdout")] = None,
    vad: Annotated[bool, typer.Option("--vad/--no-vad", help="skip silence (Silero VAD)")] = True,
    whisper: Annotated[str | None, typer.Option("--whisper", help=WHISPER_HELP)] = None,
    speakers: Annotated[bool | None, typer.Option("--speakers/--no-speakers", help=SPEAKERS_HELP)] = None,
) -> None:
    """Transcribe a recording offline with Whisper (tiny.en bundled), with timestamps for subtitles.

    \b
    Examples:
      llmworks transcribe interview.m4a
      llmworks transcribe council.mp3 --format srt --out council.srt
      llmworks transcribe talk.wav -f json | jq '.segments[0]'
    """
    from llmworks.apps import minutes as app
    from llmworks.errors import LlmworksError
    from llmworks.speech import FORMATS, write_transcript

    from .render import render

    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    fmt = fmt or (suffix if suffix in FORMATS else "txt")
    if fmt not in FORMATS:
        raise LlmworksError(f"Unknown format {fmt!r}.", f"Use one of: {', '.join(FORMATS)}.")
    t = render(app.transcribe(audio, vad=vad, whisper=whisper, speakers=speakers)).result  # progress on stderr only
    if out is not None:
        _save_transcript(t, out, fmt)
    else:
        typer.echo(write_transcript(t, fmt), nl=False)
    typer.secho(f"({t.audio_s:.1f} s of audio in {t.seconds:.1f} s)", dim=True, err=True)


def _save_transcript(transcript, path: Path, fmt: str | None = None) -> None:
    from llmworks.files import atomic_write
    from llmworks.speech import FORMATS, write_transcript

    fmt = fmt or path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        fmt = "txt"
    atomic_write(path, write_transcript(transcript, fmt))
    typer.secho(f"Wrote {path}", dim=True, err=True)
