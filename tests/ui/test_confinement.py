"""The workbench serves only what it should: typed server paths stay inside the data dir (and the folders the operator
lists), uploads are copied in, and saved pricers are unpickled only from the data dir's models folder."""

from __future__ import annotations

import json
import os
import pickle
import re
import zlib
from pathlib import Path

import pytest

from llmworks.config import get_settings, reset_settings
from llmworks.ui import paths
from llmworks.ui import pricer as pricer_tab
from llmworks.ui import rag as rag_ui
from llmworks.ui import store as store_tab

SECRET = "The vault code is 7741-ALPHA."
CLASS_NAME = re.compile(r"\b[A-Z][a-zA-Z]*(Error|Exception)\b")


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the data dir (not in it) holding a secret document."""
    folder = tmp_path / "server-secrets"
    folder.mkdir()
    (folder / "secret.md").write_text(f"# Secret\n\n{SECRET}\n")
    return folder


@pytest.fixture
def fake_embedder(monkeypatch):
    """Hashed bag of words instead of MiniLM: these tests check where files come from, not retrieval quality."""
    import hashlib

    import numpy as np

    def embed(texts, **kwargs):
        out = np.zeros((len(texts), 32), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 32] += 1.0
            out[i, 0] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    monkeypatch.setattr("llmworks.embed.embed", embed)


def allow(monkeypatch, *folders: Path) -> None:
    monkeypatch.setenv("LLMWORKS_UI_ALLOWED_DIRS", os.pathsep.join(str(f) for f in folders))
    reset_settings()


def chunk_count(db: Path) -> int:
    from llmworks.apps.rag import KnowledgeBase

    return KnowledgeBase.open(db).store.count()


# --- typed folders -------------------------------------------------------------------------------------------------


def test_a_folder_outside_the_data_dir_is_not_ingested(outside, fake_embedder):
    home = get_settings().home
    status = rag_ui.ingest_folder(str(outside), "")
    assert "LLMWORKS_UI_ALLOWED_DIRS" in status and "Folder to ingest" in status
    assert chunk_count(home / "rag" / "chroma") == 0


@pytest.mark.parametrize("typed", ["{home}/{up}", "{up}", "{home}/link", "link/.", "~/{from_user_home}"])
def test_dot_dot_symlinks_and_home_tricks_resolve_before_the_check(outside, typed, fake_embedder):
    home = get_settings().home
    (home / "link").symlink_to(outside)  # a symlink inside the data dir that leads out of it
    typed = typed.format(
        home=home, up=os.path.relpath(outside, home), from_user_home=os.path.relpath(outside, Path.home())
    )
    with pytest.raises(paths.PathNotAllowedError, match="LLMWORKS_UI_ALLOWED_DIRS"):
        paths.confine(typed, field="Folder to ingest")
    assert "LLMWORKS_UI_ALLOWED_DIRS" in rag_ui.ingest_folder(typed, "")
    assert chunk_count(home / "rag" / "chroma") == 0


def test_an_index_folder_outside_the_data_dir_is_refused_everywhere(outside, fake_embedder):
    elsewhere = str(outside / "index")
    assert "Index folder" in rag_ui.ingest_folder(str(get_settings().home), elsewhere)
    *_, (history, _, status, _, _) = rag_ui.respond("What is the vault code?", [], elsewhere, "local/smollm2", 3)
    assert "LLMWORKS_UI_ALLOWED_DIRS" in status and SECRET not in str(history)
    figure, status = rag_ui.vector_map(elsewhere, 2)
    assert figure is None and "Index folder" in status
    assert not (outside / "index").exists()  # nothing was created there either


def test_folders_the_operator_lists_are_allowed(outside, fake_embedder, monkeypatch):
    allow(monkeypatch, outside)
    status = rag_ui.ingest_folder(str(outside), "")
    assert "1 added" in status
    assert chunk_count(get_settings().home / "rag" / "chroma") > 0


def test_relative_paths_start_at_the_data_dir(outside):
    home = get_settings().home
    assert paths.confine("rag/documents", field="x") == (home / "rag" / "documents").resolve()


def test_allowed_dirs_setting_parses_a_list(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMWORKS_UI_ALLOWED_DIRS", f"{tmp_path / 'a'},{tmp_path / 'b'}{os.pathsep}{tmp_path / 'c'}")
    reset_settings()
    assert get_settings().ui_allowed_dirs == [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    monkeypatch.setenv("LLMWORKS_UI_ALLOWED_DIRS", json.dumps([str(tmp_path / "with, comma")]))
    reset_settings()
    assert get_settings().ui_allowed_dirs == [tmp_path / "with, comma"]


def test_store_config_outside_the_data_dir_is_refused(outside):
    toml = outside / "store.toml"
    toml.write_text(f'name = "x"\ngreeting = "{SECRET}"\n')
    history, status, _ = list(store_tab.respond("hi", [], "local/smollm2", str(toml)))[-1]
    assert "Store config" in status and "LLMWORKS_UI_ALLOWED_DIRS" in status and SECRET not in str(history)


# --- uploads -------------------------------------------------------------------------------------------------------


def test_uploaded_files_are_copied_into_the_data_dir_and_ingested(tmp_path, fake_embedder):
    upload_dir = tmp_path / "gradio-tmp"  # where gradio keeps an upload: outside the data dir
    upload_dir.mkdir()
    (upload_dir / "handbook.md").write_text("# Handbook\n\nThe office opens at nine.\n")
    (upload_dir / "tool.exe").write_bytes(b"MZ\x00\x00")
    status = rag_ui.upload_and_ingest([str(upload_dir / "handbook.md"), str(upload_dir / "tool.exe")], "", "")
    documents = get_settings().home / "rag" / "documents"
    assert (documents / "handbook.md").read_text().startswith("# Handbook")
    assert not (documents / "tool.exe").exists() and "Skipped tool.exe" in status
    assert "1 added" in status and chunk_count(get_settings().home / "rag" / "chroma") > 0


def test_an_upload_cannot_name_its_way_out_of_the_folder(tmp_path):
    source = tmp_path / "x.md"
    source.write_text("hi")

    class Upload:  # what gradio hands over for type="file": an object whose .name is the temp path
        name = str(source)

    folder = get_settings().home / "up"
    saved, _ = paths.save_uploads([Upload()], folder, suffixes={".md"})
    assert saved == [folder / "x.md"]
    assert paths.safe_name("../../.bashrc.md") == "bashrc.md"
    assert paths.safe_name("..\\..\\evil.md") == "evil.md"
    assert paths.safe_name("a\x1b[31mb.md") == "a_[31mb.md"


def test_an_upload_into_a_refused_folder_writes_nothing(tmp_path, outside):
    source = tmp_path / "new.md"
    source.write_text("# New\n")
    status = rag_ui.upload_and_ingest([str(source)], str(outside), "")
    assert "LLMWORKS_UI_ALLOWED_DIRS" in status and not (outside / "new.md").exists()


def test_the_tab_offers_an_upload_component():
    import gradio as gr

    with gr.Blocks() as demo:
        rag_ui.tab()
    files = [b for b in demo.blocks.values() if isinstance(b, gr.File)]
    assert files and files[0].file_count == "multiple"


# --- saved pricers -------------------------------------------------------------------------------------------------


class _Planted:
    """A pickle that runs code when loaded: it creates the file `marker`."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def plant(folder: Path, marker: Path) -> Path:
    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pricer.json").write_text(
        json.dumps({"name": "constant", "class": "llmworks.apps.pricer.baselines.ConstantPricer", "options": {}})
    )
    joblib.dump(_Planted(marker), folder / "pricer.joblib")
    return folder


