"""Atomic writes: the path holds the old content or the new, whole, whatever fails midway; data-dir paths."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from llmworks import files
from llmworks.config import Settings, get_settings, reset_settings

SRC = str(Path(files.__file__).resolve().parents[1])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_text_and_bytes_are_written_whole_and_folders_created(tmp_path):
    target = tmp_path / "a" / "b" / "note.md"
    assert files.atomic_write(target, "Zürich\n") == target
    assert target.read_bytes() == "Zürich\n".encode()
    files.atomic_write(target, b"\x00\xffbinary")
    assert target.read_bytes() == b"\x00\xffbinary"
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
def test_a_failure_midway_keeps_the_old_content_and_no_temp_file(tmp_path, monkeypatch, fail_at):
    target = tmp_path / "prices.json"
    target.write_text("old")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, fail_at, disk_full)
    with pytest.raises(OSError, match="No space"):
        files.atomic_write(target, "new " * 10_000)
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_a_library_failing_inside_atomic_path_leaves_the_target_alone(tmp_path):
    target = tmp_path / "plot.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), files.atomic_path(target) as tmp:
        tmp.write_text("<html>half")
        raise RuntimeError("renderer crashed")
    assert target.read_text() == "old" and leftovers(tmp_path) == []
    with files.atomic_path(target) as tmp:
        assert tmp.parent == target.parent and not tmp.exists()
        tmp.write_text("<html>whole</html>")
    assert target.read_text() == "<html>whole</html>" and leftovers(tmp_path) == []


def test_a_process_killed_mid_write_leaves_the_old_content(tmp_path):
    target = tmp_path / "transcript.md"
    target.write_text("old, complete")
    child = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {SRC!r})
        from llmworks.files import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            with open(tmp, "w") as f:
                f.write("new, half")
                f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert target.read_text() == "old, complete"


def test_a_replaced_file_keeps_its_permissions_and_a_new_one_gets_the_usual_ones(tmp_path):
    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    files.atomic_write(private, "new")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    umask = os.umask(0o022)
    try:
        fresh = files.atomic_write(tmp_path / "shared.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's 0600: weights and plots are shared


def test_the_file_and_then_its_folder_are_fsynced_unless_not_durable(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def spy(fd):
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")).name)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    files.atomic_write(tmp_path / "a.txt", "x")
    assert len(synced) == 2 and synced[0].startswith(".a.txt.") and synced[1] == tmp_path.name
    synced.clear()
    files.atomic_write(tmp_path / "cache.npy", b"x", durable=False)
    assert synced == []


def test_a_very_long_name_still_gets_a_temp_file(tmp_path):
    target = tmp_path / ("x" * 250 + ".txt")
    files.atomic_write(target, "ok")
    assert target.read_text() == "ok"


def test_data_paths_live_under_the_data_dir_with_folders_created(llmworks_home):
    path = files.data_path("airline", "airline.db")
    assert path == llmworks_home / "airline" / "airline.db" and path.parent.is_dir() and not path.exists()
    folder = files.data_dir("pricer", "embeddings")
    assert folder == llmworks_home / "pricer" / "embeddings" and folder.is_dir()
    assert get_settings().path("debates", "x.md") == llmworks_home / "debates" / "x.md"


def test_a_home_written_with_a_tilde_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LLMWORKS_HOME", "~/data")
    reset_settings()
    assert files.data_path("logs.db") == tmp_path / "data" / "logs.db"
    assert Settings(models_dir="~/m").models_path == tmp_path / "m"
