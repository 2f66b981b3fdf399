"""FlightAI tab: chat with tool calls shown as collapsible steps, voice in and out, a destination picture panel
and an optional translation by a second model. All the work happens in `llmworks.apps.airline`."""

from __future__ import annotations

import json
import os
import tempfile

from .common import error_markdown, error_message, model_dropdown, text_of

NO_TRANSLATION = "No translation"


def conversation(history: list[dict] | None) -> list[dict]:
    """The chat's user/assistant turns, without the tool-step bubbles (those carry metadata)."""
    out = []
    for m in history or []:
        if isinstance(m, dict) and m.get("role") in ("user", "assistant") and not m.get("metadata"):
            out.append({"role": m["role"], "content": text_of(m.get("content"))})
    return out


def step_bubbles(turn) -> list[dict]:
    """One collapsible bubble per tool call (title: the call; body: its result or error), plus the reply check."""
    bubbles = []
    for step in turn.steps:
        args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in step.arguments.items())
        body = step.result if step.ok else f"Error: {step.error}"
        mark = "🛠️" if step.ok else "⚠️"
        bubbles.append({"role": "assistant", "content": body,
                        "metadata": {"title": f"{mark} {step.name}({args})", "status": "done"}})
    if turn.replaced:
        bubbles.append({"role": "assistant", "content": f"The model wrote: {turn.model_reply!r}",
                        "metadata": {"title": f"🔎 Reply checked: {turn.replaced}", "status": "done"}})
    return bubbles


def respond(message: str, audio, history: list[dict] | None, model: str, speak: bool, language: str,
            translator: str):
    """→ (chat, textbox, microphone, voice reply, picture, picture note, translation, status). A typed message
    wins over audio; the audio is cleared after use so it is not asked twice."""
    from llmworks.apps.airline import Assistant

    history = list(history or [])
    try:
        if audio and not (message or "").strip():
            from llmworks.apps.airline.voice import hear

            message = hear(audio)
        if not (message or "").strip():
            return history, "", None, None, None, "", "", "Type or say a question first."
        bot = Assistant(model or None)
        bot.history = conversation(history)
        turn = bot.ask(message)
        history += [{"role": "user", "content": message}] + step_bubbles(turn) + \
                   [{"role": "assistant", "content": turn.reply}]
        voice = _voice(turn.reply) if speak else None
        picture, note = _picture(turn)
        translation = ""
        if language and language != NO_TRANSLATION:
            from llmworks.apps.airline.translate import translate

            translation = f"**{language}** ({translator or bot.model.name}): " + \
                          translate(turn.reply, language, model=translator or bot.model)
        status = f"{bot.model.name} · {len(turn.steps)} tool call(s) · {turn.seconds:.1f} s"
        return history, "", None, voice, picture, note, translation, status
    except Exception as e:  # shown in the tab, never as a traceback
        import gradio as gr

        gr.Warning(error_message(e))
        return history, message or "", None, None, None, "", "", error_markdown(e)


def _voice(text: str) -> str:
    """The spoken reply as a WAV file for the autoplaying player (files under <home>/airline/voice)."""
    from llmworks.apps.airline.voice import speak_reply
    from llmworks.config import get_settings

    folder = get_settings().path("airline", "voice", "reply.wav").parent
    fd, name = tempfile.mkstemp(dir=folder, prefix="reply-", suffix=".wav")
    os.close(fd)
    return str(speak_reply(text).save(name))


def _picture(turn):
    from llmworks.apps.airline.images import NO_PROVIDER, destination_image, image_provider_configured

    if not image_provider_configured():
        return None, NO_PROVIDER
    if turn.destination is None:
        return None, "*No destination discussed yet.*"

    pic = destination_image(turn.destination.city)
    if pic.png is None:
        return None, pic.note
    import io

    from PIL import Image

    return Image.open(io.BytesIO(pic.png)), pic.note


def tab() -> None:
    import gradio as gr

    from llmworks.apps.airline.images import NO_PROVIDER, image_provider_configured
    from llmworks.apps.airline.translate import LANGUAGES

    gr.Markdown("**FlightAI** answers ticket prices and books, lists and cancels flights in a real database. "
                "Tool calls appear as collapsible steps; replies are checked against what the tools returned.")
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="FlightAI", height=440, elem_id="airline-chatbot")
            with gr.Row():
                box = gr.Textbox(placeholder="How much is a flight to Paris?", show_label=False, scale=5,
                                 elem_id="airline-input")
                send = gr.Button("Send", variant="primary", scale=1, elem_id="airline-send")
            mic = gr.Audio(sources=["microphone", "upload"], type="filepath", label="Ask by voice (offline Whisper)",
                           elem_id="airline-mic")
            status = gr.Markdown("", elem_id="airline-status")
        with gr.Column(scale=2):
            model = model_dropdown()
            speak = gr.Checkbox(True, label="Speak replies (offline Piper voice)")
            voice = gr.Audio(label="Spoken reply", autoplay=True, interactive=False, elem_id="airline-voice")
            picture = gr.Image(label="Destination", interactive=False, height=240, elem_id="airline-image")
            note = gr.Markdown("" if image_provider_configured() else NO_PROVIDER, elem_id="airline-image-note")
            language = gr.Dropdown([NO_TRANSLATION] + LANGUAGES, value=NO_TRANSLATION, label="Translate replies into",
                                   allow_custom_value=True)
            translator = model_dropdown(label="Translator model")
            translation = gr.Markdown("", elem_id="airline-translation")
            clear = gr.Button("New conversation")
    inputs = [box, mic, chatbot, model, speak, language, translator]
    outputs = [chatbot, box, mic, voice, picture, note, translation, status]
    box.submit(respond, inputs, outputs)
    send.click(respond, inputs, outputs)
    mic.stop_recording(respond, inputs, outputs)
    clear.click(lambda: ([], None, None, "", ""), None, [chatbot, voice, picture, translation, status])
