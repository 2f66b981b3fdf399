"""The plain Chat tab: system prompt, model, temperature, streaming on/off, tokens and cost of every reply."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, error_message, history_messages, model_dropdown
from .render import chat_messages


def respond(
    message: str, history: list[dict] | None, system: str, model, temperature: float, max_tokens: int, streaming: bool
) -> Iterator[tuple[list[dict], str, str]]:
    """Yield (chat history, stats markdown, textbox value) as the reply arrives; errors become a message."""
    from llmworks.apps.chat import Chat

    history = list(history or [])
    if not (message or "").strip():
        yield history, "Type a message first.", ""
        return
    shown = history + [{"role": "user", "content": message}]
    yield shown, "…", ""
    try:
        chat = Chat(
            model=model or None,
            system=(system or "").strip() or None,
            temperature=float(temperature),
            max_tokens=int(max_tokens) if max_tokens else None,
            stream=bool(streaming),
            history=history_messages(history),
        )
    except Exception as e:  # an unknown model: shown in the tab, never as a traceback
        yield shown + [{"role": "assistant", "content": f"⚠️ {error_message(e)}"}], error_markdown(e), ""
        return
    for view in chat_messages(chat.run(message), shown):
        yield view.messages, view.status, ""


def tab() -> None:
    import gradio as gr

    from llmworks.apps.chat import SUGGESTED_MAX_TOKENS, SUGGESTED_SYSTEM, SUGGESTED_TEMPERATURE

    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Conversation", height=420, elem_id="chat-chatbot")
            with gr.Row():
                box = gr.Textbox(placeholder="Say something…", show_label=False, scale=5, elem_id="chat-input")
                send = gr.Button("Send", variant="primary", scale=1, elem_id="chat-send")
            stats = gr.Markdown("", elem_id="chat-stats")
        with gr.Column(scale=2):
            system = gr.Textbox(SUGGESTED_SYSTEM, label="System prompt", lines=3)
            model = model_dropdown()
            temperature = gr.Slider(0.0, 2.0, value=SUGGESTED_TEMPERATURE, step=0.05, label="Temperature")
            max_tokens = gr.Number(SUGGESTED_MAX_TOKENS, label="Max tokens per reply", precision=0, minimum=1)
            streaming = gr.Checkbox(True, label="Stream the reply")
            clear = gr.Button("Clear conversation")
    inputs = [box, chatbot, system, model, temperature, max_tokens, streaming]
    outputs = [chatbot, stats, box]
    box.submit(respond, inputs, outputs)
    send.click(respond, inputs, outputs)
    clear.click(lambda: ([], ""), None, [chatbot, stats])
