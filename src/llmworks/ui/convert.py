"""Converter tab: Python and its C++/Rust translation side by side; Run Python, Convert, Run the translation; the
verdict table (the converter's and the Cython baseline's rows)."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, model_dropdown
from .render import markdown

COLUMNS = ["who", "verdict", "rounds", "Python s", "native s", "speed-up", "tokens", "$"]


def run_python(code: str) -> tuple[str, str]:
    """(output, status)."""
    from llmworks.apps.convert.playground import run_python as app_run

    return _run(app_run(code or ""))


def run_native(code: str, to: str) -> tuple[str, str]:
    from llmworks.apps.convert.playground import run_native as app_run

    return _run(app_run(code or "", to))


def convert(code: str, to: str, model, repairs) -> Iterator[tuple[str, list[list], str]]:
    """Yield (translation, verdict rows, status) as the converter works."""
    from llmworks.apps.convert.playground import convert_source

    if not (code or "").strip():
        yield "", [], "Paste a Python program that prints its result."
        return
    for view in markdown(convert_source(code, to=to, model=model or None, repairs=int(repairs))):
        if view.done is None:
            yield view.text, [], view.status
        else:
            c = view.done.result
            yield c.code, _rows(c), f"**{c.verdict}** after {len(c.rounds)} round(s) · {view.status}"


def _run(events) -> tuple[str, str]:
    from llmworks.events import final

    try:
        ran = final(events).result
    except Exception as e:
        return "", error_markdown(e)
    why = f", stopped: {ran.stopped}" if ran.stopped else ""
    status = f"exit code {ran.returncode}{why} · {ran.cpu_s:.3f} s CPU · {ran.wall_s:.3f} s wall"
    return ran.stdout + (f"\n--- stderr ---\n{ran.stderr}" if ran.stderr.strip() else ""), status


def _rows(c) -> list[list]:
    def num(value, digits=3):
        return "–" if value is None else f"{value:.{digits}f}"

    def times(value):
        return "–" if value is None else f"{value:,.1f}x"

    tokens = c.usage.input_tokens + c.usage.output_tokens
    rows = [
        [c.model, c.verdict, len(c.rounds), num(c.python_s), num(c.native_s), times(c.speedup), tokens,
         c.usage.cost_text(6)]
    ]  # fmt: skip
    if c.baseline is not None:
        b = c.baseline
        rows.append(
            ["cython (no model)", b.verdict, 1, num(c.python_s), num(b.native_s), times(c.baseline_speedup), 0, "$0"]
        )
    return rows


def tab() -> None:
    import gradio as gr

    from llmworks.apps.convert import REPAIRS
    from llmworks.apps.convert.bench import programs

    bundled = programs()
    with gr.Row():
        example = gr.Dropdown(list(bundled), value="pi", label="Bundled program", scale=1)
        to = gr.Radio(["cpp", "rust"], value="cpp", label="Convert to", scale=1)
        model = model_dropdown(scale=2)
        repairs = gr.Slider(0, 5, value=REPAIRS, step=1, label="Repair rounds", scale=1)
    with gr.Row():
        python = gr.Code(bundled["pi"], language="python", label="Python", elem_id="convert-python")
        native = gr.Code("", language="cpp", label="Translation", elem_id="convert-native")
    with gr.Row():
        run_py = gr.Button("Run Python")
        go = gr.Button("Convert", variant="primary", elem_id="convert-go")
        run_nat = gr.Button("Run translation")
    status = gr.Markdown("", elem_id="convert-status")
    table = gr.Dataframe(headers=COLUMNS, label="Verdict", interactive=False)
    output = gr.Textbox(label="Program output", lines=8, elem_id="convert-output")
    example.change(lambda name: bundled[name], example, python)
    run_py.click(run_python, python, [output, status])
    run_nat.click(run_native, [native, to], [output, status])
    go.click(convert, [python, to, model, repairs], [native, table, status])
