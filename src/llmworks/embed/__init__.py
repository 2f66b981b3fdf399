"""Sentence embeddings as plain arrays, for the RAG index and the pricer's neighbours: `llm.embed` underneath, so
every call is logged, costed and metered like any model call.

    vectors = embed(["a text", "another"])   # (2, 384) float32, L2-normalised: dot product = cosine (local/minilm)
    vectors = embed(texts, model="openai/text-embedding-3-small")   # OpenAI, key from OPENAI_API_KEY
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..llm import catalog

if TYPE_CHECKING:
    from ..llm import Embedder

DEFAULT = catalog.EMBEDDING_DEFAULT
OPENAI_DIMENSIONS = {
    info.name.split("/", 1)[1]: info.dimensions for info in catalog.EMBEDDERS if info.provider.name == "openai"
}
"""Remote embedders by model id, with their vector sizes (from the catalog)."""


def dimensions(model: str = DEFAULT) -> int:
    return catalog.find_embedder(model).dimensions or 0


def embed(
    texts: list[str], *, model: str | Embedder = DEFAULT, batch_size: int = 32, progress: bool = False
) -> np.ndarray:
    """Embed `texts` → (len(texts), dims) float32 array of unit vectors."""
    from .. import llm, scale

    if scale.active():  # a --ray command: chunks of the batch on Ray's workers (they load the model by name)
        return scale.embed(texts, model=model if isinstance(model, str) else model.name, ray=scale.active())
    return llm.embed(texts, model=model, batch_size=batch_size, progress=progress).vectors
