"""The app contract: every app is a generator of these events; the terminal, the workbench and the server render
them without knowing which app is talking.

    for event in brochure.run("Acme", "https://acme.example"):
        match event:
            case Progress(text=text): print(text)            # what the app is doing now
            case Delta(text=text): print(text, end="")        # a piece of the reply as it is written
            case ToolStep(name=name, result=result): ...      # a tool the model called, and what it returned
            case Done(result=result, usage=usage): ...        # the typed result, and every model call's usage summed

An app function is decorated with `@app`, which fills `Done.usage` with the tokens and cost of every model call the
app made (see `llm.meter`). `result(events)` runs an app to the end and returns its result, for callers that do not
render progress.
"""

from __future__ import annotations

import contextvars
import functools
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, ParamSpec, TypeVar

from .llm.meter import Meter, metered
from .llm.types import Usage

R = TypeVar("R")
T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Progress:
    """What the app is doing now ("Reading https://…"); `warning` marks something skipped or degraded."""

    text: str
    warning: bool = False
    kind: Literal["progress"] = "progress"


@dataclass(frozen=True)
class Delta:
    """A piece of the app's text reply, in order."""

    text: str
    kind: Literal["delta"] = "delta"


@dataclass(frozen=True)
class ToolStep:
    """One tool call: its arguments and its result (or the error sent back to the model)."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    result: str | None = None
    error: str | None = None
    kind: Literal["tool"] = "tool"

    @classmethod
    def of(cls, step: Any) -> ToolStep:
        """From the model layer's `llm.ToolStep`."""
        return cls(step.name, dict(step.arguments or {}), step.result, step.error)


@dataclass(frozen=True)
class Done(Generic[R]):
    """The last event: the app's typed result and the usage of all its model calls."""

    result: R
    usage: Usage = field(default_factory=Usage)
    calls: int = 0
    """How many model calls the usage sums."""
    kind: Literal["done"] = "done"


Event = Progress | Delta | ToolStep | Done


def app(fn: Callable[P, Generator[Event, None, None]]) -> Callable[P, Iterator[Event]]:
    """Make a generator function an app: its Done carries the usage of every model call made while it ran."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> Iterator[Event]:
        meter = Meter()
        events = fn(*args, **kwargs)
        try:
            while True:
                with metered(meter):  # only while the app itself runs, not while the caller renders
                    try:
                        event = next(events)
                    except StopIteration:
                        return
                if isinstance(event, Done):
                    event = replace(event, usage=meter.usage, calls=meter.calls)
                yield event
        finally:
            events.close()

    return run


def final(events: Iterable[Event]) -> Done:
    """Run an app to its end; its Done event."""
    done = None
    for event in events:
        if isinstance(event, Done):
            done = event
    if done is None:
        raise RuntimeError("the app ended without a Done event")  # a bug in the app, not the user's doing
    return done


def result(events: Iterable[Event]) -> Any:
    """Run an app to its end; its result."""
    return final(events).result


def as_they_happen(work: Callable[[Callable[[T], None]], R]) -> Generator[T, None, R]:
    """Run `work(report)`, a blocking job that reports through a callback (a tool loop's on_step, a trainer's log),
    on a worker thread; yield each report the moment it is made, then return the job's result (or raise its error):

        run = yield from as_they_happen(lambda report: llm.run_tools(..., on_step=lambda s: report(ToolStep.of(s))))

    The worker runs in a copy of this context, so the app's usage meter still counts its model calls. A caller that
    stops listening does not stop the job: it runs to its end (a booking under way is made)."""
    out: queue.SimpleQueue = queue.SimpleQueue()
    context = contextvars.copy_context()

    def worker() -> None:
        try:
            out.put((True, context.run(work, lambda item: out.put((False, item)))))
        except BaseException as e:  # handed to the caller's thread and raised there
            out.put((True, e))

    threading.Thread(target=worker, name="llmworks-job", daemon=True).start()
    while True:
        finished, value = out.get()
        if not finished:
            yield value
        elif isinstance(value, BaseException):
            raise value
        else:
            return value
