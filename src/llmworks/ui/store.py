"""Store assistant tab: a customer-service chat; the status line shows which topic context was added."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, error_message, history_messages, model_dropdown
from .paths import confine
from .render import chat_messages


def respond(message: str, history: list[dict] | None, model, config_path: str) -> Iterator[tuple[list[dict], str, str]]:
    """Yield (chat history, status markdown, textbox value)."""
    from llmworks.apps.store import StoreAssistant, StoreConfig

    history = list(history or [])
    if not (message or "").strip():
        yield history, "Type a message first.", ""
        return
    shown = history + [{"role": "user", "content": message}]
    try:
        config = confine(config_path, field="Store config") if (config_path or "").strip() else None
        bot = StoreAssistant(StoreConfig.load(config), model=model or None, history=history_messages(history))
    except Exception as e:  # a bad config path or file: shown in the tab
        yield shown + [{"role": "assistant", "content": f"⚠️ {error_message(e)}"}], error_markdown(e), ""
        return
    note = ""
    for view in chat_messages(bot.run(message), shown):
        if view.done and view.done.result.topics:  # keep the context note beside the usage line at the end
            note = f"Context added for: {', '.join(view.done.result.topics)}. "
        yield view.messages, note + view.status, ""


def tab() -> None:
    import gradio as gr

    from llmworks.apps.store import DEFAULT_CONFIG, StoreConfig

    chatbot = gr.Chatbot(
        value=[{"role": "assistant", "content": StoreConfig.load().welcome()}], height=380, label="Store assistant"
    )
    with gr.Row():
        box = gr.Textbox(placeholder="Do you sell belts?", show_label=False, scale=5)
        send = gr.Button("Send", variant="primary", scale=1)
    status = gr.Markdown("")
    with gr.Row():
        model = model_dropdown()
        config = gr.Textbox("", label=f"Store config (a TOML file in the data dir; empty = {DEFAULT_CONFIG.name})")
    inputs, outputs = [box, chatbot, model, config], [chatbot, status, box]
    box.submit(respond, inputs, outputs)
    send.click(respond, inputs, outputs)
