"""Summarizer tab: a URL in, a streamed markdown summary out."""

from __future__ import annotations

from collections.abc import Iterator

from .common import model_dropdown
from .render import markdown


def run(url: str, style: str, model, max_tokens: int | None = None) -> Iterator[tuple[str, str]]:
    """Yield (summary markdown, status markdown)."""
    from llmworks.apps import summarize

    if not (url or "").strip():
        yield "", "Enter the URL of a web page."
        return
    for view in markdown(
        summarize.run(url.strip(), model=model or None, style=style, max_tokens=int(max_tokens) if max_tokens else None)
    ):
        yield view.text, view.status


def tab() -> None:
    import gradio as gr

    from llmworks.apps.summarize import REPLY_TOKENS, STYLE, STYLES

    with gr.Row():
        url = gr.Textbox(label="URL", placeholder="https://example.com", scale=4, elem_id="summarize-url")
        style = gr.Dropdown(list(STYLES), value=STYLE, label="Style", scale=1)
        model = model_dropdown(scale=2)
        max_tokens = gr.Number(REPLY_TOKENS, label="Max tokens", precision=0, minimum=16, scale=1)
    go = gr.Button("Summarize", variant="primary", elem_id="summarize-go")
    status = gr.Markdown("", elem_id="summarize-status")
    output = gr.Markdown("", elem_id="summarize-output")
    inputs = [url, style, model, max_tokens]
    go.click(run, inputs, [output, status])
    url.submit(run, inputs, [output, status])
