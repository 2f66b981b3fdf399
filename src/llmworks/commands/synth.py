"""`llmworks synth`: synthetic test data from a schema or a description, with a quality report;
`llmworks synth-report`: the same report for any data file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="provider/model (default: LLMWORKS_MODEL or local/qwen2.5-1.5b)")
]
SchemaOpt = Annotated[
    str | None,
    typer.Option(
        "--schema", "-s", help="spec: a JSON Schema of one row, {schema, unique, rules}, or a pydantic module:Model"
    ),
]
ReferenceOpt = Annotated[
    Path | None, typer.Option("--reference", "-r", help="real rows (.csv/.jsonl/.parquet) to compare the shapes with")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the report as one JSON object instead of tables")]


def register(app: typer.Typer) -> None:
    app.command()(synth)
    app.command("synth-report")(synth_report)


def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="the data set to write: .jsonl, .csv or .parquet")],
    schema: SchemaOpt = None,
    describe: Annotated[
        str | None, typer.Option("--describe", "-d", help="describe the data; the model proposes the schema")
    ] = None,
    n: Annotated[int, typer.Option("--n", "-n", help="rows to make", min=1)] = 100,
    model: ModelOpt = None,
    seed: Annotated[int, typer.Option("--seed", help="same seed + same model → same rows")] = 0,
    batch_size: Annotated[int, typer.Option("--batch-size", help="rows per model call", min=1, max=50)] = 10,
    attempts: Annotated[
        int, typer.Option("--attempts", help="batches in a row without a valid row before giving up", min=1)
    ] = 3,
    fresh: Annotated[bool, typer.Option("--fresh", help="discard an interrupted run instead of resuming it")] = False,
    propose_only: Annotated[
        bool, typer.Option("--propose-only", help="with --describe: write the proposed schema and stop")
    ] = False,
    reference: ReferenceOpt = None,
    as_json: JsonOpt = False,
    usage: Annotated[bool, typer.Option("--usage", "-u", help="print tokens and cost at the end")] = False,
) -> None:
    """Generate synthetic rows that follow a schema and its rules, then report their quality.

    Each batch of rows is decoded under the JSON schema, every row checked (schema, ranges, regexes, unique fields,
    rules written as Python expressions), a field that a rule `field == expression` derives computed when the model got
    it wrong, other invalid rows repaired once, exact and near duplicates dropped with the reason kept in
    <out>.dropped.jsonl. The report goes to the terminal and to <out>.report.json. A killed run
    resumes where it stopped when run again with the same options (its work folder is <out>.work/).

    \b
    Examples:
      llmworks synth --schema orders.json --n 500 --out orders.jsonl
      llmworks synth --describe "customers of a bike shop" --propose-only --out customers.jsonl
      llmworks synth --schema customers.schema.json --n 200 --out customers.parquet --seed 7
      llmworks synth --schema mymodels.py:Order --n 50 --out orders.csv --reference real_orders.csv
    \b
    A spec file: {"description": "...", "schema": {"type": "object", "properties": {...}},
                  "unique": ["order_id"], "rules": ["ship_date >= order_date", "total == quantity * price"]}
    """
    from ..apps import synth as app
    from ..errors import LlmworksError
    from .render import render

    if (schema is None) == (describe is None):
        raise LlmworksError("Give either --schema or --describe.", "E.g. --schema orders.json, or --describe 'orders'.")
    from ..apps.synth.export import check_format

    check_format(out)
    if describe is not None:
        spec = render(app.propose(describe, model=model), usage=usage).result
        written = out.with_name(out.with_suffix("").name + ".schema.json")
        from ..files import atomic_write

        atomic_write(written, json.dumps(spec.to_json(), indent=2, ensure_ascii=False) + "\n")
        typer.echo(f"Proposed schema written to {written} (edit it, then run with --schema {written}).", err=True)
        if propose_only:
            return
    else:
        spec = app.load(schema)
    events = app.generate(
        spec, n, out, model=model, seed=seed, batch_size=batch_size, attempts=attempts, fresh=fresh, reference=reference
    )
    done = render(events, usage=usage, as_json=(lambda r: _json(r.report, r.files)) if as_json else None)
    result = done.result
    if not as_json:
        show(result.report)
        typer.echo(f"Wrote {len(result.rows)} rows to {out}; report {result.files['report']}.", err=True)
    if not result.complete:
        raise typer.Exit(1)


def synth_report(
    data: Annotated[Path, typer.Argument(help="the data set: .jsonl, .csv or .parquet")],
    schema: SchemaOpt = None,
    reference: ReferenceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Report the quality of any data set against a spec: validity, duplicates, distinct-2, fields, rules.

    \b
    Examples:
      llmworks synth-report orders.jsonl --schema orders.json
      llmworks synth-report orders.csv --schema orders.json --reference real_orders.csv --json
    """
    from ..apps import synth as app
    from ..errors import LlmworksError

    if schema is None:
        raise LlmworksError("No --schema given.", "Pass the spec the data should follow, e.g. --schema orders.json.")
    spec = app.load(schema)
    rows = app.read(data, spec)
    report = app.check_rows(rows, spec)
    if reference is not None:
        from ..apps.synth.reference import compare, read_table

        report.reference = compare(read_table(reference), rows)
    if as_json:
        typer.echo(json.dumps(_json(report), ensure_ascii=False))
    else:
        show(report)


def _json(report, files: dict | None = None) -> dict:
    data = report.to_json()
    if files:
        data["files"] = {k: str(v) for k, v in files.items()}
    return data


def show(report) -> None:
    """The report as terminal tables: the summary, the rules, the fields with their histograms."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..apps.synth.report import histogram_text, summary_rows

    console = Console(highlight=False)
    summary = Table("measure", "value", title="Quality", title_justify="left")
    for name, value in summary_rows(report):
        summary.add_row(Text(name), Text(value))
    console.print(summary)
    if report.rules:
        rules = Table("rule", "pass-rate", title="Rules", title_justify="left")
        for rule, rate in report.rules.items():
            rules.add_row(Text(rule), f"{rate:.1%}")
        console.print(rules)
    fields = Table("field", "kind", "filled", "nulls", "distinct", "histogram", title="Fields", title_justify="left")
    for f in report.fields:
        cells = (f.name, f.kind, str(f.filled), str(f.nulls), str(f.distinct), histogram_text(f))
        fields.add_row(*map(Text, cells))
    console.print(fields)
    if report.reference and report.reference.get("skipped"):
        console.print(Text(f"Not compared (free text): {', '.join(report.reference['skipped'])}", style="dim"))
