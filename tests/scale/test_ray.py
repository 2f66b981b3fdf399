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


@pytest.mark.slow
def test_pricer_fit_with_ray_gives_the_single_process_estimates(ray_local, tmp_path, monkeypatch):
    from llmworks.apps.pricer import Item, make_pricer

    words = ["cordless drill", "guitar strings", "laser printer", "car wax", "phone case", "stand mixer"]
    items = [
        Item(title=f"{w} {i}", price=10.0 + 7 * i, text=f"{w} model {i}, {i % 5} pack, steel and plastic")
        for i, w in enumerate(words * 8)
    ]
    train, test = items[:40], items[40:]
    monkeypatch.setenv("LLMWORKS_CACHE_DIR", str(tmp_path / "here"))
    here = make_pricer("knn").fit(train).predict(test)
    monkeypatch.setenv("LLMWORKS_CACHE_DIR", str(tmp_path / "ray"))  # an empty cache: everything embedded on Ray
    with scale.using(ray_local):
        there = make_pricer("knn").fit(train).predict(test)
    assert np.allclose(there, here, rtol=1e-5)


@pytest.mark.slow
def test_rag_ingest_with_ray_gives_the_single_process_index(ray_local, tmp_path):
    from llmworks.apps.rag import ingest, open_store

    (tmp_path / "notes").mkdir()
    for i in range(24):
        text = f"# Note {i}\n\nProduct {i} costs ${i * 10} and ships from city {i % 4}."
        (tmp_path / f"notes/doc{i}.md").write_text(text)
    here, there = open_store(kind="faiss"), open_store(kind="faiss")
    ingest(tmp_path, here)
    with scale.using(ray_local):
        ingest(tmp_path, there)
    a, b = here.all(vectors=True), there.all(vectors=True)
    assert a.ids == b.ids and len(a.ids) == 24
    assert np.allclose(a.vectors, b.vectors, atol=1e-5)
