"""Progress from deep inside a fit: pricers call `report("…")`; the job that started the fit turns each line into a
Progress event (workflow.fitting) while the caller without a listener hears nothing.

    with reporting(print):
        make_pricer("ensemble").fit(items)     # "Ensemble fold 2/5: knn…", "Embedding 4,096/16,963 texts…"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_listener: ContextVar[Callable[[str], None] | None] = ContextVar("pricer_progress", default=None)


def report(text: str) -> None:
    """Tell whoever listens what the fit is doing now."""
    listener = _listener.get()
    if listener is not None:
        listener(text)


def listening() -> bool:
    return _listener.get() is not None


@contextmanager
def reporting(listener: Callable[[str], None]) -> Iterator[None]:
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def duration(seconds: float) -> str:
    """'40 s', '3 min', '1 h 05 min': an estimate, rounded as one."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds // 3600:.0f} h {seconds % 3600 / 60:02.0f} min"
