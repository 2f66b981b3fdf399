"""Tutor tab: a technical question in, the tutor's streamed markdown answer out."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, model_dropdown, stats_line


def run(question: str, model, examples: bool) -> Iterator[tuple[str, str]]:
    """Yield (answer markdown, status markdown)."""
    from llmworks.apps.tutor import ask

    try:
        stream = ask(question or "", model=model or None, examples=bool(examples))
        text = ""
        for delta in stream:
            text += delta
            yield text, "…"
        yield text, stats_line(stream.response)
    except Exception as e:
        yield "", error_markdown(e)


def tab() -> None:
    import gradio as gr

    question = gr.Textbox(label="Question", placeholder="What is a context window?", lines=2)
    with gr.Row():
        model = model_dropdown()
        examples = gr.Checkbox(True, label="Show the model worked examples first (multi-shot)")
    go = gr.Button("Ask the tutor", variant="primary")
    status = gr.Markdown("")
    answer = gr.Markdown("")
    go.click(run, [question, model, examples], [answer, status])
    question.submit(run, [question, model, examples], [answer, status])
