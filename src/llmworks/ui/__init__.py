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
    ("Minutes", "minutes"),
    ("Showdown", "showdown"),
    ("Deals", "deals"),
    ("Converter", "convert"),
    ("Synthetic data", "synth"),
    ("Model lab", "lab"),
]


def build_app():
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline by default: no telemetry calls
    import gradio as gr

    with gr.Blocks(title="llmworks") as demo:
        gr.Markdown(
            "# llmworks\nAn LLM-engineering workbench. Models: `local/qwen2.5-1.5b` (default), `local/qwen2.5-0.5b` "
            "and `local/smollm2` offline, or any `provider/model`."
        )
        for title, module in TABS:
            with gr.Tab(title):
                try:
                    importlib.import_module(f"llmworks.ui.{module}").tab()
                except ModuleNotFoundError as e:  # an optional part not installed: say which, keep the other tabs
                    from ..errors import explain

                    if (known := explain(e)) is None:
                        raise
                    gr.Markdown(f"**{title} is not available.** {known}")
    return demo


MAX_UPLOAD = "50mb"
"""Largest file the upload component accepts: a big PDF fits; bigger text takes hours to embed on a CPU."""


def launch_options(
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    auth: tuple[str, str] | None = None,
    insecure_no_auth: bool = False,
) -> dict:
    """Keywords for gradio's `launch()`, after refusing an exposed server without a login (see login.py)."""
    from .login import check_exposure, login_options

    check_exposure(host, share=share, auth=auth, insecure_no_auth=insecure_no_auth)
    return {
        "server_name": host,
        "server_port": port,
        "share": share,
        "max_file_size": MAX_UPLOAD,
        **login_options(auth),
    }


def launch(
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    auth: tuple[str, str] | None = None,
    insecure_no_auth: bool = False,
):
    options = launch_options(host=host, port=port, share=share, auth=auth, insecure_no_auth=insecure_no_auth)
    build_app().queue(default_concurrency_limit=4).launch(**options)
