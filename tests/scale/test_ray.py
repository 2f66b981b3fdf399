"""Batch work on Ray (local mode) gives what the single-process path gives."""

from __future__ import annotations

import numpy as np
import pytest

from llmworks import scale

pytest.importorskip("ray")


@pytest.fixture(scope="module")
def ray_local():
    import ray

    yield scale.LOCAL
    ray.shutdown()


def test_ray_map_keeps_the_input_order(ray_local):
    from llmworks.text import one_line

    assert [len(c) for c in scale.chunked(list(range(23)), 5)] == [5, 5, 5, 5, 3]
    jobs = [f"line {i}\nnext {i}" for i in range(12)]
    # workers import what they run: a library function, not one defined in a test module
    assert scale.ray_map(one_line, jobs, address=ray_local) == [one_line(j) for j in jobs]


@pytest.mark.slow
def test_embeddings_on_ray_equal_the_single_process_ones(ray_local):
    texts = [f"product {i}: a {'red' if i % 2 else 'blue'} widget with {i} parts" for i in range(40)]
    here = scale.embed(texts)
    there = scale.embed(texts, ray=ray_local, chunk=16)  # three tasks, on worker processes
    assert there.shape == here.shape == (40, 384)
    assert np.allclose(there, here, atol=1e-5)
