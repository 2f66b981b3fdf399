"""The Pricer tab: paste a product description → the saved pricer's estimate, with each member's estimate."""

from __future__ import annotations

from .common import error_markdown


def estimate_markdown(description: str, model: str) -> str:
    """Markdown for one estimate; errors (no trained pricer, empty text) come back as an error line."""
    from llmworks.apps.pricer.workflow import estimate_description

    try:
        result = estimate_description(description or "", model or "ensemble")
    except Exception as e:  # shown in the tab, never as a traceback
        return error_markdown(e)
    value = result["estimate"]
    lines = [f"## {'no estimate' if value is None else f'${value:,.2f}'}", f"pricer: `{result['model']}`"]
    if result["members"]:
        lines += ["", "| contributing model | estimate | weight |", "|---|---:|---:|"]
        for name, v in result["members"].items():
            shown = "no estimate" if v is None else f"${v:,.2f}"
            lines.append(f"| {name} | {shown} | {result['blend'].get(name, 0):.2f} |")
    return "\n".join(lines)


def _choices() -> list[str]:
    from llmworks.apps.pricer.workflow import saved_models

    return saved_models() or ["ensemble"]


def tab() -> None:
    import gradio as gr

    gr.Markdown("Paste a product's title and description. Train a pricer first: "
                "`llmworks pricer train --model ensemble --data items.jsonl`.")
    with gr.Row():
        with gr.Column(scale=3):
            description = gr.Textbox(label="Product description", lines=8,
                                     placeholder="Moen Belfield 2-light bath vanity light fixture, brushed nickel…")
        with gr.Column(scale=1):
            choices = _choices()
            model = gr.Dropdown(choices, value=choices[0], label="Saved pricer", allow_custom_value=True)
            button = gr.Button("Estimate", variant="primary")
    result = gr.Markdown()
    button.click(estimate_markdown, [description, model], result)
