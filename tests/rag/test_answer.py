"""Answering: citations, follow-up rewriting, and "I don't know" (gate, model admission, ungrounded answers)."""

from __future__ import annotations

import pytest

from llmworks.apps.rag import IDK, KnowledgeBase
from llmworks.apps.rag.answer import standalone_question
from llmworks.events import Delta
from llmworks.llm.testing import FunctionModel, ScriptedModel


@pytest.fixture
def kb(corpus, embedder):
    base = KnowledgeBase.open(store="faiss")
    base.ingest(corpus)
    return base


def _user_prompt(model) -> str:
    return model.requests[-1].messages[-1]["content"]


def test_answer_cites_the_planted_fact(kb):
    def reply(request):
        context = request.messages[-1]["content"]
        n = next(line.split("]")[0][1:] for line in context.splitlines() if "Maxine Zebulon.md" in line)
        return f"Maxine Zebulon received the IIOTY award in 2023 [{n}]."

    model = FunctionModel(reply)
    result = kb.answer("Who received the IIOTY award?", model=model)
    assert result.known and "Maxine Zebulon" in result.text
    assert result.sources == ["employees/Maxine Zebulon.md"]
    prompt = _user_prompt(model)
    assert "Question: Who received the IIOTY award?" in prompt and "IIOTY award (Insurellm Innovator" in prompt
    assert model.requests[-1].messages[0]["role"] == "system" and IDK in model.requests[-1].messages[0]["content"]
    assert model.requests[-1].temperature == 0


def test_uncited_answer_is_attributed_to_the_passage_it_draws_from(kb):
    model = ScriptedModel(["The Scale Tier of Claimbot costs $4,200/month for unlimited claims."])
    result = kb.answer("How much is the Claimbot Scale Tier?", model=model)
    assert result.known and result.sources == ["products/Claimbot.md"]


def test_model_admitting_it_does_not_know_becomes_the_canonical_answer(kb):
    result = kb.answer("What is Ravi Okafor's salary?", model=ScriptedModel(["Sorry, I do not know based on this."]))
    assert (result.text, result.known, result.sources) == (IDK, False, [])
    assert "no answer" in result.reason


def test_invented_answer_is_replaced_by_i_dont_know(kb):
    model = ScriptedModel(["Ravi Okafor earns 93 thousand euros and drives a purple submarine."])
    result = kb.answer("What is Ravi Okafor's salary?", model=model)
    assert result.text == IDK and not result.known and "not supported" in result.reason


def test_irrelevant_question_is_answered_without_calling_the_model(kb):
    model = ScriptedModel([])  # any call would fail the test
    result = kb.answer("Which volcano erupted near Quito last spring?", model=model)
    assert result.text == IDK and model.requests == [] and result.hits


def test_follow_up_is_rewritten_before_retrieval(kb):
    model = ScriptedModel(
        ['{"question": "What is the job title of Ravi Okafor?"}', "Ravi Okafor is a Junior Underwriter [1]."]
    )
    history = [
        {"role": "user", "content": "Where does Ravi Okafor work?"},
        {"role": "assistant", "content": "In Tulsa, Oklahoma."},
    ]
    result = kb.answer("What is his job title?", history=history, model=model)
    assert result.query == "What is the job title of Ravi Okafor?"
    assert result.hits[0].source == "employees/Ravi Okafor.md"
    assert "Where does Ravi Okafor work?" in model.requests[0].messages[-1]["content"]  # the rewrite saw the chat
    assert result.known and "Junior Underwriter" in result.text
    roles = [m["role"] for m in model.requests[1].messages]
    assert roles == ["system", "user", "assistant", "user"]  # memory passed to the answering call


def test_a_rewrite_that_drops_the_question_falls_back_to_the_previous_question():
    model = ScriptedModel(['{"question": "Ravi is great."}'])
    history = [{"role": "user", "content": "Tell me about Ravi Okafor"}, {"role": "assistant", "content": "..."}]
    assert standalone_question("What is his job title?", history, model=model) == (
        "Tell me about Ravi Okafor What is his job title?"
    )
    assert standalone_question("Job title?", [], model=ScriptedModel([])) == "Job title?"


def test_empty_question_is_a_clear_error(kb):
    from llmworks.errors import LlmworksError

    with pytest.raises(LlmworksError, match="empty"):
        kb.answer("   ", model=ScriptedModel([]))


