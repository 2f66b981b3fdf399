"""Store assistant tab: a customer-service chat; the status line shows which topic context was added."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, error_message, history_messages, model_dropdown, stats_line
from .paths import confine


def respond(message: str, history: list[dict] | None, model, config_path: str) -> Iterator[tuple[list[dict], str, str]]:
    """Yield (chat history, status markdown, textbox value)."""
    from llmworks.apps.store import StoreAssistant, StoreConfig

    history = list(history or [])
    if not (message or "").strip():
        yield history, "Type a message first.", ""
        return
    try:
        config = confine(config_path, field="Store config") if (config_path or "").strip() else None
        bot = StoreAssistant(StoreConfig.load(config), model=model or None)
        topics = ", ".join(t.keywords[0] for t in bot.topics_for(message))
        note = f"Context added for: {topics}. " if topics else ""
        stream = bot.reply(message, history_messages(history))
        history = history + [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        text = ""
        for delta in stream:
            text += delta
            history[-1] = {"role": "assistant", "content": text}
            yield history, note + "…", ""
        yield history, note + stats_line(stream.response), ""
    except Exception as e:
        yield history + [{"role": "user", "content": message},
                         {"role": "assistant", "content": f"⚠️ {error_message(e)}"}], error_markdown(e), ""


def tab() -> None:
    import gradio as gr

    from llmworks.apps.store import DEFAULT_CONFIG, StoreConfig

    greeting = StoreConfig.load().greeting
    chatbot = gr.Chatbot(value=[{"role": "assistant", "content": greeting}] if greeting else [], height=380,
                         label="Store assistant")
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
