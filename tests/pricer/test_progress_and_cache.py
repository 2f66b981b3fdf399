"""The machine's embedding cache (shared by data dirs, keyed by embedder and text) and the fit's progress lines."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from llmworks import llm
from llmworks.apps.pricer import embedding_cache, make_pricer
from llmworks.apps.pricer.embedding_cache import embed_cached
from llmworks.apps.pricer.progress import duration, reporting
from llmworks.config import reset_settings
from llmworks.events import Progress
from llmworks.llm.testing import FunctionEmbedder

from .conftest import bag_of_words


def texts_embedded(embedder) -> list[str]:
    return [t for batch in embedder.batches for t in batch]


def test_a_fresh_data_dir_reuses_what_the_machine_embedded(tmp_path, monkeypatch, fake_embed):
    texts = [f"cordless drill model {k}" for k in range(40)]
    first = embed_cached(texts)
    assert len(texts_embedded(fake_embed)) == 40
    monkeypatch.setenv("LLMWORKS_HOME", str(tmp_path / "fresh_home"))
    reset_settings()
    again = embed_cached(texts + ["a new text"])
    assert texts_embedded(fake_embed)[40:] == ["a new text"]  # only the text never seen
    assert np.allclose(again[:40], first)
    assert np.allclose(again[40], bag_of_words(["a new text"])[0] / np.linalg.norm(bag_of_words(["a new text"])[0]))


def test_rows_are_keyed_by_the_embedder_that_made_them(fake_embed):
    embed_cached(["usb cable"])
    other = FunctionEmbedder(lambda texts: np.ones((len(texts), 8)), dimensions=8, name="test/other")
    with llm.override({"local/minilm": other}):
        assert embed_cached(["usb cable"]).shape == (1, 8)
    assert other.batches == [["usb cable"]]


def test_duplicates_are_embedded_once_and_order_is_kept(fake_embed):
    vectors = embed_cached(["b", "a", "b"])
    assert texts_embedded(fake_embed) == ["b", "a"]
    assert np.allclose(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])


def test_a_damaged_row_is_recomputed(fake_embed):
    embed_cached(["brake pads"])
    db = embedding_cache._open()
    db.execute("UPDATE vectors SET vector = ?", (b"\x00\x01",))
    db.close()
    assert embed_cached(["brake pads"]).shape == (1, 64)
    assert texts_embedded(fake_embed) == ["brake pads", "brake pads"]


def test_vectors_of_the_old_per_data_dir_cache_are_adopted(fake_embed):
    from llmworks.files import home

    text = "guitar amplifier"
    old = hashlib.sha1(text.encode()).hexdigest()
    folder = home() / "pricer" / "embeddings" / old[:2]
    folder.mkdir(parents=True)
    np.save(folder / f"{old}.npy", np.full(384, 0.05, dtype=np.float32))
    minilm_sized = FunctionEmbedder(lambda texts: np.ones((len(texts), 384)), dimensions=384, name="local/minilm")
    with llm.override({"local/minilm": minilm_sized}):
        assert embed_cached([text])[0][0] == pytest.approx(0.05)
        assert minilm_sized.batches == []


def test_long_embedding_says_how_long_before_it_starts(monkeypatch, fake_embed):
    monkeypatch.setattr(embedding_cache, "BATCH", 10)
    lines: list[str] = []
    with reporting(lines.append):
        embed_cached([f"text {k}" for k in range(35)])
    assert lines[0].startswith("Embedding 35 new texts with test/embedder (about ")
    assert embedding_cache.missing_count([f"text {k}" for k in range(37)])[0] == 2


def test_durations_read_as_estimates():
    assert [duration(s) for s in (0.2, 40, 600, 4000)] == ["1 s", "40 s", "10 min", "1 h 07 min"]


def test_training_shows_the_embedding_estimate_and_each_ensemble_step(items_file, fake_embed):
    from llmworks.apps.pricer.workflow import run_train

    options = {"members": ["constant", "knn"], "folds": 2}
    events = list(run_train("ensemble", items_file, options=options))
    lines = [e.text for e in events if isinstance(e, Progress)]
    assert lines[0] == "Fitting ensemble on 160 items (160 texts to embed first, about 5 s)…"
    folds = [line for line in lines if line.startswith("Ensemble fold")]
    assert len(folds) == 4 and "about" in folds[-1]  # 2 folds x 2 members, the time left from the pace so far
    assert any(line.startswith("Ensemble: knn on all 160 items") for line in lines)


def test_a_pricer_without_embeddings_promises_none(items_file, fake_embed):
    from llmworks.apps.pricer.workflow import run_train

    events = list(run_train("bow", items_file))
    assert [e.text for e in events if isinstance(e, Progress)] == ["Fitting bow on 160 items…"]
    assert fake_embed.batches == []
    assert not make_pricer("tfidf", embeddings=False).embeds() and make_pricer("ensemble").embeds()


def test_a_damaged_cache_file_is_set_aside_and_started_afresh(fake_embed):
    path = embedding_cache.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database, just some bytes" * 100)
    lines: list[str] = []
    with reporting(lines.append):
        assert embed_cached(["usb cable"]).shape == (1, 64)
    assert lines[0].startswith(f"Warning: the embedding cache {path} was damaged; moved to embeddings.sqlite.damaged")
    assert path.with_name("embeddings.sqlite.damaged").read_bytes().startswith(b"not a database")
    assert embed_cached(["usb cable"]).shape == (1, 64) and len(fake_embed.batches) == 1  # the new file works
