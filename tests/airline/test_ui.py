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


def last(updates):
    *_, final = updates
    return final


def test_a_turn_shows_tool_steps_translation_and_the_honest_image_note(no_network, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env key: offline
    model = ScriptedModel(
        [
            call("get_ticket_price", destination_city="Paris"),
            "A ticket to Paris is $899.",
            call("get_ticket_price", destination_city="Tokyo"),
            "Tokyo is $1420.",
        ]
    )
    translator = ScriptedModel(["Un billet pour Paris coûte 899 $."])
    updates = list(
        tab_module.respond("How much is a flight to Paris?", None, [], None, model, False, "French", translator)
    )
    assert updates[0][0][-1]["metadata"]["title"] == "🛠️ Used tool get_ticket_price"  # the step before the reply
    chat, box, mic, voice, picture, note, translation, status, bot = updates[-1]
    assert chat[0] == {"role": "user", "content": "How much is a flight to Paris?"}
    assert "A return ticket to Paris costs $899." in chat[1]["content"]
    assert chat[-1] == {"role": "assistant", "content": "A ticket to Paris is $899."}
    assert box == "" and mic is None and voice is None
    assert picture is None and note == NO_PROVIDER
    assert "Un billet pour Paris" in translation and "French" in translation
    assert "French" in translator.requests[0].messages[0]["content"]
    assert "3 model calls" in status  # the usage line: two of the assistant, one of the translator
    # the session's assistant keeps the conversation: the next turn's model sees it, not the step bubbles
    chat, *_, bot2 = last(tab_module.respond("And Tokyo?", None, chat, bot, model, False, "No translation", None))
    assert bot2 is bot and chat[-1] == {"role": "assistant", "content": "Tokyo is $1420."}
    assert [(m["role"], m["content"]) for m in model.requests[2].messages[1:]] == [
        ("user", "How much is a flight to Paris?"),
        ("assistant", "A ticket to Paris is $899."),
        ("user", "And Tokyo?"),
    ]


def test_a_session_without_an_assistant_starts_a_fresh_conversation(monkeypatch):
    model = ScriptedModel(["Hello!", "Hi again."])
    *_, bot = last(tab_module.respond("Hi", None, [], None, model, False, "No translation", None))
    assert len(bot.history) == 2
    # "New conversation" clears the session's assistant; the next turn starts a fresh one
    *_, fresh = last(tab_module.respond("Hi", None, [], None, model, False, "No translation", None))
    assert fresh is not bot and [m["role"] for m in model.requests[1].messages] == ["system", "user"]


def test_spoken_reply_is_a_wav_file(monkeypatch):
    model = ScriptedModel([call("get_ticket_price", destination_city="Tokyo"), "Tokyo is $1420."])
    *_, voice_path, _, _, _, _, _ = last(
        tab_module.respond("Price to Tokyo?", None, [], None, model, True, "No translation", None)
    )
    with wave.open(str(voice_path)) as w:
        assert w.getnframes() / w.getframerate() > 0.5
    assert Path(voice_path).parent.name == "voice"


def test_errors_become_a_message_not_a_traceback():
    chat, box, *_, status, bot = last(
        tab_module.respond("Hi", None, [], None, "nonsense/model", False, "No translation", None)
    )
    assert chat == [] and box == "Hi" and status.startswith("**Error:**") and "Unknown model" in status
    assert bot is None
    *_, status, _ = last(tab_module.respond("   ", None, [], None, ScriptedModel([]), False, "No translation", None))
    assert "Type or say a question" in status
    broken = ScriptedModel([])  # no reply scripted: the turn fails inside the app
    chat, box, *_, status, _ = last(tab_module.respond("Hi", None, [], None, broken, False, "No translation", None))
    assert box == "Hi" and status.startswith("**Error:**") and chat[-1]["content"].startswith("⚠️")
