"""Store assistant (topic context, history, config file) and the model-vs-model conversation."""

from __future__ import annotations

import pytest

from llmworks import events, llm
from llmworks.apps.debate import DEFAULT_PERSONAS, MODERATOR, Conversation, Speaker, clean_reply
from llmworks.apps.store import StoreAssistant, StoreConfig
from llmworks.events import Delta, Done, Progress
from llmworks.llm.testing import FunctionModel, ScriptedModel


def test_belts_context_is_injected_only_when_belts_are_mentioned():
    model = ScriptedModel(["Sorry, no belts - but hats are 60% off!", "Hats are 60% off.", "Hi!"])
    bot = StoreAssistant(model=model)
    seen = list(bot.run("Do you sell belts?"))
    assert seen[0] == Progress("Context added for: belt.") and seen[-1].result.topics == ("belt",)
    first = seen[-1].result.text
    hats = bot.reply("What about hats?")
    belt_turn, hat_turn = model.requests[:2]
    assert "does not sell belts" in belt_turn.messages[0]["content"]
    assert "does not sell belts" not in hat_turn.messages[0]["content"] and hats.topics == ()
    # the whole history goes with every turn
    history = [{"role": "user", "content": "Do you sell belts?"}, {"role": "assistant", "content": first}]
    assert hat_turn.messages[1:] == history + [{"role": "user", "content": "What about hats?"}]
    bot.reset()
    bot.reply("Hello?")
    assert model.requests[-1].messages[1:] == [{"role": "user", "content": "Hello?"}]


def test_history_given_by_a_caller_is_used_and_reply_length_is_the_apps():
    model = ScriptedModel(["Yes."])
    past = [{"role": "assistant", "content": "Welcome!"}, {"role": "tool", "content": "not for the model"}]
    StoreAssistant(model=model, history=past).reply("Hats?")
    request = model.requests[0]
    assert request.messages[1:] == [past[0], {"role": "user", "content": "Hats?"}]
    assert request.max_tokens == 300


def test_topics_match_whole_words_case_insensitively():
    bot = StoreAssistant(model=ScriptedModel([]))
    assert [t.keywords[0] for t in bot.topics_for("BELTS and Shoes please")] == ["belt", "shoe"]
    assert bot.topics_for("I love Beltane festivals") == []


def test_config_file_drives_prompt_and_topics(tmp_path):
    path = tmp_path / "bikes.toml"
    path.write_text(
        'name = "Spokes"\nsystem = "You sell bicycles."\n'
        '[[topics]]\nkeywords = "helmet"\ncontext = "Helmets are free with every bike."\n'
    )
    model = ScriptedModel(["Yes!"])
    bot = StoreAssistant(StoreConfig.load(path), model=model)
    bot.reply("Do I get a helmet?")
    assert model.requests[0].messages[0]["content"] == "You sell bicycles.\n\nHelmets are free with every bike."


