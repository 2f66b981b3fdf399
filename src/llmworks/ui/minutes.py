"""Meeting minutes tab: a recording (uploaded or from the microphone, played in place) or a transcript file in; the
timestamped transcript beside the checked minutes, and the minutes as markdown and JSON files to download."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .render import markdown

TRANSCRIPT_TYPES = [".txt", ".md", ".srt", ".vtt", ".json", ".jsonl"]


def transcript_markdown(transcript) -> str:
    """One line per segment: '[1:05] **Ana:** text' (no time for a plain-text transcript)."""
    from llmworks.apps.minutes.schema import clock
    from llmworks.speech.subtitles import has_timestamps

    timed = has_timestamps(transcript)
    lines = []
    for s in transcript.segments:
        when = f"`{clock(s.start)}` " if timed else ""
        who = f"**{s.speaker}:** " if s.speaker else ""
        lines.append(f"{when}{who}{s.text}")
    return "\n\n".join(lines)


def run(audio: str | None, transcript_file, model) -> Iterator[tuple[str, str, str, list[str] | None]]:
    """Yield (transcript markdown, minutes markdown, status, files to download)."""
    from llmworks.apps import minutes
    from llmworks.files import data_dir

    from .paths import safe_name

    upload = getattr(transcript_file, "name", None) or transcript_file
    source = upload or audio
    if not source:
        yield "", "", "Upload or record a meeting, or upload a transcript file.", None
        return
    for view in markdown(minutes.run(Path(source), model=model or None), progress_log=True):
        if view.done is None:
            yield "", view.text, view.status, None
            continue
        result = view.done.result
        folder = data_dir("minutes")
        stem = safe_name(Path(source).stem)[:80]
        files = [str(minutes.save(result, folder / f"{stem}.md")), str(minutes.save(result, folder / f"{stem}.json"))]
        yield transcript_markdown(result.transcript), view.text, view.status, files


def tab() -> None:
    import gradio as gr

    from .common import model_dropdown

    with gr.Row():
        with gr.Column(scale=1):
            audio = gr.Audio(
                sources=["upload", "microphone"], type="filepath", label="Recording", elem_id="minutes-audio"
            )
            transcript_file = gr.File(
                label="…or a transcript (txt, srt, vtt, jsonl)", file_types=TRANSCRIPT_TYPES, elem_id="minutes-file"
            )
            model = model_dropdown()
            go = gr.Button("Write the minutes", variant="primary", elem_id="minutes-go")
            status = gr.Markdown("", elem_id="minutes-status")
            transcript = gr.Markdown("", label="Transcript", elem_id="minutes-transcript", max_height=600)
        with gr.Column(scale=1):
            output = gr.Markdown("", elem_id="minutes-output")
            files = gr.File(label="Minutes (markdown, JSON)", file_count="multiple", interactive=False)
    go.click(run, [audio, transcript_file, model], [transcript, output, status, files])
