"""Deals tab: run the pipeline or the agent with a live log, the opportunities table (click a row to send its alert
again), the recorded agent steps, and a 3-D map of the deals' vectors by category."""

from __future__ import annotations

from collections.abc import Iterator

from .common import error_markdown, model_dropdown
from .render import markdown

COLUMNS = ["alert", "state", "price", "estimate", "discount", "title", "url"]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _feeds(text: str) -> list[str] | None:
    """Feed URLs as given; typed file paths only inside the folders the workbench may read (ui/paths.py)."""
    from .paths import confine

    feeds = []
    for line in _lines(text):
        scheme = line.split("://", 1)[0].lower() if "://" in line else ""
        if scheme in ("http", "https"):
            feeds.append(line)
        else:
            path = line.split("://", 1)[1] if scheme == "file" else line
            feeds.append(str(confine(path, field="Feed")))
    return feeds or None


def table() -> list[list]:
    """The opportunities in memory, newest first."""
    from llmworks.apps.deals import Memory

    rows = []
    for d in Memory.open().deals():
        estimate = d["estimate"]
        discount = None if estimate is None else round(estimate - d["price"], 2)
        rows.append(
            [
                d["alert_id"],
                d["alert"] or "",
                d["price"],
                estimate and round(estimate, 2),
                discount,
                d["title"],
                d["url"],
            ]
        )
    return rows


def steps() -> str:
    """The last recorded steps of every run, as a list."""
    from llmworks.apps.deals import Memory

    recorded = Memory.open().steps(limit=40)
    if not recorded:
        return "No steps recorded yet."
    lines = []
    for s in recorded:
        outcome = f"⚠️ {s['error']}" if s["error"] else (s["result"] or "")[:120]
        lines.append(f"- `{s['run'][:6]}` **{s['name']}** {s['arguments'][:100]} → {outcome}")
    return "\n".join(lines)


def run(feeds, threshold, notify, dry_run, autonomous, budget, model) -> Iterator[tuple]:
    """Yield (log markdown, table rows, steps markdown) as the run goes."""
    from llmworks.apps import deals

    try:
        options = dict(feeds=_feeds(feeds), notify=_lines(notify), dry_run=bool(dry_run))
        if (threshold or "").strip():
            options["threshold"] = threshold.strip()
        if model:
            options["model"] = model
        events = (
            deals.run_autonomous(**options, budget=float(budget or deals.planner.BUDGET_USD))
            if autonomous
            else deals.run(**options)
        )
    except Exception as e:  # a path outside the allowed folders, a bad threshold: shown, not raised
        yield error_markdown(e), table(), steps()
        return
    for view in markdown(events, progress_log=True):
        yield view.status, table(), steps()


def resend(notify: str, rows, event=None) -> str:
    """Send the clicked row's alert again."""
    from llmworks.apps.deals import Memory, deliver
    from llmworks.events import result

    index = getattr(event, "index", None)
    if not index or rows is None:
        return "Click a row that has an alert."
    values = rows.values.tolist() if hasattr(rows, "values") else rows
    alert_id = values[index[0]][0] if index[0] < len(values) else None
    if alert_id in (None, "") or alert_id != alert_id:  # NaN: a deal without an alert
        return "That deal has no alert to send: it did not cross the threshold."
    memory = Memory.open()
    try:
        memory.resend(int(alert_id))
        sent = result(deliver(memory, _lines(notify)))
    except Exception as e:
        return error_markdown(e)
    return (
        f"Alert {int(alert_id)} sent again." if sent else f"Alert {int(alert_id)} is queued: no notifier accepted it."
    )


def draw_map():
    from llmworks.apps.deals import Memory
    from llmworks.apps.deals.vectormap import figure

    try:
        return figure(Memory.open().deals(500)), ""
    except Exception as e:
        return None, error_markdown(e)


def tab() -> None:
    import gradio as gr

    with gr.Row():
        feeds = gr.Textbox(
            label="Feeds (one a line; empty: DealNews)", lines=2, scale=3, placeholder="https://… or a file path"
        )
        notify = gr.Textbox(label="Notify (Apprise URLs, one a line)", lines=2, scale=2, placeholder="ntfy://my-deals")
    with gr.Row():
        threshold = gr.Textbox("50", label="Threshold ($ or %)", scale=1)
        dry_run = gr.Checkbox(True, label="Dry run (remember and send nothing)", scale=1)
        autonomous = gr.Checkbox(False, label="Autonomous agent", scale=1)
        budget = gr.Number(0.05, label="Agent budget $", minimum=0, scale=1)
        model = model_dropdown(scale=2)
    go = gr.Button("Scan for deals", variant="primary", elem_id="deals-go")
    log = gr.Markdown("", elem_id="deals-log")
    gr.Markdown("**Opportunities** — click a row to send its alert again")
    rows = gr.Dataframe(headers=COLUMNS, value=table, interactive=False, wrap=True, elem_id="deals-table")
    sent = gr.Markdown("")
    with gr.Accordion("Agent steps", open=False):
        recorded = gr.Markdown(steps)
    with gr.Accordion("Map of the deals' vectors", open=False):
        draw = gr.Button("Draw the 3-D map")
        plot = gr.Plot()
        map_status = gr.Markdown("")
    go.click(run, [feeds, threshold, notify, dry_run, autonomous, budget, model], [log, rows, recorded])

    def on_select(notify_urls, shown, event):
        return resend(notify_urls, shown, event)

    on_select.__annotations__["event"] = gr.SelectData  # how Gradio knows to pass the clicked cell
    rows.select(on_select, [notify, rows], sent)
    draw.click(draw_map, [], [plot, map_status])
