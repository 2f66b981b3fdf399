"""Batch work fanned out on Ray: one function over the chunks of a list, results back in input order.

    from llmworks.scale import embed
    vectors = embed(texts, ray="local")            # Ray on this machine's cores; or ray="ray://head:10001"

Without `ray` the work runs in this process, through the same function, so both paths give the same results (a test
compares them). Ray is the engine, not a home-made pool: its scheduler, retries and cluster mode come with it.
Workers read the same LLMWORKS_* settings (models dir, cache) as the caller: they are passed in the runtime env.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .errors import LlmworksError

LOCAL = "local"
"""`ray=LOCAL`: start Ray in this process with the machine's cores (no cluster needed)."""
FAN_OUT = 2048
"""Texts handed to Ray at once by batch jobs that save as they go (RAG ingest, the pricer's embedding cache): eight
tasks of `embed`'s chunk, so every core has work while a kill still loses little."""
HELP = "embed on Ray: 'local' (this machine's cores) or a cluster address (ray://head:10001)"
"""The `--ray` option's help, for every command that takes it."""
MIN_CHUNK = 16
"""Fewer texts than this are not worth a task: a worker's round trip costs more than embedding them here."""
_active: list[str] = []


@contextmanager
def using(address: str | None) -> Iterator[None]:
    """Within the block, batch embeddings (`llmworks.embed.embed`, RAG ingest, the pricer's fits) run on Ray at
    `address` ("local" or a cluster); None leaves them in this process. Commands wrap their work in this."""
    if address:
        _active.append(address)
    try:
        yield
    finally:
        if address:
            _active.pop()


def active() -> str | None:
    """The Ray address batch work goes to now, or None."""
    return _active[-1] if _active else None


def _connect(address: str) -> None:
    import ray

    if ray.is_initialized():
        return
    env = {k: v for k, v in os.environ.items() if k.startswith(("LLMWORKS_", "HF_")) and "KEY" not in k}
    options: dict[str, Any] = {
        "runtime_env": {"env_vars": env},
        "include_dashboard": False,
        "log_to_driver": False,
        "configure_logging": False,
    }
    try:
        if address == LOCAL:
            ray.init(num_cpus=os.cpu_count() or 1, **options)
        else:
            ray.init(address=address, **options)
    except ConnectionError as e:
        raise LlmworksError(
            f"Cannot reach the Ray cluster at {address}: {e}", "Start it (ray start --head) or check the address."
        ) from None


def ray_map(fn: Callable[[Any], Any], chunks: Sequence[Any], *, address: str = LOCAL, cpus: float = 1) -> list:
    """`[fn(c) for c in chunks]`, each call a Ray task of `cpus` cores; results in input order."""
    import ray

    _connect(address)
    task = ray.remote(num_cpus=cpus)(fn)
    return ray.get([task.remote(c) for c in chunks])


def chunked(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _embed_chunk(job: tuple[list[str], str | None]):
    from . import llm

    texts, model = job
    return llm.embed(texts, model=model).vectors


def embed(texts: Sequence[str], *, model: str | None = None, ray: str | None = None, chunk: int = 256):
    """Unit vectors of `texts` (n, dimensions), as `llm.embed` gives them, computed here or on Ray in chunks of at
    most `chunk` (at least eight chunks when there are enough texts, so every core of a cluster gets work)."""
    import math

    import numpy as np

    from . import llm

    texts = list(texts)
    size = max(MIN_CHUNK, min(chunk, math.ceil(len(texts) / 8)))
    if not ray or len(texts) <= size:
        return llm.embed(texts, model=model).vectors
    parts = ray_map(_embed_chunk, [(list(c), model) for c in chunked(texts, size)], address=ray)
    return np.concatenate(parts)
