"""Showdown tab: pick models and a prompt set, watch the runs, get the table, a quality-vs-speed chart and exports."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from .common import default_model, error_markdown, model_names

VERDICT_COLOURS = {"best": "#2a9d8f", "tie": "#8ab17d", "worse": "#9e9e9e"}


def run(models, prompts_file, repeats, judge, temperature) -> Iterator[tuple]:
    """Yield (status markdown, table rows, plotly figure or None, export files or None)."""
    from llmworks.apps import showdown
    from llmworks.events import Done, Progress

    from .render import usage_text

    names = [m.strip() for m in (models or []) if m and m.strip()]
    if not names:
        yield "Pick one or more models.", [], None, None
        return
    try:
        items = showdown.load_prompts(prompts_file) if prompts_file else showdown.default_prompts()
        events = showdown.run(
            names,
            items,
            repeats=int(repeats or showdown.REPEATS),
            judge=(judge or "").strip() or None,
            temperature=None if temperature in (None, "") else float(temperature),
        )
        for event in events:
            if isinstance(event, Progress):
                yield ("⚠️ " if event.warning else "") + event.text, [], None, None
            elif isinstance(event, Done):
                result = event.result
                yield usage_text(event), table(result), figure(result), exports(result)
    except Exception as e:  # shown in the tab, never as a traceback
        yield error_markdown(e), [], None, None


def table(result) -> list[list[str]]:
    from llmworks.apps.showdown.export import cells

    return [cells(row) for row in result.rows]


def figure(result):
    """Quality (with its 95 % interval) against decoding speed: up and to the right is better."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for row in result.rows:
        fig.add_trace(
            go.Scatter(
                x=[row.tokens_per_s or 0.0],
                y=[row.quality],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [row.ci_high - row.quality],
                    "arrayminus": [row.quality - row.ci_low],
                },
                mode="markers+text",
                text=[row.model],
                textposition="top center",
                marker={"size": 12, "color": VERDICT_COLOURS.get(row.verdict, "#9e9e9e")},
                name=f"{row.model} ({row.verdict})",
                hovertemplate=(
                    f"{row.model}<br>quality %{{y:.2f}} [{row.ci_low:.2f}, {row.ci_high:.2f}]<br>"
                    f"%{{x:.1f}} tok/s<br>TTFT p50 {row.ttft_p50_s or 0:.2f} s<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        xaxis_title="output tokens/s (median)",
        yaxis_title="quality (mean score, 95 % CI)",
        yaxis_range=[-0.05, 1.1],
        height=420,
        margin={"l": 50, "r": 20, "t": 30, "b": 50},
    )
    return fig


def exports(result) -> list[str]:
    from llmworks.apps import showdown

    folder = Path(tempfile.mkdtemp(prefix="llmworks-showdown-"))
    return [str(showdown.write(result, folder / f"showdown{suffix}")) for suffix in (".md", ".csv", ".json")]


def tab() -> None:
    import gradio as gr

    from llmworks.apps.showdown import REPEATS
    from llmworks.apps.showdown.export import HEADERS

    gr.Markdown(
        "Every model answers every prompt of the set several times; each reply is checked (exact, regex, number, "
        "JSON schema or a judge model). Quality is the mean score with a 95 % bootstrap interval; **tie** means a "
        "paired test cannot tell the model from the best. Without an upload the bundled 14-prompt set is used."
    )
    with gr.Row():
        models = gr.Dropdown(
            model_names(),
            value=[default_model()],
            multiselect=True,
            allow_custom_value=True,
            label="Models (any provider/model can be typed in)",
            scale=3,
        )
        prompts = gr.File(
            label="Prompt set (.yaml or .jsonl, optional)", file_types=[".yaml", ".yml", ".jsonl"], scale=2
        )
    with gr.Row():
        repeats = gr.Number(REPEATS, label="Repeats", precision=0, minimum=1, maximum=20)
        judge = gr.Dropdown(
            model_names(), value=None, allow_custom_value=True, label="Judge model (for judge checks; default model)"
        )
        temperature = gr.Number(None, label="Temperature (empty: each model's own)", minimum=0, maximum=2)
    go = gr.Button("Run showdown", variant="primary", elem_id="showdown-go")
    status = gr.Markdown("", elem_id="showdown-status")
    rows = gr.Dataframe(headers=HEADERS, label="Results", interactive=False)
    chart = gr.Plot(label="Quality vs speed")
    files = gr.File(label="Export (Markdown, CSV, JSON with every reply)", file_count="multiple", interactive=False)
    go.click(run, [models, prompts, repeats, judge, temperature], [status, rows, chart, files])
