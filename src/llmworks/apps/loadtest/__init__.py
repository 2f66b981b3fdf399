"""Load benchmark of an OpenAI-compatible chat server with `vllm bench serve`'s metrics (TTFT, TPOT, ITL, E2E,
request and token throughput) at several concurrency levels.

    from llmworks.apps import loadtest
    from llmworks.events import result
    report = result(loadtest.run("http://127.0.0.1:8000", concurrency=[1, 4, 16], requests=32))
"""

from .loadtest import CONCURRENCY, MAX_TOKENS, PROMPTS, REQUESTS, LoadReport, load_prompts, run
from .metrics import Metrics, RequestOutput, calculate

__all__ = [
    "CONCURRENCY",
    "MAX_TOKENS",
    "PROMPTS",
    "REQUESTS",
    "LoadReport",
    "Metrics",
    "RequestOutput",
    "calculate",
    "load_prompts",
    "run",
]
