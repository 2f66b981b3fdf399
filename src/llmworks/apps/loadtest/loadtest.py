"""`bench serve`: load an OpenAI-compatible chat server at several concurrency levels and report the metrics
`vllm bench serve` reports (see metrics.py), so our server, llama.cpp's and vLLM's compare number for number.

    report = events.result(loadtest.run("http://127.0.0.1:8000", concurrency=[1, 4], requests=8))
    report.levels[0].output_throughput, report.levels[0].median_ttft_ms
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from ...errors import DataError, LlmworksError
from ...events import Done, Event, Progress, app, as_they_happen
from .client import chat_url, models_url, payload, request
from .metrics import Metrics, RequestOutput, calculate

CONCURRENCY = (1, 4, 16)
REQUESTS = 32
"""Per level; as in vLLM, every request is sent at once and the concurrency cap alone paces them."""
MAX_TOKENS = 128
TIMEOUT_S = 600.0
"""One request's limit: a CPU server with 16 requests queued ahead of it takes minutes, not hours."""
PROMPTS = [
    "Explain what a hash table is and when to use one.",
    "Write a short story about a lighthouse keeper who finds a message in a bottle.",
    "Summarise the causes of the French Revolution in a few sentences.",
    "Describe how a bicycle's gears make climbing hills easier.",
    "Give three tips for writing clear technical documentation.",
    "What is the difference between a process and a thread?",
    "Write a haiku sequence about the four seasons.",
    "Explain photosynthesis to a ten-year-old.",
    "List the planets of the solar system with one fact about each.",
    "How does public-key cryptography let strangers communicate securely?",
    "Describe a healthy weekly meal plan for a busy student.",
    "Explain the rules of chess in plain language.",
    "Why is the sky blue? Explain the physics simply.",
    "Write a product description for a waterproof hiking backpack.",
    "Compare Python and Rust for writing command-line tools.",
    "What are the main ideas of the theory of evolution?",
]
"""Varied English requests of 10-20 tokens (the built-in set; --prompts replaces it)."""


@dataclass
class LoadReport:
    url: str
    model: str
    requests: int
    max_tokens: int
    levels: list[Metrics] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "model": self.model,
            "requests": self.requests,
            "max_tokens": self.max_tokens,
            "levels": [asdict(m) for m in self.levels],
        }


def load_prompts(path: str | Path) -> list[str]:
    """Prompts from a text file, one a line (blank lines skipped)."""
    prompts = [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not prompts:
        raise DataError("no prompts in the file.", "Write one prompt per line.", path=path)
    return prompts


@app
def run(
    url: str,
    *,
    concurrency: Sequence[int] = CONCURRENCY,
    requests: int = REQUESTS,
    model: str | None = None,
    api_key: str | None = None,
    max_tokens: int = MAX_TOKENS,
    prompts: Sequence[str] | None = None,
    ignore_eos: bool = False,
    temperature: float | None = None,
    timeout_s: float = TIMEOUT_S,
    extra_body: dict | None = None,
) -> Generator[Event, None, None]:
    """A warm-up request, then `requests` requests at each concurrency level, one level after the other."""
    if requests < 1 or not concurrency or min(concurrency) < 1:
        raise LlmworksError(
            "Requests and concurrency levels must be 1 or more.", "E.g. --concurrency 1,4,16 --requests 32."
        )
    endpoint = chat_url(url)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    if not endpoint.startswith(("http://", "https://")):
        raise LlmworksError(f"Not an http(s) URL: {url}", "E.g. --url http://127.0.0.1:8000")
    model = model or _first_model(url, headers)
    texts = itertools.cycle(prompts or PROMPTS)

    yield Progress(f"Warm-up request to {endpoint} ({model})")
    first = payload(model, next(texts), max_tokens, extra_body=extra_body)
    warm, _ = asyncio.run(_level(endpoint, [first], 1, headers, timeout_s))
    if not warm[0].success:
        raise LlmworksError(
            f"The warm-up request to {endpoint} failed: {warm[0].error}",
            "Check the URL, --model and --api-key (the server must speak OpenAI's /v1/chat/completions).",
        )
    summary = LoadReport(endpoint, model, requests, max_tokens)
    for level in concurrency:
        bodies = [
            payload(
                model, next(texts), max_tokens, ignore_eos=ignore_eos, temperature=temperature, extra_body=extra_body
            )
            for _ in range(requests)
        ]
        yield Progress(f"Concurrency {level}: {requests} requests")
        job = _job(endpoint, bodies, level, headers, timeout_s)
        outputs, duration = yield from as_they_happen(job)
        metrics = calculate(outputs, duration, level)
        if metrics.failed:
            yield Progress(f"{metrics.failed} of {requests} requests failed, e.g. {metrics.errors[0]}", warning=True)
        summary.levels.append(metrics)
    yield Done(summary)


def _job(url: str, bodies: list[dict], level: int, headers: dict[str, str], timeout_s: float):
    """One level as a blocking job for `as_they_happen`: its own event loop on the worker thread."""
    return lambda report: asyncio.run(_level(url, bodies, level, headers, timeout_s, _counter(report, len(bodies))))


def _counter(report: Callable[[Progress], None], total: int) -> Callable[[RequestOutput], None]:
    """Report every tenth of the level as it completes (a progress line, not a line per request)."""
    done = itertools.count(1)
    step = max(1, total // 10)

    def completed(_: RequestOutput) -> None:
        n = next(done)
        if n % step == 0 or n == total:
            report(Progress(f"  {n}/{total} done"))

    return completed


async def _level(
    url: str,
    bodies: list[dict],
    concurrency: int,
    headers: dict[str, str],
    timeout_s: float,
    on_done: Callable[[RequestOutput], None] | None = None,
) -> tuple[list[RequestOutput], float]:
    """All `bodies` sent at once, at most `concurrency` in flight; (outputs in order, wall time of the level)."""
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timeout = httpx.Timeout(timeout_s, connect=10.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:

        async def one(body: dict) -> RequestOutput:
            async with gate:
                out = await request(client, url, body, headers)
            if on_done:
                on_done(out)
            return out

        start = time.perf_counter()
        outputs = await asyncio.gather(*(one(b) for b in bodies))
        return list(outputs), time.perf_counter() - start


def _first_model(url: str, headers: dict[str, str]) -> str:
    """The first model the server lists (GET /v1/models), as vLLM picks one when none is named."""
    where = models_url(url)
    try:
        response = httpx.get(where, headers=headers, timeout=10.0, trust_env=False)
        response.raise_for_status()
        return response.json()["data"][0]["id"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as e:
        raise LlmworksError(
            f"Could not read the model list at {where} ({type(e).__name__}: {e}).",
            "Is the server running? Name the model with --model.",
        ) from None
