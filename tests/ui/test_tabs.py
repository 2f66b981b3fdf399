"""The workbench without a browser: the app builds with every tab, and each tab's handler streams, reports tokens
and cost, and turns errors into messages (the handlers are plain functions; the models are test doubles)."""

from __future__ import annotations

import pytest

from llmworks import llm
from llmworks.llm.testing import FunctionModel, ScriptedModel
from llmworks.ui import TABS, build_app, chat, debate, store, summarize, tutor
from llmworks.ui import brochure as brochure_tab


def test_app_builds_with_every_tab():
    titles = [t for t, _ in TABS]
    assert titles[:6] == ["Chat", "Summarizer", "Brochure", "Tutor", "Store assistant", "Conversation"]
    demo = build_app()
    rendered = {getattr(block, "label", None) for block in demo.blocks.values()}
    assert {"Chat", "Summarizer", "Brochure", "Tutor", "Store assistant", "Conversation"} <= rendered


def test_model_dropdown_offers_the_catalog():
    from llmworks.llm import catalog
    from llmworks.ui.common import model_names

    assert model_names() == [m.name for m in catalog.MODELS] and "local/smollm2" in model_names()


def test_chat_streams_and_shows_tokens_and_cost():
    model = ScriptedModel(["Hello there, friend!"])
    updates, texts = [], []
    for update in chat.respond("Hi", [], "Be brief.", model, 0.2, 64, True):
        updates.append(update)
        texts.append(update[0][-1]["content"])  # what the browser would show at this moment
    assert texts[-1] == "Hello there, friend!"
    assert len({t for t in texts if t}) > 2  # it grew chunk by chunk
    history, stats, box = updates[-1]
    assert history[0] == {"role": "user", "content": "Hi"} and box == ""
    assert "test/scripted" in stats and "out tokens" in stats
    request = model.requests[0]
    assert request.messages[0] == {"role": "system", "content": "Be brief."}
    assert request.temperature == 0.2 and request.max_tokens == 64


def test_chat_without_streaming_keeps_history():
    model = ScriptedModel(["Second answer."])
    history = [
        {"role": "user", "content": "First?"},
        {"role": "assistant", "content": [{"type": "text", "text": "First answer."}]},
    ]
    *_, (new_history, stats, _) = chat.respond("Second?", history, "", model, 0.7, 64, False)
    assert new_history[-1]["content"] == "Second answer."
    assert [m["content"] for m in model.requests[0].messages] == ["First?", "First answer.", "Second?"]


def test_chat_error_is_a_message_not_a_traceback():
    *_, (history, stats, _) = chat.respond("Hi", [], "", "nosuch/model", 0.7, 64, True)
    assert stats.startswith("**Error:**") and "Unknown model" in stats
    assert history[-1]["content"].startswith("⚠️")


def test_summarizer_tab(site_url, allow_private):
    model = ScriptedModel(["- Quillfeather makes greenhouse robots."])
    updates = list(summarize.run(site_url + "/about", "neutral", model))
    text, status = updates[-1]
    assert text == "- Quillfeather makes greenhouse robots." and "test/scripted" in status
    assert any("Reading" in s for _, s in updates)


def test_summarizer_tab_shows_fetch_errors(site_url, allow_private):
    text, status = list(summarize.run(site_url + "/logo.png", "neutral", ScriptedModel([])))[-1]
    assert text == "" and status.startswith("**Error:**") and "image/png" in status


def test_brochure_tab_shows_progress(site_url, allow_private):
    def brain(request):
        if request.schema:
            return {"links": [{"type": "careers", "url": f"{site_url}/careers"}]}
        return "# Quillfeather Robotics\nWe are hiring."

    text, progress = list(
        brochure_tab.run("Quillfeather Robotics", site_url + "/", "professional", "English", FunctionModel(brain))
    )[-1]
    assert text == "# Quillfeather Robotics\nWe are hiring."
    assert f"Reading careers page {site_url}/careers" in progress
    assert progress.splitlines()[-1].startswith("- test/function · ") and "over 2 calls" in progress


def test_tutor_tab():
    text, status = list(tutor.run("What is a token?", ScriptedModel(["A unit of text."]), True))[-1]
    assert text == "A unit of text." and "test/scripted" in status


def test_store_tab_says_which_context_was_added():
    model = ScriptedModel(["We don't sell belts, but hats are 60% off!"])
    history, status, _ = list(store.respond("Any belts?", [{"role": "assistant", "content": "Welcome!"}], model, ""))[
        -1
    ]
    assert status.startswith("Context added for: belt.")
    assert history[-1]["content"] == "We don't sell belts, but hats are 60% off!"
    assert "does not sell belts" in model.requests[0].messages[0]["content"]


def test_debate_tab_runs_moderates_and_offers_the_transcript():
    a = FunctionModel(lambda r: "I disagree.", name="test/a")
    b = FunctionModel(lambda r: "Let us agree.", name="test/b")
    *live, (convo, chat_view, totals, transcript) = debate.start(a, b, debate.NONE, "", "", "", "tea", 1, 50)
    assert any(len(v) == 2 and v[1]["content"].startswith("**Blake**") for _, v, _, _ in live)  # a message a turn
    assert "Blake (test/b) is speaking" in [status for *_, status, _ in live]
    assert [m["content"] for m in chat_view] == [
        "**Alex** _(test/a)_: I disagree.",
        "**Blake** _(test/b)_: Let us agree.",
    ]
    assert "2 turns" in totals and transcript and open(transcript).read().startswith("# Conversation: tea")
    *_, (convo, chat_view, totals, _) = debate.moderate(convo, "Be nice.", 1)
    assert chat_view[2] == {"role": "user", "content": "**Moderator**: Be nice."}
    assert len(chat_view) == 5 and "Moderator: Be nice." in a.requests[-1].messages[-1]["content"]


def test_debate_tab_errors_are_messages():
    *_, (state, _, totals, _) = debate.start("nosuch/model", "local/smollm2", debate.NONE, "", "", "", "", 1, 50)
    assert state is None and totals.startswith("**Error:**")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("me:secret", ("me", "secret")),
        ("me:pa:ss", ("me", "pa:ss")),
        (None, None),
        ("", None),
    ],
)
def test_auth_parsing(value, expected):
    from llmworks.commands.ui import parse_auth

    assert parse_auth(value) == expected


@pytest.mark.parametrize("value", ["nopassword", ":pw", "user:"])
def test_bad_auth_is_a_clear_error(value):
    from llmworks.commands.ui import parse_auth

    with pytest.raises(llm.LLMError, match="user:password"):
        parse_auth(value)


def test_ui_command_binds_localhost_and_reads_auth_from_env(monkeypatch):
    import llmworks.ui
    from llmworks.cli import main

    calls = []
    monkeypatch.setattr(llmworks.ui, "launch", lambda **kw: calls.append(kw))  # no server in a unit test
    monkeypatch.setenv("LLMWORKS_UI_AUTH", "ana:s3cret")
    assert main(["ui"]) == 0
    assert calls == [
        {"host": "127.0.0.1", "port": 7860, "share": False, "auth": ("ana", "s3cret"), "insecure_no_auth": False}
    ]
    assert main(["ui", "--host", "0.0.0.0", "--port", "9000", "--share", "--auth", "bo:pw"]) == 0
    assert calls[-1] == {
        "host": "0.0.0.0",
        "port": 9000,
        "share": True,
        "auth": ("bo", "pw"),
        "insecure_no_auth": False,
    }
