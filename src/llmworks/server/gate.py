"""Admission in front of each engine: a few requests run, a bounded number wait, the rest get 429 at once.

The embedded models share one llama.cpp engine that generates one reply at a time, so an unbounded queue would only
turn load into timeouts. A full queue answers "busy, retry in N s" (N from recent durations), never hangs.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from dataclasses import dataclass, field


class QueueFull(Exception):
    """Every slot is busy and the waiting line is full."""

    def __init__(self, gate: str, retry_after: int):
        super().__init__(f"{gate} is busy: {retry_after} s")
        self.gate, self.retry_after = gate, retry_after


@dataclass
class Gate:
    name: str
    slots: int = 1
    """Requests served at once (1 for the embedded engine)."""
    queue: int = 8
    """Requests allowed to wait for a slot; one more is refused with 429."""
    running: int = 0
    waiting: int = 0
    _free: asyncio.Condition | None = None
    _recent: deque[float] = field(default_factory=lambda: deque(maxlen=16))

    async def enter(self) -> None:
        """Take a slot, waiting in line if there is room in it; QueueFull if not."""
        if self._free is None:
            self._free = asyncio.Condition()
        if self.running >= self.slots and self.waiting >= self.queue:
            raise QueueFull(self.name, self.retry_after())
        self.waiting += 1
        try:
            async with self._free:
                await self._free.wait_for(lambda: self.running < self.slots)
                self.running += 1
        finally:
            self.waiting -= 1

    async def leave(self, seconds: float | None = None) -> None:
        """Give the slot back (with how long it was held, for Retry-After estimates)."""
        if seconds is not None:
            self._recent.append(seconds)
        assert self._free is not None
        async with self._free:
            self.running -= 1
            self._free.notify()

    async def run(self, fn, *args, **kwargs):
        """`fn(*args, **kwargs)` on a worker thread while holding a slot (QueueFull when there is no room)."""
        from starlette.concurrency import run_in_threadpool

        await self.enter()
        started = time.perf_counter()
        try:
            return await run_in_threadpool(fn, *args, **kwargs)
        finally:
            await self.leave(time.perf_counter() - started)

    def retry_after(self) -> int:
        """Seconds until a place in line is likely free: the mean recent request time x the line ahead, per slot."""
        mean = sum(self._recent) / len(self._recent) if self._recent else 5.0
        return max(1, math.ceil(mean * (self.waiting + 1) / self.slots))
