"""Synthetic data tab: a spec (typed, or proposed from a description and edited), rows generated into the data
dir, a preview, the dropped rows with their reasons, and the quality report panel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .common import error_markdown, model_dropdown
from .render import markdown

PREVIEW = 50
"""Rows shown in the tab; the whole data set is in the file."""
EXAMPLE = {
    "description": "customers of a bike shop",
    "schema": {
        "type": "object",
        "properties": {
            "customer_id": {"type": "string", "pattern": "^C[0-9]{4}$"},
            "name": {"type": "string", "description": "full name"},
            "city": {"type": "string"},
            "segment": {"type": "string", "enum": ["commuter", "racer", "family", "tourer"]},
            "age": {"type": "integer", "minimum": 16, "maximum": 90},
            "lifetime_spend": {"type": "number", "minimum": 0, "maximum": 20000},
        },
        "required": ["customer_id", "name", "city", "segment", "age", "lifetime_spend"],
    },
    "unique": ["customer_id"],
    "rules": ["age >= 18 or segment == 'family'"],
}


def propose(description: str, model) -> Iterator[tuple[str, str]]:
    """Yield (spec JSON, status)."""
    from llmworks.apps import synth

    spec_text = ""
    for view in markdown(synth.propose(description or "", model=model or None)):
        if view.done is not None:
            spec_text = json.dumps(view.done.result.to_json(), indent=2, ensure_ascii=False)
        yield spec_text, view.status


def generate(spec_text: str, n, batch_size, seed, model, name: str, reference=None) -> Iterator[tuple]:
    """Yield (status, preview rows, report markdown, report JSON, files, dropped rows)."""
    from llmworks.apps import synth
    from llmworks.errors import DataError
    from llmworks.files import data_dir

    from .paths import safe_name

    empty = (None, "", None, None, None)
    try:
        spec = synth.Spec.of_json(json.loads(spec_text or "null"))
    except json.JSONDecodeError as e:
        yield (error_markdown(DataError(f"the spec is not JSON (line {e.lineno}: {e.msg}).")), *empty)
        return
    except Exception as e:
        yield (error_markdown(e), *empty)
        return
    out = data_dir("synth") / safe_name(name or "synthetic.jsonl")
    reference_path = getattr(reference, "name", reference)
    events = synth.generate(
        spec,
        int(n or 1),
        out,
        model=model or None,
        seed=int(seed or 0),
        batch_size=int(batch_size or synth.BATCH),
        reference=reference_path or None,
    )
    for view in markdown(events, progress_log=True):
        if view.done is None:
            yield (view.status, *empty)
            continue
        result = view.done.result
        import pandas as pd

        table = pd.DataFrame(result.rows[:PREVIEW], columns=spec.fields)
        dropped = pd.DataFrame(
            [[d["reason"], json.dumps(d["row"], ensure_ascii=False)] for d in result.dropped], columns=["reason", "row"]
        )
        files = [str(p) for p in result.files.values() if Path(p).exists()]
        yield view.status, table, synth.markdown(result.report), result.report.to_json(), files, dropped


def tab() -> None:
    import gradio as gr

    with gr.Row():
        with gr.Column(scale=3):
            describe = gr.Textbox(label="Describe the data", placeholder="orders of a wholesale office-supplies shop")
            propose_button = gr.Button("Propose a spec")
            spec = gr.Code(json.dumps(EXAMPLE, indent=2), language="json", label="Spec (edit me)", elem_id="synth-spec")
        with gr.Column(scale=2):
            model = model_dropdown()
            n = gr.Number(50, label="Rows", precision=0, minimum=1)
            batch_size = gr.Number(10, label="Rows per call", precision=0, minimum=1, maximum=50)
            seed = gr.Number(0, label="Seed (same seed + same model → same rows)", precision=0)
            name = gr.Textbox("synthetic.jsonl", label="File name (.jsonl, .csv or .parquet, in the data dir)")
            reference = gr.File(
                label="Real rows to compare with (optional)", file_types=[".csv", ".jsonl", ".json", ".parquet"]
            )
            go = gr.Button("Generate", variant="primary", elem_id="synth-go")
    status = gr.Markdown("", elem_id="synth-status")
    with gr.Tab("Rows"):
        rows = gr.Dataframe(label=f"First {PREVIEW} rows", interactive=False, wrap=True)
    with gr.Tab("Quality report"):
        report = gr.Markdown("", elem_id="synth-report")
        report_json = gr.JSON(label="Report (JSON)")
    with gr.Tab("Dropped rows"):
        dropped = gr.Dataframe(headers=["reason", "row"], interactive=False, wrap=True)
    files = gr.File(label="Files", file_count="multiple", interactive=False)
    propose_button.click(propose, [describe, model], [spec, status])
    outputs = [status, rows, report, report_json, files, dropped]
    go.click(generate, [spec, n, batch_size, seed, model, name, reference], outputs)
