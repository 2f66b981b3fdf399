"""`llmworks deals …`: scan deal feeds, price each deal with the pricer, alert on bargains; watch, list, reset."""

from __future__ import annotations

import re
from pathlib import Path

import typer

deals_app = typer.Typer(
    help="Deal agents: scan deal feeds, estimate each deal's true price, alert on bargains (restart-safe).",
    no_args_is_help=True,
)

FEEDS_HELP = "RSS/Atom feed: a file, file:// or http(s):// URL (repeat for several; default: DealNews categories)"
THRESHOLD_HELP = "alert when a deal is this far below its estimate: dollars (50) or percent (30%); default 50"
NOTIFY_HELP = (
    "Apprise URL to alert (repeat for several): ntfy://TOPIC, pover://USER@TOKEN, mailto://…, json://host/path"
)
EVIDENCE_CHARS = 240


def register(app: typer.Typer) -> None:
    app.add_typer(deals_app, name="deals")


def _given(**options):
    return {name: value for name, value in options.items() if value is not None}


def _print(result) -> None:
    """The opportunities: price, estimate, discount, each member's view, the link and the text the estimate used."""
    if not result.opportunities:
        typer.echo("No new deals with a clear price.")
    for n, o in enumerate(sorted(result.opportunities, key=lambda o: -o.discount), 1):
        estimate = "no estimate" if o.estimate is None else f"estimate ${o.estimate:,.2f}"
        saving = "" if o.estimate is None else f", {o.discount:+,.2f} ({o.discount_pct:+.0f}%)"
        drop = f" (was ${o.previous_price:,.2f})" if o.previous_price else ""
        typer.secho(f"{n}. ${o.deal.price:,.2f}{drop} — {estimate}{saving}  {o.title}", bold=True)
        typer.echo(f"   {o.deal.url}")
        if o.members:
            views = ", ".join(f"{k} ${v:,.0f}" if v is not None else f"{k} -" for k, v in o.members.items())
            typer.echo(f"   {o.pricer}: {views}")
        evidence = o.evidence if len(o.evidence) <= EVIDENCE_CHARS else o.evidence[: EVIDENCE_CHARS - 1] + "…"
        typer.echo(f"   evidence: {evidence}")
    for message in result.messages:
        typer.secho(f"Would send: {message}", fg="cyan")
    if result.alerts or result.sent:
        typer.echo(f"{len(result.alerts)} alerts queued, {result.sent} sent.")


def _run(
    feeds, threshold, notify, dry_run, autonomous, model, pricer, train_data, budget, max_steps, max_alerts, no_fetch
):
    from llmworks.apps import deals

    from .render import render

    options = _given(threshold=threshold, model=model, pricer=pricer, train_data=train_data)
    common = dict(feeds=feeds or None, notify=notify or None, dry_run=dry_run, fetch_pages=not no_fetch, **options)
    if autonomous:
        agent = _given(budget=budget, max_steps=max_steps, max_alerts=max_alerts)
        return render(deals.run_autonomous(**common, **agent), usage=True).result
    return render(deals.run(**common), usage=True).result


@deals_app.command("run")
def run_command(
    feeds: list[str] = typer.Option(None, "--feeds", "-f", help=FEEDS_HELP),
    threshold: str | None = typer.Option(None, "--threshold", "-t", help=THRESHOLD_HELP),
    notify: list[str] = typer.Option(None, "--notify", "-n", help=NOTIFY_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help="remember and send nothing; print the alert messages"),
    autonomous: bool = typer.Option(False, "--autonomous", help="let the model drive the tools (bounded, budgeted)"),
    model: str | None = typer.Option(None, "-m", "--model", help="provider/model (default: LLMWORKS_MODEL)"),
    pricer: str | None = typer.Option(None, "--pricer", help="saved pricer to estimate with (default: the best saved)"),
    train_data: Path | None = typer.Option(
        None, "--train-data", help="items JSONL to train a pricer on if none is saved"
    ),
    budget: float | None = typer.Option(
        None, "--budget", help="autonomous: most dollars of model calls (default 0.05)"
    ),
    max_steps: int | None = typer.Option(None, "--max-steps", help="autonomous: most tool-loop turns (default 8)"),
    max_alerts: int | None = typer.Option(None, "--max-alerts", help="autonomous: most alerts a run (default 1)"),
    no_fetch: bool = typer.Option(False, "--no-fetch", help="never fetch deal pages, even when feed text is thin"),
) -> None:
    """Scan the feeds once, estimate each deal, alert on bargains.

    The model picks the best-described new deals, the pricer estimates each, and deals past the threshold are
    alerted (alerts a down notifier left are retried first).

    Examples:
      llmworks deals run --feeds ../shared/data/deals/dfischel/dealnews.xml --dry-run
      llmworks deals run -f feed.xml --threshold 30% --notify ntfy://my-deals
      llmworks deals run --autonomous --budget 0.02 --max-alerts 1 -m openai/gpt-4.1-mini --notify json://localhost:8080
      llmworks deals run -f feed.xml --train-data ../shared/data/pricer/items_dev.jsonl   # first run, no saved pricer
    """
    _print(
        _run(
            feeds,
            threshold,
            notify,
            dry_run,
            autonomous,
            model,
            pricer,
            train_data,
            budget,
            max_steps,
            max_alerts,
            no_fetch,
        )
    )