def test_the_planted_pickle_really_runs_code_when_loaded(tmp_path):
    """The control for the tests below: loading this folder directly does run the pickle."""
    from llmworks.apps.pricer import load_pricer

    marker = tmp_path / "ran"
    folder = plant(tmp_path / "planted", marker)
    try:
        load_pricer(folder)
    except Exception:  # the new loader also notices it holds no pricer, but only after unpickling it
        pass
    assert marker.exists()


@pytest.mark.parametrize("typed", ["{planted}", "{planted}/", "../../{rel}", "ensemble"])
def test_a_planted_pickle_outside_the_models_folder_is_never_loaded(tmp_path, typed, monkeypatch):
    from llmworks.apps.pricer.workflow import models_dir

    marker = tmp_path / "ran"
    planted = plant(tmp_path / "planted", marker)
    plant(Path.cwd() / "ensemble", marker)  # resolve_pricer also looks for a folder of that name in the cwd
    rel = os.path.relpath(planted, models_dir())
    typed = typed.format(planted=planted, rel=rel)
    shown = pricer_tab.estimate_markdown("Moen vanity light, brushed nickel", typed)
    assert shown.startswith("**Error:**") and not marker.exists()
    assert "llmworks pricer train" in shown


def test_a_pricer_saved_in_the_models_folder_estimates():
    from llmworks.apps.pricer import make_pricer
    from llmworks.apps.pricer.items import Item
    from llmworks.apps.pricer.workflow import models_dir

    items = [Item(title=f"thing {p}", price=float(p), text=f"thing {p}") for p in (10, 20, 30)]
    make_pricer("constant").fit(items).save(models_dir() / "constant")
    shown = pricer_tab.estimate_markdown("A thing", "constant")
    assert shown.startswith("## $20.00") and "pricer: `constant`" in shown


