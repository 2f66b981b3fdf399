"""A command whose optional part is not installed names the extra to install, in one line."""

import builtins
import sys

import pytest

from llmworks.cli import main


@pytest.fixture
def without(monkeypatch):
    """Make importing the given top-level modules fail, as in an install without their extra."""
    real_import = builtins.__import__

    def block(*names):
        for name in list(sys.modules):
            if name.partition(".")[0] in names or name.startswith("llmworks.apps.rag"):
                monkeypatch.delitem(sys.modules, name)

        def fake_import(name, *args, **kwargs):
            if name.partition(".")[0] in names:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", fake_import)

    return block


def test_a_missing_extra_is_named_with_its_install_command(without, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LLMWORKS_RAISE_ERRORS", "0")
    without("chromadb", "bm25s")
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "a.md").write_text("# A\nsome text")
    code = main(["rag", "ingest", str(tmp_path / "kb"), "--db", str(tmp_path / "db")])
    err = capsys.readouterr().err
    assert code == 1
    assert "pip install 'llmworks[rag]'" in err
    assert "ModuleNotFoundError" not in err and len(err.strip().splitlines()) == 1


def test_a_module_shared_by_several_extras_points_at_all():
    from llmworks.errors import explain

    known = explain(ModuleNotFoundError("No module named 'numpy'", name="numpy"))
    assert "llmworks[all]" in str(known)
    assert explain(ModuleNotFoundError("No module named 'llmworks.nope'", name="llmworks.nope")) is None