_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$")


def parse_every(text: str) -> float:
    """'10m' → 600 seconds ('30s', '2h', '90' = seconds); at least 10 s."""
    from llmworks.errors import LlmworksError

    match = _EVERY.match(text.lower())
    seconds = float(match.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)] if match else 0
    if seconds < 10:
        raise LlmworksError(f"--every {text!r} is not a period of 10 s or more.", "Use e.g. --every 10m, 30s or 1h.")
    return seconds


@deals_app.command()
def watch(
    every: str = typer.Option("10m", "--every", help="time between scans: 30s, 10m, 1h"),
    runs: int | None = typer.Option(None, "--runs", help="stop after this many scans (default: until Ctrl-C)"),
    feeds: list[str] = typer.Option(None, "--feeds", "-f", help=FEEDS_HELP),
    threshold: str | None = typer.Option(None, "--threshold", "-t", help=THRESHOLD_HELP),
    notify: list[str] = typer.Option(None, "--notify", "-n", help=NOTIFY_HELP),
    autonomous: bool = typer.Option(False, "--autonomous", help="let the model drive the tools (bounded, budgeted)"),
    model: str | None = typer.Option(None, "-m", "--model", help="provider/model (default: LLMWORKS_MODEL)"),
    pricer: str | None = typer.Option(None, "--pricer", help="saved pricer to estimate with (default: the best saved)"),
    budget: float | None = typer.Option(None, "--budget", help="autonomous: most dollars of model calls per scan"),
    no_fetch: bool = typer.Option(False, "--no-fetch", help="never fetch deal pages"),
) -> None:
    """Scan again and again, every --every.

    A failed scan (feed down, model error) is reported and the next one still runs. Safe to kill at any time: the
    next start neither repeats nor forgets an alert.

    Examples:
      llmworks deals watch --every 10m --notify ntfy://my-deals
      llmworks deals watch --every 30s --runs 3 -f feed.xml --threshold 30%
    """
    import time

    from llmworks.errors import LlmworksError

    period = parse_every(every)
    n = failed = 0
    while runs is None or n < runs:
        n += 1
        started = time.monotonic()
        try:
            _print(_run(feeds, threshold, notify, False, autonomous, model, pricer, None, budget, None, None, no_fetch))
        except LlmworksError as e:
            failed += 1
            typer.secho(f"Warning: scan {n} failed: {e}", fg="yellow", err=True)
        if runs is not None and n >= runs:
            break
        wait = max(0.0, period - (time.monotonic() - started))
        typer.secho(f"Next scan in {wait:.0f} s (Ctrl-C to stop).", dim=True, err=True)
        time.sleep(wait)
    if failed == n:
        raise typer.Exit(1)


@deals_app.command("list")
def list_command(
    n: int = typer.Option(20, "-n", help="how many deals, newest first"),
    alerts: bool = typer.Option(False, "--alerts", help="list the alerts and their delivery state instead"),
) -> None:
    """Deals seen (price, estimate, alert state), or the alert outbox.

    Examples:
      llmworks deals list -n 50
      llmworks deals list --alerts
    """
    from llmworks.apps.deals import Memory

    memory = Memory.open()
    if alerts:
        rows = memory.alerts(n)
        if not rows:
            typer.echo("No alerts yet.")
        for a in rows:
            state = a.status + (f" after {a.attempts} tries ({a.last_error})" if a.last_error else "")
            typer.echo(f"#{a.id} {state}: ${a.price:,.2f} vs ${a.estimate:,.2f}  {a.title[:70]}  {a.url}")
        return
    rows = memory.deals(n)
    if not rows:
        typer.echo("No deals seen yet: run `llmworks deals run`.")
    for d in rows:
        estimate = "no estimate" if d["estimate"] is None else f"${d['estimate']:,.2f}"
        alert = f"  [alert {d['alert']}]" if d["alert"] else ""
        typer.echo(f"${d['price']:,.2f} vs {estimate}{alert}  {d['title'][:80]}  {d['url']}")


@deals_app.command()
def reset(yes: bool = typer.Option(False, "--yes", "-y", help="do not ask")) -> None:
    """Forget every deal seen, alert and step (the next run alerts again).

    Example: llmworks deals reset --yes
    """
    from llmworks.apps.deals import Memory

    memory = Memory.open()
    if not yes and not typer.confirm(f"Forget everything in {memory.path}?"):
        raise typer.Exit(1)
    before = memory.reset()
    typer.echo(f"Forgot {before['deals']} deals and {before['sent'] + before['pending']} alerts.")
