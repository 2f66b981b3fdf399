"""The Pricer tab: paste a product description → the saved pricer's estimate, with each member's estimate.

Saved pricers are pickles, and unpickling runs code: the tab loads only what `pricer train` saved in the data dir's
models folder, never a path typed in from elsewhere.
"""

from __future__ import annotations

from .common import error_markdown


def saved_pricer(name: str) -> str:
    """The argument for the pricer app: the folder of a pricer saved in the models folder, or a bare pricer name
    (untrained pricers such as `random`); any other path is refused."""
    from llmworks.apps.pricer.base import PRICERS
    from llmworks.apps.pricer.items import PricerError
    from llmworks.apps.pricer.workflow import models_dir

    root = models_dir().resolve()
    name = (name or "").strip() or "ensemble"
    folder = (root / name).resolve()  # an absolute `name` replaces root: caught below like `..`
    if folder != root and folder.is_relative_to(root) and (folder / "pricer.json").is_file():
        return str(folder)
    if name in PRICERS:
        return name
    raise PricerError(
        f"Saved pricer: {name!r} is not a pricer saved in {root} (the data dir, LLMWORKS_HOME); "
        "pick one from the list, or train one with `llmworks pricer train --pricer NAME --data "
        "ITEMS.jsonl`."
    )


def estimate_markdown(description: str, model: str) -> str:
    """Markdown for one estimate; errors (no trained pricer, empty text) come back as an error line."""
    from llmworks.apps.pricer.base import loading_only_from
    from llmworks.apps.pricer.workflow import estimate, models_dir

    try:
        with loading_only_from(models_dir()):  # also guards what resolve_pricer finds in the working directory
            found = estimate(description or "", saved_pricer(model))
    except Exception as e:  # shown in the tab, never as a traceback
        return error_markdown(e)
    shown_name = (model or "").strip() or "ensemble"  # the name picked, not the server folder it resolved to
    lines = [f"## {'no estimate' if found.price is None else f'${found.price:,.2f}'}", f"pricer: `{shown_name}`"]
    if found.members:
        lines += ["", "| contributing model | estimate | weight |", "|---|---:|---:|"]
        for name, v in found.members.items():
            shown = "no estimate" if v is None else f"${v:,.2f}"
            lines.append(f"| {name} | {shown} | {found.blend.get(name, 0):.2f} |")
    return "\n".join(lines)


def _choices() -> list[str]:
    from llmworks.apps.pricer.workflow import saved_models

    return saved_models() or ["ensemble"]


def tab() -> None:
    import gradio as gr

    gr.Markdown(
        "Paste a product's title and description. Train a pricer first: "
        "`llmworks pricer train --pricer ensemble --data items.jsonl`."
    )
    with gr.Row():
        with gr.Column(scale=3):
            description = gr.Textbox(
                label="Product description",
                lines=8,
                placeholder="Moen Belfield 2-light bath vanity light fixture, brushed nickel…",
            )
        with gr.Column(scale=1):
            choices = _choices()
            model = gr.Dropdown(choices, value=choices[0], label="Saved pricer", allow_custom_value=True)
            button = gr.Button("Estimate", variant="primary")
    result = gr.Markdown()
    button.click(estimate_markdown, [description, model], result)
