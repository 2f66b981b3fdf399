"""`llmworks pricer …`: curate data, train and evaluate price models, the leaderboard, fine-tuning pipelines."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from llmworks import scale

pricer_app = typer.Typer(
    help="Product pricer: curation, baselines, LLM/RAG pricers, ensemble, fine-tuning.\n\n"
    "Text embeddings are cached for the whole machine in LLMWORKS_CACHE_DIR (default ~/.cache/llmworks): a fresh "
    "data dir reuses them, and a fit says up front how many texts are new and about how long they take.",
    no_args_is_help=True,
)
finetune_app = typer.Typer(help="Fine-tuning pipelines: OpenAI jobs and local LoRA.", no_args_is_help=True)
pricer_app.add_typer(finetune_app, name="finetune")

_COLORS = {"green": "green", "orange": "yellow", "red": "red"}


def register(app: typer.Typer) -> None:
    app.add_typer(pricer_app, name="pricer")


PRICER_HELP = "pricer name (llmworks pricer models), or a folder saved by `pricer train`"
MODEL_HELP = "language model for the llm/rag pricers (provider/model)"


def _options(pairs: list[str] | None) -> dict:
    """`--set k=v` pairs → constructor options (values parsed as JSON when they are)."""
    from llmworks.apps.pricer import PricerError

    options = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise PricerError(f"--set takes key=value, got {pair!r}")
        try:
            options[key.strip().replace("-", "_")] = json.loads(value)
        except ValueError:
            options[key.strip().replace("-", "_")] = value
    return options


def _given(**options):
    """The options the user gave: the rest is left to the app's own defaults."""
    return {name: value for name, value in options.items() if value is not None}


def _deprecated(old: str, new: str) -> None:
    typer.secho(f"Note: {old} is deprecated; use {new}.", fg="yellow", err=True)


def _pricer_and_model(pricer: str | None, models: list[str] | None, llm: str | None) -> tuple[str, str | None]:
    """(pricer, language model) from --pricer, -m/--model and the hidden --llm. Before the shared flag vocabulary
    `--model` named the pricer and `-m/--llm` the language model: without --pricer, a --model value that is not a
    language model the catalog knows is still read as the pricer, with a hint."""
    from llmworks.errors import LlmworksError
    from llmworks.llm import UnknownModelError, catalog

    models = list(models or [])
    if llm is not None:
        _deprecated(f"--llm {llm}", f"-m/--model {llm}")
        models.append(llm)
    if pricer is None:
        for value in models:
            try:
                catalog.find(value)
            except UnknownModelError:
                _deprecated(f"--model {value} for the pricer", f"--pricer {value} (-m/--model is the language model)")
                pricer = value
                models.remove(value)
                break
    if len(models) > 1:
        raise LlmworksError(f"Give one language model with -m/--model (got {', '.join(models)}).")
    if not pricer:
        raise LlmworksError("Name the pricer with --pricer NAME.", "`llmworks pricer models` lists them.")
    return pricer, models[0] if models else None


@pricer_app.command()
def curate(
    raw: Path = typer.Argument(..., help="raw Amazon-Reviews-2023 metadata JSONL"),
    out: Path = typer.Option(..., "--out", help="folder for train.jsonl, test.jsonl, hf/, curation.json"),
    category: str | None = typer.Option(None, help="category for every record (default: main_category)"),
    seed: int | None = typer.Option(None, help="split seed (default 42)"),
    test_fraction: float | None = typer.Option(None, help="share of items for test.jsonl (default 0.1)"),
    min_tokens: int | None = typer.Option(None, help="drop items with fewer tokens of text (default 150)"),
    max_tokens: int | None = typer.Option(None, help="cap each item's text at this many tokens (default 160)"),
) -> None:
    """Curate raw metadata into priced items.  Example: llmworks pricer curate meta_Appliances.jsonl --out data/p"""
    from llmworks.apps.pricer.curate import CurationConfig
    from llmworks.apps.pricer.curate import curate as run

    config = CurationConfig(
        **_given(seed=seed, test_fraction=test_fraction, min_tokens=min_tokens, max_tokens=max_tokens)
    )
    result = run(raw, out, config, category=category)
    s = result.stats
    typer.echo(
        f"{s['raw']} raw records → {s['kept']} items ({s['train']} train, {s['test']} test), "
        f"mean price ${s['mean_price'] or 0:.2f}; dropped: {s['dropped']}"
    )
    typer.echo(f"wrote {out}/train.jsonl, {out}/test.jsonl, {out}/hf (datasets), {out}/curation.json")


