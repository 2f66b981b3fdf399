"""Model lab tab: tokenizers side by side, quantized vs dequantized inference, and the pipeline tasks."""

from __future__ import annotations

import html
from collections.abc import Iterator

from .common import error_markdown, model_dropdown
from .render import markdown

COLOURS = ("#dbeafe", "#dcfce7", "#fef9c3", "#fce7f3", "#ede9fe", "#ffedd5")


def tokens(text: str, names: list[str]) -> tuple[str, str]:
    """(coloured tokens as HTML, numbers/templates/costs as markdown)."""
    from llmworks.apps.lab.explorer import CONVERSATION, NUMBERS, explore

    views = list(markdown(explore(text, names or None)))
    view = views[-1] if views else None
    if view is None or view.done is None:
        return "", view.status if view else "Nothing to show."
    report = view.done.result
    blocks = []
    for v in report.views:
        spans = "".join(
            f'<span title="{i}" style="background:{COLOURS[n % len(COLOURS)]};color:#111;padding:1px 0;'
            f'white-space:pre-wrap">{html.escape(p)}</span>'
            for n, (p, i) in enumerate(zip(v.pieces, v.ids))
        )
        blocks.append(
            f"<p><b>{html.escape(v.name)}</b>: {v.count} tokens <small>({html.escape(v.source)})</small><br>{spans}</p>"
        )
    md = ["### How numbers split", "| tokenizer | " + " | ".join(NUMBERS) + " |", "|---" * (len(NUMBERS) + 1) + "|"]
    md += [f"| {name} | " + " | ".join("·".join(p) for p in splits) + " |" for name, splits in report.numbers.items()]
    md.append(f"\n### Chat templates\nsystem: *{CONVERSATION[0]}*, user: *{CONVERSATION[1]}*, assistant: *…*")
    for t in report.templates:
        if t.text is None:
            md.append(f"**{t.name}**: no chat template ships with this encoding")
        else:
            md.append(f"**{t.name}**: {t.tokens} tokens, special: `{' '.join(t.special)}`\n```\n{t.text}\n```")
    md += ["\n### This text as input", "| model | tokens | $ / M input | cost |", "|---|---|---|---|"]
    md += [
        f"| {c.model} | {c.tokens}{'' if c.exact else ' ≈'} | {c.usd_per_mtok:g} | ${c.usd:.8f} |" for c in report.costs
    ]
    md.append("\n≈ counted with o200k_base: the model's own tokenizer is not available offline.")
    return "".join(blocks), "\n".join(md)


def lab(prompt: str, models: list[str], runtimes: list[str], max_tokens) -> Iterator[tuple[str, str]]:
    """Yield (the replies so far as markdown, the table or status as markdown)."""
    from llmworks.apps.lab.inference import run
    from llmworks.events import Delta, Done, Progress

    sections: list[list[str]] = []
    try:
        for event in run(prompt, models, runtimes=tuple(runtimes), max_tokens=int(max_tokens or 48)):
            if isinstance(event, Progress):
                if ": loading " in event.text:  # a new run starts: its reply gets a section of its own
                    sections.append([f"**{event.text.split(':')[0]}**\n\n"])
                yield _replies(sections), event.text
            elif isinstance(event, Delta) and sections:
                sections[-1].append(event.text)
                yield _replies(sections), "…"
            elif isinstance(event, Done):
                yield _replies(sections), lab_markdown(event.result.rows)
    except Exception as e:
        yield _replies(sections), error_markdown(e)


def _replies(sections: list[list[str]]) -> str:
    return "\n\n---\n\n".join("".join(parts) for parts in sections)


def lab_markdown(rows) -> str:
    out = [
        "| model | runtime | weights | load s | peak RSS MB | first token s | tok/s | perplexity |",
        "|---" * 8 + "|",
    ]
    for r in rows:
        if r.error:
            out.append(f"| {r.model} | {r.runtime} | {r.weights} | failed: {r.error} | | | | |")
            continue
        speed = f"{r.tokens_per_s:.1f}" if r.tokens_per_s else "—"
        ppl = f"{r.perplexity:.2f}" if r.perplexity else "—"
        out.append(
            f"| {r.model} | {r.runtime} | {r.weights} | {r.load_s:.1f} | {r.peak_rss_mb:,.0f} | {r.ttft_s:.2f} | "
            f"{speed} | {ppl} |"
        )
    return "\n".join(out)


