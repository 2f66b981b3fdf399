"""The provider contract: a Model turns a Request into a Completion, or a stream of text deltas ending in one."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from ..types import Completion, Request


class Model(ABC):
    """One callable model. Subclasses implement `complete` and `stream`; everything else is the client's job."""

    name: str = ""
    """Full `provider/model` name."""
    context_window: int | None = None
    max_output: int | None = None
    """Output cap applied when the caller sets no max_tokens (None: the provider's own default)."""
    streams_cheaply: bool = False
    """complete() may run as a stream at no extra cost (in-process models), so the client's repetition guard can
    stop a looping reply mid-way instead of after it."""

    @abstractmethod
    def complete(self, request: Request) -> Completion: ...

    def stream(self, request: Request) -> Iterator[str | Completion]:
        """Yield text deltas, then one final Completion (with usage). Default: one delta from `complete`."""
        completion = self.complete(request)
        if completion.text:
            yield completion.text
        yield completion

    def count_tokens(self, text: str) -> int:
        """Token count of `text`; an estimate (4 characters a token) unless the provider can tokenize."""
        return max(1, len(text) // 4)

    @property
    def counts_exactly(self) -> bool:
        return type(self).count_tokens is not Model.count_tokens

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
