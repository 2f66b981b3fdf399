"""Conversation tab: two or three models with personas talk in rounds; a human can step in as moderator."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from .common import error_markdown, model_dropdown
from .render import chat_messages

NONE = "(none)"


def _display(convo) -> list[dict]:
    """Every turn so far as a chat message; the moderator on the user's side."""
    from llmworks.apps.debate import MODERATOR

    return [{"role": "user" if t.speaker == MODERATOR else "assistant", "content": t.markdown()} for t in convo.turns]


def _rounds(convo, rounds: int) -> Iterator[tuple[object, list[dict], str, str | None]]:
    """Run `rounds` rounds, yielding (state, chat, status, transcript file) as each turn streams."""
    for view in chat_messages(convo.run(int(rounds)), _display(convo)):
        if view.done is None:
            yield convo, view.messages, view.status, None
    if not convo.turns:
        return
    saved = convo.save()
    download = convo.save(Path(tempfile.mkdtemp(prefix="llmworks-debate-")) / saved.name)  # Gradio serves tmp files
    status = view.status if view.done is None else f"{convo.summary()} · transcript saved to `{saved}`"
    yield convo, _display(convo), status, str(download)  # the turns as kept: labels a model copied are gone


def start(
    model_a,
    model_b,
    model_c,
    persona_a: str,
    persona_b: str,
    persona_c: str,
    topic: str,
    rounds: int,
    max_tokens: int | None,
):
    """A new conversation, run for `rounds` rounds."""
    from llmworks.apps.debate import Conversation

    models = [model_a or None, model_b or None] + ([model_c] if model_c and model_c != NONE else [])
    try:
        convo = Conversation.between(
            models,
            [persona_a, persona_b, persona_c],
            topic=topic or "",
            max_tokens=int(max_tokens) if max_tokens else None,
        )
    except Exception as e:
        yield None, [], error_markdown(e), None
        return
    yield from _rounds(convo, rounds)


def moderate(convo, text: str, rounds: int):
    """The moderator's message, then `rounds` more rounds."""
    if convo is None:
        yield None, [], "Start a conversation first.", None
        return
    if (text or "").strip():
        convo.add_moderator(text)
    yield from _rounds(convo, rounds)


def tab() -> None:
    import gradio as gr

    from llmworks.apps.debate import DEFAULT_NAMES, DEFAULT_PERSONAS, REPLY_TOKENS, ROUNDS

    state = gr.State(None)
    with gr.Row():
        model_a = model_dropdown(f"{DEFAULT_NAMES[0]}'s model")
        model_b = model_dropdown(f"{DEFAULT_NAMES[1]}'s model")
        model_c = model_dropdown(f"{DEFAULT_NAMES[2]}'s model (optional)", value=NONE)
    with gr.Accordion("Personas", open=False):
        personas = [gr.Textbox(DEFAULT_PERSONAS[i], label=f"{DEFAULT_NAMES[i]}", lines=2) for i in range(3)]
    with gr.Row():
        topic = gr.Textbox("", label="Topic", placeholder="Is a hot dog a sandwich?", scale=3)
        rounds = gr.Number(ROUNDS, label="Rounds", precision=0, minimum=1, maximum=20, scale=1)
        max_tokens = gr.Number(REPLY_TOKENS, label="Max tokens per turn", precision=0, minimum=16, scale=1)
    start_button = gr.Button("Start conversation", variant="primary")
    chat = gr.Chatbot(height=420, label="Conversation")
    with gr.Row():
        moderator = gr.Textbox(
            placeholder="As the moderator, say something (or leave empty) …", show_label=False, scale=4
        )
        more = gr.Button("Moderator turn + continue", scale=1)
    totals = gr.Markdown("")
    transcript = gr.File(label="Transcript (markdown)")
    outputs = [state, chat, totals, transcript]
    start_button.click(start, [model_a, model_b, model_c, *personas, topic, rounds, max_tokens], outputs)
    more.click(moderate, [state, moderator, rounds], outputs).then(lambda: "", None, moderator)