def _damage(folder: Path, how: str) -> None:
    joblib_path, meta_path = folder / "pricer.joblib", folder / "pricer.json"
    if how == "truncated":
        joblib_path.write_bytes(joblib_path.read_bytes()[:40])
    elif how == "garbage":
        joblib_path.write_bytes(os.urandom(64))
    elif how == "zlib garbage":
        joblib_path.write_bytes(b"ZF0x" + zlib.compress(b"\x80\x05not a pickle"))
    elif how == "plain pickle of a list":
        joblib_path.write_bytes(pickle.dumps([1, 2]))
    elif how == "missing joblib":
        joblib_path.unlink()
    elif how == "meta not json":
        meta_path.write_text("{ not json")
    elif how == "meta without class":
        meta_path.write_text("{}")
    elif how == "meta is a list":
        meta_path.write_text("[1]")
    elif how == "meta names another module":
        meta_path.write_text(json.dumps({"name": "x", "class": "os.system"}))
    elif how == "meta names a missing class":
        meta_path.write_text(json.dumps({"name": "x", "class": "llmworks.apps.pricer.baselines.NoSuchPricer"}))
    elif how == "meta not utf-8":
        meta_path.write_bytes(b"\xff\xfe\x00garbage")


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "garbage",
        "zlib garbage",
        "plain pickle of a list",
        "missing joblib",
        "meta not json",
        "meta without class",
        "meta is a list",
        "meta names another module",
        "meta names a missing class",
        "meta not utf-8",
    ],
)
def test_a_damaged_saved_pricer_is_one_clear_line(how):
    from llmworks.apps.pricer import PricerError, load_pricer, make_pricer
    from llmworks.apps.pricer.items import Item
    from llmworks.apps.pricer.workflow import models_dir

    folder = models_dir() / "constant"
    make_pricer("constant").fit([Item(title="a", price=5.0, text="a")]).save(folder)
    _damage(folder, how)
    with pytest.raises(PricerError) as e:
        load_pricer(folder)
    message = str(e.value)
    assert str(folder) in message and "llmworks pricer train" in message and "\n" not in message
    assert not CLASS_NAME.search(message), message
    shown = pricer_tab.estimate_markdown("A thing", "constant")
    assert shown.startswith("**Error:**") and "llmworks pricer train" in shown and "Unexpected" not in shown
