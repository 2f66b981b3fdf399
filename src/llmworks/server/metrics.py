"""Prometheus metrics of one server: requests, tokens, latency, time to first token, queue lengths, errors.

Each app gets its own registry, so two servers in one process (tests) never share counters.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("llmworks_requests", "HTTP requests answered", ["route", "status"], registry=r)
        self.errors = Counter("llmworks_errors", "Requests that failed, by error type", ["route", "type"], registry=r)
        self.latency = Histogram(
            "llmworks_request_seconds", "Request time to the last byte", ["route"], buckets=LATENCY, registry=r
        )
        self.ttft = Histogram(
            "llmworks_ttft_seconds", "Time to the first token of a reply", ["model"], buckets=LATENCY, registry=r
        )
        self.tokens = Counter("llmworks_tokens", "Tokens read and written", ["model", "direction"], registry=r)
        self.waiting = Gauge("llmworks_queue_waiting", "Requests waiting for a slot", ["gate"], registry=r)
        self.running = Gauge("llmworks_queue_running", "Requests holding a slot", ["gate"], registry=r)

    def usage(self, model: str, input_tokens: int, output_tokens: int, ttft: float | None) -> None:
        self.tokens.labels(model, "input").inc(input_tokens)
        self.tokens.labels(model, "output").inc(output_tokens)
        if ttft is not None:
            self.ttft.labels(model).observe(ttft)

    def text(self) -> bytes:
        return generate_latest(self.registry)
