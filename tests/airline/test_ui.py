"""The FlightAI tab without a browser: it builds, and its handler shows tool steps, speaks, translates, and says
plainly that no image provider is configured offline (the handler is a plain function; models are test doubles)."""

from __future__ import annotations

import wave
from pathlib import Path

from llmworks.apps.airline.images import NO_PROVIDER
from llmworks.llm.testing import ScriptedModel, call
from llmworks.ui import TABS
from llmworks.ui import airline as tab_module


def test_tab_is_registered_and_builds():
    import gradio as gr

    assert ("FlightAI", "airline") in TABS
    with gr.Blocks() as demo:
        tab_module.tab()
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"airline-chatbot", "airline-mic", "airline-voice", "airline-image", "airline-translation"} <= ids
    voice = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "airline-voice")
    assert voice.autoplay is True


def test_a_turn_shows_tool_steps_translation_and_the_honest_image_note(no_network, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env key: offline
    model = ScriptedModel([call("get_ticket_price", destination_city="Paris"), "A ticket to Paris is $899."])
    translator = ScriptedModel(["Un billet pour Paris coûte 899 $."])
    chat, box, mic, voice, picture, note, translation, status = tab_module.respond(
        "How much is a flight to Paris?", None, [], model, False, "French", translator)
    assert chat[0] == {"role": "user", "content": "How much is a flight to Paris?"}
    step = chat[1]
    assert step["metadata"]["title"] == '🛠️ get_ticket_price(destination_city="Paris")'
    assert step["content"] == "A return ticket to Paris costs $899."
    assert chat[-1] == {"role": "assistant", "content": "A ticket to Paris is $899."}
    assert box == "" and mic is None and voice is None
    assert picture is None and note == NO_PROVIDER
    assert "Un billet pour Paris" in translation and "French" in translation
    assert "French" in translator.requests[0].messages[0]["content"]
    assert "1 tool call(s)" in status
    # the next turn sees the conversation without the step bubbles
    assert tab_module.conversation(chat) == [
        {"role": "user", "content": "How much is a flight to Paris?"},
        {"role": "assistant", "content": "A ticket to Paris is $899."}]


def test_spoken_reply_is_a_wav_file(monkeypatch):
    model = ScriptedModel([call("get_ticket_price", destination_city="Tokyo"), "Tokyo is $1420."])
    *_, voice_path, _, _, _, _ = tab_module.respond("Price to Tokyo?", None, [], model, True, "No translation", None)
    with wave.open(str(voice_path)) as w:
        assert w.getnframes() / w.getframerate() > 0.5
    assert Path(voice_path).parent.name == "voice"


def test_errors_become_a_message_not_a_traceback():
    chat, box, *_, status = tab_module.respond("Hi", None, [], "nonsense/model", False, "No translation", None)
    assert chat == [] and box == "Hi" and status.startswith("**Error:**") and "Unknown model" in status
    *_, status = tab_module.respond("   ", None, [], ScriptedModel([]), False, "No translation", None)
    assert "Type or say a question" in status