def pipeline(task: str, text: str, context: str, labels: str, target: str, model: str) -> Iterator[tuple[str, str]]:
    """Yield (the task's output as markdown, status)."""
    from llmworks.apps.lab.pipelines import pipe

    options = {"context": context or None, "labels": [x.strip() for x in (labels or "").split(",") if x.strip()]}
    if target:
        options["target"] = target
    try:
        events = pipe(task, text, model=model or None, **options)
    except Exception as e:
        yield "", error_markdown(e)
        return
    for view in markdown(events):
        if view.done is None:
            yield view.text, view.status
            continue
        r = view.done.result
        if task in ("sentiment", "zero-shot"):
            body = f"**{r.output['label']}**"
        elif task == "ner":
            body = (
                "\n".join(f"- `{e['type']}` {e['text']} ({e['start']}–{e['end']})" for e in r.output) or "no entities"
            )
        elif task == "qa":
            body = f"**{r.output['answer'] or '(no span of the context found)'}**"
        else:
            body = str(r.output)
        notes = "".join(f"\n\n⚠️ {n}" for n in r.notes)
        yield f"{body}{notes}\n\n*answered by {r.backend}*", view.status


def tab() -> None:
    import gradio as gr

    from llmworks.apps.lab.inference import MODELS, RUNTIMES
    from llmworks.apps.lab.pipelines import TASKS
    from llmworks.apps.lab.tokenizers import DEFAULT, known
    from llmworks.llm import catalog

    with gr.Tab("Tokenizers"):
        with gr.Row():
            text = gr.Textbox("The year 2024 had 365 days.", label="Text", lines=3, scale=3, elem_id="lab-text")
            names = gr.Dropdown(
                known(),
                value=list(DEFAULT),
                multiselect=True,
                allow_custom_value=True,
                label="Tokenizers (or a .gguf / HF folder path)",
                scale=2,
            )
        go = gr.Button("Tokenize", variant="primary", elem_id="lab-tokenize")
        coloured = gr.HTML(elem_id="lab-tokens")
        details = gr.Markdown(elem_id="lab-token-details")
        go.click(tokens, [text, names], [coloured, details])
    with gr.Tab("Inference lab"):
        with gr.Row():
            prompt = gr.Textbox("Name three primary colours.", label="Prompt", scale=3)
            embedded = [m.name for m in catalog.MODELS if m.weights]
            models = gr.CheckboxGroup(embedded, value=list(MODELS), label="Models")
            runtimes = gr.CheckboxGroup(list(RUNTIMES), value=list(RUNTIMES), label="Runtimes")
            max_tokens = gr.Number(48, label="Max tokens", precision=0, minimum=1)
        run_button = gr.Button("Run", variant="primary")
        table = gr.Markdown("Each run loads its model in a process of its own: the float32 copy takes a while.")
        replies = gr.Markdown()
        run_button.click(lab, [prompt, models, runtimes, max_tokens], [replies, table])
    with gr.Tab("Pipelines"):
        with gr.Row():
            task = gr.Dropdown(list(TASKS), value="sentiment", label="Task", scale=1)
            model = model_dropdown(label="Model (or a Hugging Face folder)", scale=2)
        task_text = gr.Textbox("I loved every minute of it.", label="Text (the question, for qa)", lines=3)
        with gr.Row():
            context = gr.Textbox(label="Context (qa)", lines=2, scale=3)
            labels = gr.Textbox(label="Labels (zero-shot, comma-separated)", scale=2)
            target = gr.Textbox("French", label="Translate to", scale=1)
        go_pipe = gr.Button("Run", variant="primary")
        status = gr.Markdown()
        output = gr.Markdown()
        go_pipe.click(pipeline, [task, task_text, context, labels, target, model], [output, status])
