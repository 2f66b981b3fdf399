"""Conversation tab: two or three models with personas talk in rounds; a human can step in as moderator."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from .common import error_markdown, model_dropdown

NONE = "(none)"


def _display(convo) -> list[dict]:
    from llmworks.apps.debate import MODERATOR

    out = []
    for t in convo.turns:
        role = "user" if t.speaker == MODERATOR else "assistant"
        out.append({"role": role, "content": f"**{t.speaker}**: {t.text}"})
    return out


def _totals(convo, saved: Path | None = None) -> str:
    u = convo.usage
    line = f"{len(convo.turns)} turns · {u.input_tokens:,} in / {u.output_tokens:,} out tokens · {u.cost_text()}"
    return line + (f" · transcript saved to `{saved}`" if saved else "")


def _rounds(convo, rounds: int) -> Iterator[tuple[object, list[dict], str, str | None]]:
    """Run `rounds` rounds, yielding (state, chat, totals, transcript file) as each turn streams."""
    from llmworks.apps.debate import Delta, TurnStart

    live = ""
    for event in convo.run(int(rounds)):
        if isinstance(event, TurnStart):
            live = f"**{event.speaker.name}**: "
        elif isinstance(event, Delta):
            live += event.text
        else:
            live = ""
        chat = _display(convo) + ([{"role": "assistant", "content": live}] if live else [])
        yield convo, chat, _totals(convo), None
    saved = convo.save()
    download = convo.save(Path(tempfile.mkdtemp(prefix="llmworks-debate-")) / saved.name)  # Gradio serves tmp files
    yield convo, _display(convo), _totals(convo, saved), str(download)


def start(model_a, model_b, model_c, persona_a: str, persona_b: str, persona_c: str, topic: str, rounds: int,
          max_tokens: int):
    """A new conversation, run for `rounds` rounds."""
    from llmworks.apps.debate import DEFAULT_NAMES, DEFAULT_PERSONAS, Conversation, Speaker

    try:
        chosen = [(model_a, persona_a), (model_b, persona_b)]
        if model_c and model_c != NONE:
            chosen.append((model_c, persona_c))
        speakers = [Speaker(DEFAULT_NAMES[i], m or None, (p or "").strip() or DEFAULT_PERSONAS[i])
                    for i, (m, p) in enumerate(chosen)]
        convo = Conversation(speakers, topic=(topic or "").strip(), max_tokens=int(max_tokens))
        yield from _rounds(convo, rounds)
    except Exception as e:
        yield None, [], error_markdown(e), None


def moderate(convo, text: str, rounds: int):
    """The moderator's message, then `rounds` more rounds."""
    if convo is None:
        yield None, [], "Start a conversation first.", None
        return
    try:
        if (text or "").strip():
            convo.add_moderator(text)
        yield from _rounds(convo, rounds)
    except Exception as e:
        yield convo, _display(convo), error_markdown(e), None


def tab() -> None:
    import gradio as gr

    from llmworks.apps.debate import DEFAULT_NAMES, DEFAULT_PERSONAS

    state = gr.State(None)
    with gr.Row():
        model_a = model_dropdown(f"{DEFAULT_NAMES[0]}'s model")
        model_b = model_dropdown(f"{DEFAULT_NAMES[1]}'s model")
        model_c = model_dropdown(f"{DEFAULT_NAMES[2]}'s model (optional)", value=NONE)
    with gr.Accordion("Personas", open=False):
        personas = [gr.Textbox(DEFAULT_PERSONAS[i], label=f"{DEFAULT_NAMES[i]}", lines=2) for i in range(3)]
    with gr.Row():
        topic = gr.Textbox("", label="Topic", placeholder="Is a hot dog a sandwich?", scale=3)
        rounds = gr.Number(2, label="Rounds", precision=0, minimum=1, maximum=20, scale=1)
        max_tokens = gr.Number(200, label="Max tokens per turn", precision=0, minimum=16, scale=1)
    start_button = gr.Button("Start conversation", variant="primary")
    chat = gr.Chatbot(height=420, label="Conversation")
    with gr.Row():
        moderator = gr.Textbox(placeholder="As the moderator, say something (or leave empty) …", show_label=False,
                               scale=4)
        more = gr.Button("Moderator turn + continue", scale=1)
    totals = gr.Markdown("")
    transcript = gr.File(label="Transcript (markdown)")
    outputs = [state, chat, totals, transcript]
    start_button.click(start, [model_a, model_b, model_c, *personas, topic, rounds, max_tokens], outputs)
    more.click(moderate, [state, moderator, rounds], outputs).then(lambda: "", None, moderator)
