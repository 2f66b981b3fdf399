"""Brochure tab: company and landing page in; progress (which pages are read) and the streamed brochure out."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, model_dropdown, stats_line


def run(company: str, url: str, tone: str, language: str, model) -> Iterator[tuple[str, str]]:
    """Yield (brochure markdown, progress markdown)."""
    from llmworks.apps.brochure import Delta, Done, Progress, create_brochure

    if not (company or "").strip() or not (url or "").strip():
        yield "", "Enter the company's name and its web site."
        return
    log: list[str] = []
    text = ""
    try:
        for event in create_brochure(company, url, model=model or None, tone=tone, language=language or "English"):
            if isinstance(event, Progress):
                log.append(f"- {event.message}")
            elif isinstance(event, Delta):
                text += event.text
            elif isinstance(event, Done):
                log.append(f"- Done: {stats_line(event.response)}")
            yield text, "\n".join(log)
    except Exception as e:
        log.append(error_markdown(e))
        yield text, "\n".join(log)


def tab() -> None:
    import gradio as gr

    from llmworks.apps.brochure import TONES

    with gr.Row():
        company = gr.Textbox(label="Company", placeholder="Hugging Face", scale=2)
        url = gr.Textbox(label="Web site", placeholder="https://huggingface.co", scale=3)
    with gr.Row():
        tone = gr.Dropdown(list(TONES), value="professional", label="Tone")
        language = gr.Textbox("English", label="Language")
        model = model_dropdown()
    go = gr.Button("Write brochure", variant="primary")
    with gr.Accordion("Progress: the pages being read", open=True):
        progress = gr.Markdown("", elem_id="brochure-progress")
    output = gr.Markdown("", elem_id="brochure-output")
    go.click(run, [company, url, tone, language, model], [output, progress])
