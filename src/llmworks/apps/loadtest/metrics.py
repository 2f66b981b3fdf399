"""The serving metrics of `vllm bench serve`, computed as vLLM computes them (vllm/benchmarks/serve.py,
`calculate_metrics`), so a table from here compares directly with vLLM's and llama.cpp's:

- TTFT: request sent → first SSE message carrying `choices` (its text may be empty).
- ITL: the gaps between consecutive `choices` messages of one request, pooled over all requests.
- E2E latency: request sent → last `choices` message (the trailing usage message does not count).
- TPOT, per request with more than one output token: (E2E − TTFT) / (output tokens − 1).
- Output tokens: the server's `usage.completion_tokens` (stream_options.include_usage); without it, the count of
  content messages (vLLM falls back to its tokenizer, which we do not have for an arbitrary server).
- Request throughput = completed / wall time of the level; output throughput = output tokens / wall time;
  total token throughput = (prompt + output tokens) / wall time.
- mean, median and p99 (numpy's linear percentile) of each, in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

PERCENTILE = 99


@dataclass
class RequestOutput:
    """One request as the client saw it (times in seconds)."""

    success: bool = False
    ttft: float = 0.0
    latency: float = 0.0
    itl: list[float] = field(default_factory=list)
    output_tokens: int = 0
    prompt_tokens: int = 0
    text: str = ""
    error: str = ""


@dataclass
class Metrics:
    """One concurrency level's results, vLLM's field names (milliseconds for times)."""

    concurrency: int
    completed: int
    failed: int
    duration_s: float
    total_input_tokens: int
    total_output_tokens: int
    request_throughput: float
    output_throughput: float
    total_token_throughput: float
    mean_ttft_ms: float
    median_ttft_ms: float
    p99_ttft_ms: float
    mean_tpot_ms: float
    median_tpot_ms: float
    p99_tpot_ms: float
    mean_itl_ms: float
    median_itl_ms: float
    p99_itl_ms: float
    mean_e2el_ms: float
    median_e2el_ms: float
    p99_e2el_ms: float
    errors: list[str] = field(default_factory=list)
    """The first few failures' messages."""


def _stats(values: list[float]) -> tuple[float, float, float]:
    """(mean, median, p99) in ms; zeros when there are no values, as vLLM reports them."""
    data = np.asarray(values or [0.0], dtype=float) * 1000
    return float(data.mean()), float(np.median(data)), float(np.percentile(data, PERCENTILE))


def calculate(outputs: list[RequestOutput], duration_s: float, concurrency: int) -> Metrics:
    ok = [o for o in outputs if o.success]
    tokens = [o.output_tokens or (len(o.itl) + 1) for o in ok]
    tpots = [(o.latency - o.ttft) / (n - 1) for o, n in zip(ok, tokens) if n > 1]
    itls = [gap for o in ok for gap in o.itl]
    total_in, total_out = sum(o.prompt_tokens for o in ok), sum(tokens)
    ttft, tpot, itl, e2el = _stats([o.ttft for o in ok]), _stats(tpots), _stats(itls), _stats([o.latency for o in ok])
    return Metrics(
        concurrency=concurrency,
        completed=len(ok),
        failed=len(outputs) - len(ok),
        duration_s=duration_s,
        total_input_tokens=total_in,
        total_output_tokens=total_out,
        request_throughput=len(ok) / duration_s,
        output_throughput=total_out / duration_s,
        total_token_throughput=(total_in + total_out) / duration_s,
        mean_ttft_ms=ttft[0],
        median_ttft_ms=ttft[1],
        p99_ttft_ms=ttft[2],
        mean_tpot_ms=tpot[0],
        median_tpot_ms=tpot[1],
        p99_tpot_ms=tpot[2],
        mean_itl_ms=itl[0],
        median_itl_ms=itl[1],
        p99_itl_ms=itl[2],
        mean_e2el_ms=e2el[0],
        median_e2el_ms=e2el[1],
        p99_e2el_ms=e2el[2],
        errors=[o.error for o in outputs if not o.success][:5],
    )