@pytest.mark.parametrize(
    "text, error",
    [
        ('name = "x"\n', "needs a `system` prompt"),
        ('system = "s"\n[[topics]]\nkeywords = ["a"]\n', "topic 1 needs"),
        ("system = \n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, error):
    path = tmp_path / "store.toml"
    path.write_text(text)
    with pytest.raises(llm.LLMError, match=error):
        StoreConfig.load(path)


def test_missing_config_names_the_default():
    with pytest.raises(llm.LLMError, match="default_store.toml"):
        StoreConfig.load("/nonexistent/store.toml")


def _echo(name):
    """A model that says which turn it saw last, so the test can check what each speaker was shown."""
    return FunctionModel(lambda r: f"{name} heard: {r.messages[-1]['content'][-30:]}", name=f"test/{name}")


def test_each_speaker_sees_itself_as_assistant_and_the_others_as_user():
    a, b = _echo("a"), _echo("b")
    convo = Conversation([Speaker("Alex", a, "Argue."), Speaker("Blake", b, "Agree.")], topic="tea or coffee")
    seen = list(convo.run(2))
    assert seen[0] == Progress("Alex (test/a) is speaking") and seen[1] == Delta("**Alex** _(test/a)_: ")
    assert [t.speaker for t in convo.turns] == ["Alex", "Blake", "Alex", "Blake"]
    assert sum(isinstance(e, Progress) for e in seen) == 4
    done = seen[-1]
    assert isinstance(done, Done) and done.result.turns == convo.turns and done.calls == 4
    alex_second = a.requests[1].messages
    assert alex_second[0]["role"] == "system" and "You are Alex" in alex_second[0]["content"]
    assert "tea or coffee" in alex_second[0]["content"] and "Argue." in alex_second[0]["content"]
    assert [m["role"] for m in alex_second[1:]] == ["user", "assistant", "user"]
    assert alex_second[2]["content"] == convo.turns[0].text
    assert alex_second[3]["content"].startswith("Blake: ")
    blake_first = b.requests[0].messages
    assert blake_first[-1]["content"].endswith(f"Alex: {convo.turns[0].text}")


def test_three_speakers_and_a_moderator():
    models = [_echo("a"), _echo("b"), _echo("c")]
    convo = Conversation([Speaker(n, m, "p") for n, m in zip(["A", "B", "C"], models)])
    list(convo.run(1))
    convo.add_moderator("Please be brief.")
    assert [t.speaker for t in events.result(convo.step()).turns] == ["A"]
    assert [t.speaker for t in convo.turns] == ["A", "B", "C", MODERATOR, "A"]
    last_prompt = models[0].requests[-1].messages[-1]["content"]
    assert "B: " in last_prompt and "C: " in last_prompt and last_prompt.endswith("Moderator: Please be brief.")


def test_usage_is_totalled_and_unknown_cost_stays_unknown():
    priced = FunctionModel(lambda r: "x" * 40, name="local/priced")  # local provider: cost 0
    unpriced = FunctionModel(lambda r: "y" * 40, name="test/unpriced")
    convo = Conversation([Speaker("A", priced, "p"), Speaker("B", priced, "p")])
    list(convo.run(1))
    assert convo.usage.output_tokens == sum(t.usage.output_tokens for t in convo.turns) > 0
    assert convo.usage.cost_usd == 0.0
    convo = Conversation([Speaker("A", priced, "p"), Speaker("B", unpriced, "p")])
    list(convo.run(1))
    assert convo.usage.cost_usd is None


def test_transcript_is_markdown_saved_atomically(tmp_path, llmworks_home):
    convo = Conversation(
        [Speaker("A", ScriptedModel(["Hi."]), "p"), Speaker("B", ScriptedModel(["Hello."]), "q")], topic="Greetings!"
    )
    list(convo.run(1))
    path = convo.save()
    assert path.parent == llmworks_home / "debates" and path.name.endswith("-greetings.md")
    text = path.read_text()
    assert "# Conversation: Greetings!" in text and "**A** _(test/scripted)_: Hi." in text
    assert "**B** _(test/scripted)_: Hello." in text and "Tokens:" in text
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
    assert convo.save(tmp_path / "t.md").read_text() == text


def test_reply_cleanup_removes_own_name_and_invented_lines():
    assert clean_reply("Alex: I disagree.\nBlake: I agree!", "Alex", ["Alex", "Blake"]) == "I disagree."
    assert clean_reply("**Alex**: Fine.", "Alex", ["Alex", "Blake"]) == "Fine."
    assert clean_reply("Blake: copied label. More.", "Alex", ["Alex", "Blake"]) == "copied label. More."


def test_speaker_count_names_and_models_are_checked():
    with pytest.raises(llm.LLMError, match="two or three"):
        Conversation([Speaker("A", None, "p")])
    with pytest.raises(llm.LLMError, match="two or three"):
        Conversation.between([None] * 4)
    with pytest.raises(llm.LLMError, match="different"):
        Conversation([Speaker("A", None, "p"), Speaker("A", None, "q")])
    with pytest.raises(llm.UnknownModelError):  # before anyone speaks
        Conversation.between(["local/smollm2", "nosuch/model"])


def test_speakers_get_default_names_and_personas_unless_given():
    a, b = ScriptedModel([]), ScriptedModel([])
    convo = Conversation.between([a, b], [None, "  Be kind.  "], topic=" tea ", max_tokens=None)
    assert [(s.name, s.model, s.persona) for s in convo.speakers] == [
        ("Alex", a, DEFAULT_PERSONAS[0]),
        ("Blake", b, "Be kind."),
    ]
    assert convo.topic == "tea" and convo.max_tokens == 200


@pytest.mark.slow
def test_store_and_debate_on_the_embedded_model():
    bot = StoreAssistant(model="local/smollm2", temperature=0.0, max_tokens=40)
    reply = bot.reply("Do you sell belts?")
    assert reply.text.strip() and reply.response.usage.output_tokens > 3
    convo = Conversation(
        [Speaker("Alex", "local/smollm2", "Argue."), Speaker("Blake", "local/smollm2", "Agree.")],
        topic="tea or coffee",
        temperature=0.0,
        max_tokens=30,
    )
    list(convo.run(1))
    assert len(convo.turns) == 2 and all(t.model == "local/smollm2" for t in convo.turns)
    assert convo.usage.output_tokens > 4 and convo.usage.cost_usd == 0.0
