"""Brochure tab: company and landing page in; progress (which pages are read) and the streamed brochure out."""

from __future__ import annotations

from collections.abc import Iterator

from .common import model_dropdown
from .render import markdown


def run(company: str, url: str, tone: str, language: str, model) -> Iterator[tuple[str, str]]:
    """Yield (brochure markdown, progress markdown)."""
    from llmworks.apps import brochure

    if not (company or "").strip() or not (url or "").strip():
        yield "", "Enter the company's name and its web site."
        return
    events = brochure.run(company, url.strip(), model=model or None, tone=tone, language=language or None)
    for view in markdown(events, progress_log=True):
        yield view.text, view.status


def tab() -> None:
    import gradio as gr

    from llmworks.apps.brochure import LANGUAGE, TONE, TONES

    with gr.Row():
        company = gr.Textbox(label="Company", placeholder="Hugging Face", scale=2)
        url = gr.Textbox(label="Web site", placeholder="https://huggingface.co", scale=3)
    with gr.Row():
        tone = gr.Dropdown(list(TONES), value=TONE, label="Tone")
        language = gr.Textbox(LANGUAGE, label="Language")
        model = model_dropdown()
    go = gr.Button("Write brochure", variant="primary")
    with gr.Accordion("Progress: the pages being read", open=True):
        progress = gr.Markdown("", elem_id="brochure-progress")
    output = gr.Markdown("", elem_id="brochure-output")
    go.click(run, [company, url, tone, language, model], [output, progress])
