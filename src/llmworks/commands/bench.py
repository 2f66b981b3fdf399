"""`llmworks bench …`: measurements of the serving stack; `bench serve` load-tests an OpenAI-compatible server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

bench = typer.Typer(
    help="Benchmarks of the serving stack: load-test any OpenAI-compatible server.", no_args_is_help=True
)

ROWS = [  # (label, Metrics field, format): vLLM's 'Serving Benchmark Result', in its order and units
    ("Successful requests", "completed", "{:d}"),
    ("Failed requests", "failed", "{:d}"),
    ("Benchmark duration (s)", "duration_s", "{:.2f}"),
    ("Total input tokens", "total_input_tokens", "{:d}"),
    ("Total generated tokens", "total_output_tokens", "{:d}"),
    ("Request throughput (req/s)", "request_throughput", "{:.2f}"),
    ("Output token throughput (tok/s)", "output_throughput", "{:.2f}"),
    ("Total token throughput (tok/s)", "total_token_throughput", "{:.2f}"),
    ("Mean TTFT (ms)", "mean_ttft_ms", "{:.2f}"),
    ("Median TTFT (ms)", "median_ttft_ms", "{:.2f}"),
    ("P99 TTFT (ms)", "p99_ttft_ms", "{:.2f}"),
    ("Mean TPOT (ms)", "mean_tpot_ms", "{:.2f}"),
    ("Median TPOT (ms)", "median_tpot_ms", "{:.2f}"),
    ("P99 TPOT (ms)", "p99_tpot_ms", "{:.2f}"),
    ("Mean ITL (ms)", "mean_itl_ms", "{:.2f}"),
    ("Median ITL (ms)", "median_itl_ms", "{:.2f}"),
    ("P99 ITL (ms)", "p99_itl_ms", "{:.2f}"),
    ("Mean E2EL (ms)", "mean_e2el_ms", "{:.2f}"),
    ("Median E2EL (ms)", "median_e2el_ms", "{:.2f}"),
    ("P99 E2EL (ms)", "p99_e2el_ms", "{:.2f}"),
]


def register(app: typer.Typer) -> None:
    app.add_typer(bench, name="bench")


def _levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected numbers separated by commas, got {text!r}") from None
    if not levels or min(levels) < 1:
        raise typer.BadParameter("each concurrency level must be 1 or more")
    return levels


@bench.command("serve")
def serve(
    url: Annotated[str, typer.Option("--url", help="the server: http://host:port, …/v1 or …/v1/chat/completions")],
    concurrency: Annotated[
        str, typer.Option("--concurrency", "-c", help="concurrency levels, comma-separated, run in turn")
    ] = "1,4,16",
    requests: Annotated[int, typer.Option("--requests", "-n", min=1, help="requests per level")] = 32,
    model: Annotated[str | None, typer.Option("--model", "-m", help="model name (default: the server's first)")] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="bearer key the server expects", envvar="LLMWORKS_BENCH_API_KEY")
    ] = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=1, help="output tokens asked per request")] = 128,
    ignore_eos: Annotated[
        bool, typer.Option("--ignore-eos", help="ask for exactly --max-tokens (vLLM and llama.cpp honour it)")
    ] = False,
    temperature: Annotated[
        float | None, typer.Option("--temperature", "-t", help="sampling temperature (default: the server's)")
    ] = None,
    prompts: Annotated[Path | None, typer.Option("--prompts", help="text file, one prompt a line")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="seconds one request may take")] = 600.0,
    as_json: Annotated[bool, typer.Option("--json", help="print the results as JSON")] = False,
) -> None:
    """Load-test an OpenAI-compatible /v1/chat/completions server; vLLM's metrics, one column per level.

    Streams every request (stream_options.include_usage) and reports what `vllm bench serve` reports: request and
    token throughput, and mean/median/p99 of TTFT, TPOT (time per output token after the first), ITL (gaps
    between streamed tokens) and E2E latency, computed with vLLM's definitions so the numbers compare directly.
    Every request of a level is sent at once; the concurrency level caps how many are in flight.

    \b
    Examples:
      llmworks bench serve --url http://127.0.0.1:8000 --concurrency 1,4,16 --requests 32
      llmworks bench serve --url http://gpu:8000/v1 -m Qwen/Qwen2.5-7B-Instruct --ignore-eos --json > vllm.json
      LLMWORKS_BENCH_API_KEY=sk-local llmworks bench serve --url http://127.0.0.1:8000 -c 1 -n 8
    """
    from ..apps import loadtest
    from .render import render

    levels = _levels(concurrency)
    texts = loadtest.load_prompts(prompts) if prompts else None
    events = loadtest.run(
        url,
        concurrency=levels,
        requests=requests,
        model=model,
        api_key=api_key,
        max_tokens=max_tokens,
        prompts=texts,
        ignore_eos=ignore_eos,
        temperature=temperature,
        timeout_s=timeout,
    )
    report = render(events, as_json=(lambda r: r.as_dict()) if as_json else None).result
    if not as_json:
        _table(report)


def _table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "Serving benchmark",
        *(f"concurrency {m.concurrency}" for m in report.levels),
        title=f"{report.model} at {report.url}: {report.requests} requests a level, ≤ {report.max_tokens} tokens each",
    )
    for label, name, fmt in ROWS:
        table.add_row(label, *(fmt.format(getattr(m, name)) for m in report.levels))
    Console(highlight=False).print(table)
