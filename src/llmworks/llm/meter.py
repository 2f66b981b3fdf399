"""Usage meters: sum the tokens and cost of every model call made while a meter is active.

An app does not thread usage through its helpers: `llmworks.events.app` opens a meter around each step of the app,
and `llm` adds every response to all meters active at that moment (nested apps count in their caller's total too).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from .types import Usage


@dataclass
class Meter:
    usage: Usage = field(default_factory=lambda: Usage(cost_usd=0.0))
    calls: int = 0

    def add(self, usage: Usage) -> None:
        self.usage = self.usage + usage
        self.calls += 1


_active: ContextVar[tuple[Meter, ...]] = ContextVar("llmworks_meters", default=())


@contextmanager
def metered(meter: Meter | None = None) -> Iterator[Meter]:
    """Count every model call made inside the block (in this thread or context) into `meter`."""
    meter = meter or Meter()
    token = _active.set(_active.get() + (meter,))
    try:
        yield meter
    finally:
        _active.reset(token)


def record(usage: Usage) -> None:
    for meter in _active.get():
        meter.add(usage)
