"""The provider contracts: a Model turns a Request into a Completion, or a stream of text deltas ending in one; an
Embedder turns texts into vectors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import ModelInfo, capabilities
from ..errors import LLMError
from ..types import Completion, Request

if TYPE_CHECKING:
    import numpy as np


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

    _info: ModelInfo | None = None

    @property
    def info(self) -> ModelInfo:
        """What this model can do (tools, json_schema, vision, image_output, embedded): its catalog entry, or a capable
        remote model's defaults for a name the catalog does not know."""
        if self._info is None or self._info.name != self.name:
            self._info = capabilities(self.name)
        return self._info

    @abstractmethod
    def complete(self, request: Request) -> Completion: ...

    def stream(self, request: Request) -> Iterator[str | Completion]:
        """Yield text deltas, then one final Completion (with usage). Default: one delta from `complete`."""
        completion = self.complete(request)
        if completion.text:
            yield completion.text
        yield completion

    def image(self, prompt: str, *, size: str = "1024x1024") -> bytes:
        """PNG bytes, for models whose info says `image_output`."""
        raise LLMError(f"{self.name} cannot draw images.", "Use an image model such as openai/gpt-image-1.")

    def count_tokens(self, text: str) -> int:
        """Token count of `text`; an estimate (4 characters a token) unless the provider can tokenize."""
        return max(1, len(text) // 4)

    @property
    def counts_exactly(self) -> bool:
        return type(self).count_tokens is not Model.count_tokens

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


@dataclass
class Vectors:
    """What an embedder returns for one batch: unit vectors in input order, and the tokens it read."""

    vectors: np.ndarray
    input_tokens: int


class Embedder(ABC):
    """One embedding model: texts in, unit-length float32 vectors out (dot product = cosine)."""

    name: str = ""
    dimensions: int = 0

    @abstractmethod
    def embed(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> Vectors: ...

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
