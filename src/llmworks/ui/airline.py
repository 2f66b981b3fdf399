"""FlightAI tab: chat with tool calls shown as collapsible steps, voice in and out, a destination picture panel
and an optional translation by a second model. All the work happens in `llmworks.apps.airline`: each browser
session holds its own Assistant (in a gr.State), which keeps the conversation; the chatbot only shows it."""

from __future__ import annotations

import os
import tempfile

from .common import error_markdown, model_dropdown
from .render import chat_messages

NO_TRANSLATION = "No translation"


def _assistant(current, model):
    """This session's assistant (a new one on the first turn), on the model picked now; the conversation stays."""
    from llmworks.apps.airline import Assistant

    if current is None:
        return Assistant(model or None)
    current.use(model or None)
    return current


def respond(message: str, audio, history: list[dict] | None, assistant, model, speak: bool, language: str, translator):
    """Yields (chat, textbox, microphone, voice reply, picture, picture note, translation, status, assistant) as the
    turn goes: tool steps as they happen, then the reply, its voice, picture and translation. A typed message wins
    over audio; the audio is cleared after use so it is not asked twice."""
    import gradio as gr

    history = list(history or [])
    try:
        if audio and not (message or "").strip():
            from llmworks.apps.airline.voice import hear

            message = hear(audio)
        if not (message or "").strip():
            yield history, "", None, None, None, "", "", "Type or say a question first.", assistant
            return
        bot = _assistant(assistant, model)
    except Exception as e:  # shown in the tab, never as a traceback
        yield history, message or "", None, None, None, "", "", error_markdown(e), assistant
        return
    language = None if language in (None, "", NO_TRANSLATION) else language
    turn_events = bot.run(message, language=language, translator=translator or None)
    view = None
    for view in chat_messages(turn_events, history + [{"role": "user", "content": message}]):
        if view.done is None:
            yield view.messages, "", None, gr.skip(), gr.skip(), gr.skip(), gr.skip(), view.status, bot
    if view is None or view.done is None:  # the turn failed: its error is the last message; the text stays
        yield (
            (view.messages if view else history),
            message,
            None,
            None,
            None,
            "",
            "",
            (view.status if view else ""),
            bot,
        )
        return
    turn = view.done.result
    try:
        voice = _voice(turn.reply) if speak else None
        picture, note = _picture(turn.destination)
    except Exception as e:  # the reply stands; only its extras failed
        yield view.messages, "", None, None, None, "", "", error_markdown(e), bot
        return
    translation = f"**{turn.language}**: {turn.translation}" if turn.translation is not None else ""
    status = view.status + (f" · reply checked: {turn.replaced}" if turn.replaced else "")
    yield view.messages, "", None, voice, picture, note, translation, status, bot


def _voice(text: str) -> str:
    """The spoken reply as a WAV file for the autoplaying player (files under <home>/airline/voice)."""
    from llmworks.apps.airline.voice import speak_reply
    from llmworks.config import get_settings

    folder = get_settings().path("airline", "voice", "reply.wav").parent
    fd, name = tempfile.mkstemp(dir=folder, prefix="reply-", suffix=".wav")
    os.close(fd)
    return str(speak_reply(text).save(name))


def _picture(destination):
    from llmworks.apps.airline.images import picture_for

    pic = picture_for(destination)
    if pic.png is None:
        return None, pic.note
    import io

    from PIL import Image

    return Image.open(io.BytesIO(pic.png)), pic.note


def tab() -> None:
    import gradio as gr

    from llmworks.apps.airline.images import NO_PROVIDER, image_provider_configured
    from llmworks.apps.airline.translate import LANGUAGES

    gr.Markdown(
        "**FlightAI** answers ticket prices and books, lists and cancels flights in a real database. "
        "Tool calls appear as collapsible steps; replies are checked against what the tools returned."
    )
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="FlightAI", height=440, elem_id="airline-chatbot")
            with gr.Row():
                box = gr.Textbox(
                    placeholder="How much is a flight to Paris?", show_label=False, scale=5, elem_id="airline-input"
                )
                send = gr.Button("Send", variant="primary", scale=1, elem_id="airline-send")
            mic = gr.Audio(
                sources=["microphone", "upload"],
                type="filepath",
                label="Ask by voice (offline Whisper)",
                elem_id="airline-mic",
            )
            status = gr.Markdown("", elem_id="airline-status")
        with gr.Column(scale=2):
            model = model_dropdown()
            speak = gr.Checkbox(True, label="Speak replies (offline Piper voice)")
            voice = gr.Audio(label="Spoken reply", autoplay=True, interactive=False, elem_id="airline-voice")
            picture = gr.Image(label="Destination", interactive=False, height=240, elem_id="airline-image")
            note = gr.Markdown("" if image_provider_configured() else NO_PROVIDER, elem_id="airline-image-note")
            language = gr.Dropdown(
                [NO_TRANSLATION] + LANGUAGES,
                value=NO_TRANSLATION,
                label="Translate replies into",
                allow_custom_value=True,
            )
            translator = model_dropdown(label="Translator model")
            translation = gr.Markdown("", elem_id="airline-translation")
            clear = gr.Button("New conversation")
    assistant = gr.State(None)  # this session's Assistant: it keeps the conversation
    inputs = [box, mic, chatbot, assistant, model, speak, language, translator]
    outputs = [chatbot, box, mic, voice, picture, note, translation, status, assistant]
    box.submit(respond, inputs, outputs)
    send.click(respond, inputs, outputs)
    mic.stop_recording(respond, inputs, outputs)
    clear.click(lambda: ([], None, None, "", "", None), None, [chatbot, voice, picture, translation, status, assistant])
