"""The plain Chat tab: system prompt, model, temperature, streaming on/off, tokens and cost of every reply."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, error_message, history_messages, model_dropdown, stats_line

DEFAULT_SYSTEM = "You are a helpful assistant. Answer concisely, in markdown."


def respond(message: str, history: list[dict] | None, system: str, model, temperature: float, max_tokens: int,
            streaming: bool) -> Iterator[tuple[list[dict], str, str]]:
    """Yield (chat history, stats markdown, textbox value) as the reply arrives; errors become a message."""
    from llmworks import llm

    history = list(history or [])
    if not (message or "").strip():
        yield history, "Type a message first.", ""
        return
    messages = history_messages(history) + [{"role": "user", "content": message}]
    history = history + [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
    yield history, "…", ""
    try:
        kwargs = dict(model=model or None, system=(system or "").strip() or None,
                      temperature=float(temperature), max_tokens=int(max_tokens) if max_tokens else None)
        if streaming:
            stream = llm.stream(messages, **kwargs)
            text = ""
            for delta in stream:
                text += delta
                history[-1] = {"role": "assistant", "content": text}
                yield history, "…", ""
            response = stream.response
        else:
            response = llm.chat(messages, **kwargs)
        history[-1] = {"role": "assistant", "content": response.text if response else ""}
        yield history, stats_line(response, label="Last reply:"), ""
    except Exception as e:  # shown in the tab, never as a traceback
        history[-1] = {"role": "assistant", "content": f"⚠️ {error_message(e)}"}
        yield history, error_markdown(e), ""


def tab() -> None:
    import gradio as gr

    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Conversation", height=420, elem_id="chat-chatbot")
            with gr.Row():
                box = gr.Textbox(placeholder="Say something…", show_label=False, scale=5, elem_id="chat-input")
                send = gr.Button("Send", variant="primary", scale=1, elem_id="chat-send")
            stats = gr.Markdown("", elem_id="chat-stats")
        with gr.Column(scale=2):
            system = gr.Textbox(DEFAULT_SYSTEM, label="System prompt", lines=3)
            model = model_dropdown()
            temperature = gr.Slider(0.0, 2.0, value=0.7, step=0.05, label="Temperature")
            max_tokens = gr.Number(512, label="Max tokens per reply", precision=0, minimum=1)
            streaming = gr.Checkbox(True, label="Stream the reply")
            clear = gr.Button("Clear conversation")
    inputs = [box, chatbot, system, model, temperature, max_tokens, streaming]
    outputs = [chatbot, stats, box]
    box.submit(respond, inputs, outputs)
    send.click(respond, inputs, outputs)
    clear.click(lambda: ([], ""), None, [chatbot, stats])