def test_an_answer_is_events_progress_then_the_checked_text_then_the_answer(kb):
    model = ScriptedModel(["Xylophones are banned on Tuesdays."])  # words the context does not hold
    events = list(kb.run("Who received the IIOTY award?", model=model))
    assert [type(e).__name__ for e in events] == ["Progress", "Progress", "Delta", "Done"]
    assert events[0].text.startswith("Retrieving") and events[1].text.startswith("Answering from")
    assert events[2] == Delta(IDK)  # the checked text only: the made-up answer is never sent
    answer = events[3].result
    assert answer.text == IDK and "not supported by the context" in answer.reason
    assert events[3].calls == 1 and events[3].usage.output_tokens == answer.response.usage.output_tokens


def test_an_empty_index_is_an_error_event_stream_not_an_eager_raise():
    from llmworks.errors import LlmworksError

    events = KnowledgeBase.open(store="faiss").run("Anything?")  # nothing raised yet: a renderer shows it
    with pytest.raises(LlmworksError, match="llmworks rag ingest"):
        next(events)


def test_a_chat_keeps_the_conversation_for_follow_ups(kb):
    model = ScriptedModel(
        [
            "Ravi Okafor works in Tulsa [1].",
            '{"question": "What is the job title of Ravi Okafor?"}',
            "Ravi Okafor is a Junior Underwriter [1].",
        ]
    )
    chat = kb.chat(model=model)
    chat.answer("Where does Ravi Okafor work?")
    second = chat.answer("What is his job title?")
    assert second.query == "What is the job title of Ravi Okafor?"  # rewritten from the kept conversation
    assert [m["content"] for m in chat.history] == [
        "Where does Ravi Okafor work?",
        "Ravi Okafor works in Tulsa [1].",
        "What is his job title?",
        second.text,
    ]
    chat.reset()
    assert chat.history == []


@pytest.mark.slow
def test_embedded_models_say_i_dont_know_on_an_unanswerable_question(corpus, no_network):
    """Real MiniLM + the embedded local/smollm2, network cut: the answer is not in the documents."""
    kb = KnowledgeBase.open(store="faiss")
    kb.ingest(corpus)
    result = kb.answer("What is the boiling point of liquid nitrogen?", model="local/smollm2")
    assert result.text == IDK and not result.known


@pytest.mark.slow
def test_real_retrieval_finds_the_planted_fact_among_distractors(corpus, write_corpus, no_network):
    """Real MiniLM + BM25 through Chroma on disk: the planted award fact ranks first among 40 distractor files."""
    distractors = {
        f"employees/Person {i}.md": f"# Person {i}\n\n## Awards\n- Received the Rising Star award in "
        f"{2000 + i} for work on claims automation.\n- Location: City {i}."
        for i in range(40)
    }
    write_corpus(corpus, distractors)
    kb = KnowledgeBase.open(corpus.parent / "db")
    kb.ingest(corpus)
    for question in ["Who received the IIOTY award?", "Which employee was named Innovator of the Year?"]:
        hits = kb.search(question, 5)
        assert hits[0].source == "employees/Maxine Zebulon.md", (question, [h.source for h in hits])


def test_relevance_gate_needs_similarity_or_two_shared_words():
    from llmworks.apps.rag.answer import _relevant
    from llmworks.apps.rag.retrieval import Hit

    def hit(text, similarity):
        return Hit("id", text, {"source": "s"}, 1.0, similarity, 1, 1)

    text = "Claimbot (products) › Pricing\nThe capital reserve for Claimbot is $2M."
    assert _relevant("What is the capital of Mongolia?", [hit(text, 0.1)]) is False  # one shared word of two
    assert _relevant("What is the Claimbot capital?", [hit(text, 0.1)]) is True  # two shared words
    assert _relevant("What is the capital of Mongolia?", [hit(text, 0.3)]) is True  # similar enough
    assert _relevant("Claimbot?", [hit(text, None)]) is True  # a one-word question needs its one word


def test_a_looping_answer_keeps_one_copy_of_each_line(kb):
    model = ScriptedModel(["Maxine Zebulon received the IIOTY award [1].\n" * 5 + "In 2023."])
    result = kb.answer("Who received the IIOTY award?", model=model)
    assert result.text == "Maxine Zebulon received the IIOTY award [1].\nIn 2023."
