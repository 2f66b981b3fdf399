"""The Gradio workbench: one tab per application, each built by `llmworks.ui.<module>.tab()`.

`build_app()` builds without serving (tests use it); `launch()` serves it.
"""

from __future__ import annotations

import importlib
import os

# (tab title, module under llmworks.ui) in display order
TABS: list[tuple[str, str]] = [
    ("Chat", "chat"),
    ("Summarizer", "summarize"),
    ("Brochure", "brochure"),
    ("Tutor", "tutor"),
    ("Store assistant", "store"),
    ("Conversation", "debate"),
    ("Knowledge base", "rag"),
    ("FlightAI", "airline"),
    ("Pricer", "pricer"),
]


def build_app():
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline by default: no telemetry calls
    import gradio as gr

    with gr.Blocks(title="llmworks") as demo:
        gr.Markdown("# llmworks\nAn LLM-engineering workbench. Models: `local/smollm2` offline, or any `provider/model`.")
        for title, module in TABS:
            with gr.Tab(title):
                importlib.import_module(f"llmworks.ui.{module}").tab()
    return demo


def launch(*, host: str = "127.0.0.1", port: int = 7860, share: bool = False, auth: tuple[str, str] | None = None):
    demo = build_app()
    demo.queue(default_concurrency_limit=4).launch(server_name=host, server_port=port, share=share, auth=auth)