@pricer_app.command()
def train(
    data: Path = typer.Option(..., "--data", help="training items JSONL"),
    pricer: str | None = typer.Option(None, "--pricer", help=PRICER_HELP),
    out: Path | None = typer.Option(None, "--out", help="folder to save to (default LLMWORKS_HOME/pricer/models/NAME)"),
    extra: Path | None = typer.Option(None, help="extra rows (e.g. train_extra.jsonl), down-weighted to fit --data"),
    extra_weight: float | None = typer.Option(
        None, help="mean weight of an extra row (default 0.5; a --data row weighs 1)"
    ),
    model: list[str] | None = typer.Option(None, "--model", "-m", help=MODEL_HELP, metavar="PROVIDER/MODEL"),
    llm: str | None = typer.Option(None, "--llm", hidden=True),
    set_: list[str] | None = typer.Option(None, "--set", help="pricer option key=value, repeatable"),
    ray: str | None = typer.Option(None, "--ray", help=scale.HELP, metavar="local|ADDRESS"),
) -> None:
    """Fit a pricer and save it.  Example: llmworks pricer train --pricer ensemble --data items.jsonl --out m/ens"""
    from llmworks.apps.pricer.workflow import run_train
    from llmworks.scale import using

    from .render import render

    name, llm_model = _pricer_and_model(pricer, model, llm)
    with using(ray):
        trained = render(
            run_train(
                name,
                data,
                out,
                extra=extra,
                llm_model=llm_model,
                options=_options(set_),
                **_given(extra_weight=extra_weight),
            )
        ).result
    typer.echo(f"trained {trained.pricer.name} in {trained.seconds:.1f}s → {trained.path}")
    if hasattr(trained.pricer, "blend"):
        typer.echo("blend: " + ", ".join(f"{k}={v:.3f}" for k, v in trained.pricer.blend.items()))


