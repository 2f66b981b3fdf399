"""Tutor tab: a technical question in, the tutor's streamed markdown answer out."""

from __future__ import annotations

from collections.abc import Iterator

from .common import model_dropdown
from .render import markdown


def run(question: str, model, examples: bool) -> Iterator[tuple[str, str]]:
    """Yield (answer markdown, status markdown)."""
    from llmworks.apps import tutor

    for view in markdown(tutor.run(question or "", model=model or None, examples=bool(examples))):
        yield view.text, view.status


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
