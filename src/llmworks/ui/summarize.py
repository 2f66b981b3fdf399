"""Summarizer tab: a URL in, a streamed markdown summary out."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, model_dropdown, stats_line


def run(url: str, style: str, model, max_tokens: int = 500) -> Iterator[tuple[str, str]]:
    """Yield (summary markdown, status markdown)."""
    from llmworks import web
    from llmworks.apps.summarize import summarize_page

    if not (url or "").strip():
        yield "", "Enter the URL of a web page."
        return
    try:
        yield "", f"Reading {url} …"
        page = web.fetch(url)
        yield "", f"Summarizing **{page.title or page.url}** …"
        stream = summarize_page(page, model=model or None, style=style, max_tokens=int(max_tokens or 500))
        text = ""
        for delta in stream:
            text += delta
            yield text, f"Summarizing **{page.title or page.url}** …"
        yield text, stats_line(stream.response)
    except Exception as e:
        yield "", error_markdown(e)


def tab() -> None:
    import gradio as gr

    from llmworks.apps.summarize import STYLES

    with gr.Row():
        url = gr.Textbox(label="URL", placeholder="https://example.com", scale=4, elem_id="summarize-url")
        style = gr.Dropdown(list(STYLES), value="neutral", label="Style", scale=1)
        model = model_dropdown(scale=2)
        max_tokens = gr.Number(500, label="Max tokens", precision=0, minimum=16, scale=1)
    go = gr.Button("Summarize", variant="primary", elem_id="summarize-go")
    status = gr.Markdown("", elem_id="summarize-status")
    output = gr.Markdown("", elem_id="summarize-output")
    inputs = [url, style, model, max_tokens]
    go.click(run, inputs, [output, status])
    url.submit(run, inputs, [output, status])