@pricer_app.command("eval")
def eval_(
    data: Path = typer.Option(..., "--data", help="items JSONL with true prices"),
    pricer: str | None = typer.Option(None, "--pricer", help=PRICER_HELP),
    train_file: Path | None = typer.Option(None, "--train", help="fit on this file instead of a hold-out of --data"),
    n: int | None = typer.Option(
        None, "--n", help="items to test (the hold-out size when there is no --train; default 250)"
    ),
    seed: int | None = typer.Option(None, help="hold-out seed (default 42)"),
    extra: Path | None = typer.Option(None, help="extra training rows, down-weighted"),
    extra_weight: float | None = typer.Option(None, help="mean weight of an extra row (default 0.5)"),
    model: list[str] | None = typer.Option(None, "--model", "-m", help=MODEL_HELP, metavar="PROVIDER/MODEL"),
    llm: str | None = typer.Option(None, "--llm", hidden=True),
    set_: list[str] | None = typer.Option(None, "--set", help="pricer option key=value, repeatable"),
    plot: Path | None = typer.Option(None, help="write the truth-vs-estimate scatter PNG here"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object only"),
    quiet: bool = typer.Option(False, "-q", help="no per-item listing"),
    ray: str | None = typer.Option(None, "--ray", help=scale.HELP, metavar="local|ADDRESS"),
) -> None:
    """Score a pricer: mean error, RMSLE, hit rate.  Example: llmworks pricer eval --pricer tfidf --data items.jsonl"""
    from llmworks.apps.pricer.workflow import run_eval
    from llmworks.scale import using

    from .render import render

    name, llm_model = _pricer_and_model(pricer, model, llm)
    # NaN is not JSON (allow_nan=False in render): prices are validated on load, so a NaN here is a bug to hear about
    fields = ("model", "n", "error", "rmsle", "hit_rate", "missing")
    summary = (lambda e: {k: e.report.summary()[k] for k in fields}) if as_json else None
    events = run_eval(
        name,
        data,
        train=train_file,
        extra=extra,
        llm_model=llm_model,
        options=_options(set_),
        **_given(n=n, seed=seed, extra_weight=extra_weight),
    )
    if plot:  # written before the JSON line, which stays the last word
        events = _plotted(events, plot)
    with using(ray):
        result = render(events, as_json=summary).result
    if as_json:
        return
    report = result.report
    if not quiet:
        for i, row in enumerate(report.rows, 1):
            guess = "no estimate" if row.guess is None else f"${row.guess:,.2f}"
            typer.secho(
                f"{i:4d}: guess {guess:>12} truth ${row.truth:>8,.2f} error ${row.error:>8,.2f}  {row.title[:50]}",
                fg=_COLORS[row.color],
            )
    typer.echo(
        report.title() + f"  (fit {result.fit_seconds:.1f}s on {result.n_train} items, "
        f"predict {report.duration_s:.1f}s)"
    )
    if plot:
        typer.echo(f"scatter plot → {plot}")


def _plotted(events, plot: Path):
    from llmworks.events import Done

    for event in events:
        if isinstance(event, Done):
            event.result.report.scatter_png(plot)
        yield event


@pricer_app.command()
def leaderboard(
    data: Path = typer.Option(..., "--data", help="items JSONL; the hold-out comes from here"),
    n: int | None = typer.Option(None, "--n", help="hold-out size (default 250)"),
    seed: int | None = typer.Option(None, help="hold-out seed (default 42)"),
    extra: Path | None = typer.Option(None, help="extra training rows, down-weighted"),
    extra_weight: float | None = typer.Option(None, help="mean weight of an extra row (default 0.5)"),
    pricers: str | None = typer.Option(None, "--pricers", help="comma-separated pricers (default: all)"),
    old_models: str | None = typer.Option(None, "--models", hidden=True),
    model: str | None = typer.Option(None, "--model", "-m", help=MODEL_HELP),
    llm: str | None = typer.Option(None, "--llm", hidden=True),
    llm_n: int | None = typer.Option(None, help="test items for the llm/rag pricers (default 50; 0: all)"),
    out: Path | None = typer.Option(None, help="folder for leaderboard.md/.csv/.json"),
    ray: str | None = typer.Option(None, "--ray", help=scale.HELP, metavar="local|ADDRESS"),
) -> None:
    """Every pricer on one split, one table.  Example: llmworks pricer leaderboard --data items_dev.jsonl --out lb"""
    from llmworks.apps.pricer.workflow import run_leaderboard
    from llmworks.scale import using

    from .render import render

    if old_models is not None:
        _deprecated(f"--models {old_models}", f"--pricers {old_models}")
        pricers = pricers or old_models
    if llm is not None:
        _deprecated(f"--llm {llm}", f"-m/--model {llm}")
        model = model or llm
    options = _given(n=n, seed=seed, extra_weight=extra_weight, llm_n=llm_n)
    if llm_n == 0:
        options["llm_n"] = None  # every test item
    with using(ray):
        board = render(
            run_leaderboard(
                data, models=pricers.split(",") if pricers else None, extra=extra, llm_model=model, **options
            )
        ).result
    typer.echo(board.markdown())
    typer.echo("")
    typer.echo(board.csv(), nl=False)
    if out:
        board.save(out)
        typer.echo(f"wrote {out}/leaderboard.md, .csv, .json", err=True)


@pricer_app.command()
def estimate(
    description: str = typer.Argument(..., help="product title and description"),
    pricer: str | None = typer.Option(
        None, "--pricer", help="a saved pricer (name under LLMWORKS_HOME or folder; default ensemble)"
    ),
    old_model: str | None = typer.Option(None, "--model", hidden=True),
    as_json: bool = typer.Option(False, "--json", help="print {pricer, price, members, blend} only"),
) -> None:
    """Estimate one product's price.  Example: llmworks pricer estimate "Moen bathroom vanity light, 2 globes" """
    from dataclasses import asdict

    from llmworks.apps.pricer.workflow import run

    from .render import render

    if old_model is not None:
        _deprecated(f"--model {old_model}", f"--pricer {old_model}")
        pricer = old_model
    found = render(run(description, **_given(pricer=pricer)), as_json=asdict if as_json else None).result
    if as_json:
        return
    typer.echo("no estimate" if found.price is None else f"${found.price:,.2f}")
    for name, v in found.members.items():
        typer.echo(f"  {name}: " + ("no estimate" if v is None else f"${v:,.2f}"))


@pricer_app.command("models")
def list_models() -> None:
    """List pricer names and saved pricers.  Example: llmworks pricer models"""
    from llmworks.apps.pricer.base import PRICERS
    from llmworks.apps.pricer.workflow import saved_models

    typer.echo("pricers: " + ", ".join(PRICERS))
    typer.echo("saved: " + (", ".join(saved_models()) or "(none yet: llmworks pricer train ...)"))


@finetune_app.command("export")
def ft_export(
    data: Path = typer.Option(..., "--data", help="items JSONL"),
    out: Path = typer.Option(..., "--out", help="chat-format JSONL for OpenAI fine-tuning"),
    n: int | None = typer.Option(None, "--n", help="first N items only"),
) -> None:
    """Write OpenAI chat-format training JSONL.

    Example: llmworks pricer finetune export --data t.jsonl --out ft.jsonl"""
    from llmworks.apps.pricer.finetune_openai import export_jsonl
    from llmworks.apps.pricer.items import load_items

    path = export_jsonl(load_items(data, limit=n), out)
    typer.echo(f"wrote {path}")


@finetune_app.command("start")
def ft_start(
    train_file: Path = typer.Option(..., "--train", help="chat JSONL from `finetune export`"),
    validation: Path | None = typer.Option(None, help="validation chat JSONL"),
    base: str | None = typer.Option(None, help="OpenAI base model (default gpt-4o-mini-2024-07-18)"),
    epochs: int | None = typer.Option(None, help="default 1"),
    seed: int | None = typer.Option(None, help="default 42"),
    suffix: str | None = typer.Option(None, help="added to the model's name (default pricer)"),
    follow: bool = typer.Option(False, help="poll until the job ends, printing events"),
) -> None:
    """Upload and start an OpenAI fine-tuning job.  Example: llmworks pricer finetune start --train ft.jsonl --follow"""
    from llmworks.apps.pricer import finetune_openai as ft

    job = ft.start_job(
        train_file, validation_file=validation, **_given(base_model=base, epochs=epochs, seed=seed, suffix=suffix)
    )
    typer.echo(f"job {job.id}: {job.status}")
    if follow:
        _follow(job.id)


@finetune_app.command("status")
def ft_status(job_id: str = typer.Argument(...), follow: bool = typer.Option(False)) -> None:
    """Show an OpenAI fine-tuning job and its events.  Example: llmworks pricer finetune status ftjob-abc --follow"""
    from llmworks.apps.pricer import finetune_openai as ft

    if follow:
        _follow(job_id)
        return
    status = ft.job_status(job_id)
    for event in status.events:
        typer.echo(f"  {event}")
    typer.echo(f"job {status.id}: {status.status}" + (f" → model {status.model}" if status.model else ""))


def _follow(job_id: str) -> None:
    from llmworks.apps.pricer import finetune_openai as ft

    from .render import render

    status = render(ft.follow(job_id)).result
    typer.echo(f"job {status.id}: {status.status}")
    if status.model:
        typer.echo(
            f"use it: llmworks pricer eval --pricer llm -m openai/{status.model} --set structured=false "
            "--data items.jsonl"
        )


@finetune_app.command("lora")
def ft_lora(
    data: Path = typer.Option(..., "--data", help="training items JSONL"),
    base: str = typer.Option(..., "--base", help="local HF model folder (or .gguf with the gguf package)"),
    out: Path = typer.Option(..., "--out", help="folder for the adapter and its config"),
    steps: int | None = typer.Option(None, help="optimiser steps (default 200)"),
    r: int | None = typer.Option(None, "-r", help="LoRA rank (default 8)"),
    alpha: int | None = typer.Option(None, help="LoRA alpha (default 16)"),
    dropout: float | None = typer.Option(None, help="LoRA dropout (default 0.05)"),
    target_modules: str | None = typer.Option(None, help="comma-separated module names (default q_proj,v_proj)"),
    lr: float | None = typer.Option(None, help="learning rate (default 2e-4)"),
    batch_size: int | None = typer.Option(None, help="default 4"),
    n: int | None = typer.Option(None, "--n", help="first N items only"),
) -> None:
    """LoRA/QLoRA fine-tune a local model on prices.  Example: llmworks pricer finetune lora --data t.jsonl --base
    ./smol --out m/lora"""
    from llmworks.apps.pricer.items import load_items
    from llmworks.apps.pricer.lora import LoRAConfig, run_lora

    from .render import render

    config = LoRAConfig(
        base_model=str(base),
        out_dir=str(out),
        **_given(
            max_steps=steps,
            lora_r=r,
            lora_alpha=alpha,
            lora_dropout=dropout,
            learning_rate=lr,
            batch_size=batch_size,
            target_modules=target_modules.split(",") if target_modules else None,
        ),
    )
    result = render(run_lora(load_items(data, limit=n), config)).result
    typer.echo(f"loss {result.losses[0]:.3f} → {result.losses[-1]:.3f}; adapter → {result.adapter_dir}")
