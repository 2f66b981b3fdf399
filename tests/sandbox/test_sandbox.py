"""The sandbox stops or refuses what model-written code must not do, and the host stays untouched."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import time
from pathlib import Path

import pytest

from llmworks import sandbox
from llmworks.errors import LlmworksError
from llmworks.sandbox import Limits, Sandbox

pytestmark = pytest.mark.skipif(not sandbox.available(), reason="no sandbox on this machine (bubblewrap)")


@pytest.fixture
def box():
    return Sandbox()


def run_python(box, tmp_path, code: str, **limits):
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (work / "prog.py").write_text(textwrap.dedent(code))
    return box.run([sys.executable, "prog.py"], workdir=work, limits=Limits(**limits))


def test_a_plain_program_runs_and_is_timed(box, tmp_path):
    run = run_python(box, tmp_path, "s = sum(range(3_000_000))\nprint(s)")
    assert run.ok and run.stdout == "4499998500000\n"
    assert 0 < run.cpu_s < run.wall_s + 0.5
    assert (tmp_path / "work" / "prog.py").exists()


def test_a_loop_forever_is_stopped_by_the_cpu_cap(box, tmp_path):
    run = run_python(box, tmp_path, "while True: pass", cpu_s=1, wall_s=20)
    assert run.stopped == "cpu" and not run.ok


def test_a_sleeper_is_stopped_by_the_wall_clock_with_its_children(box, tmp_path):
    marker = f"llmworks-sleeper-{os.getpid()}"
    code = f"""
    import subprocess, time
    subprocess.Popen(["sleep", "300", "{marker}"])
    time.sleep(300)
    """
    started = time.monotonic()
    run = run_python(box, tmp_path, code, wall_s=1.5)
    assert run.stopped == "timeout" and time.monotonic() - started < 10
    time.sleep(0.3)
    survivors = [p for p in os.listdir("/proc") if p.isdigit() and marker in _cmdline(p)]
    assert survivors == []


def test_a_10_gb_allocation_fails_inside(box, tmp_path):
    run = run_python(box, tmp_path, "x = bytearray(10 * 1024**3)\nprint('allocated')")
    assert run.stopped == "memory" and "allocated" not in run.stdout


def test_a_fork_bomb_hits_the_process_cap(box, tmp_path):
    code = """
    import os, time
    children = 0
    try:
        for _ in range(200):
            if os.fork() == 0:
                time.sleep(5)
                os._exit(0)
            children += 1
    except OSError:
        print("refused after", children)
    """
    run = run_python(box, tmp_path, code, processes=8, wall_s=10)
    assert run.stdout.startswith("refused after")
    assert int(run.stdout.split()[-1]) < 8


def test_writes_outside_its_folder_never_reach_the_host(box, tmp_path):
    outside = tmp_path / "outside.txt"  # under /tmp: the sandbox sees an empty /tmp of its own
    home = Path.home() / f"llmworks-sandbox-{os.getpid()}.txt"
    project = Path(sys.prefix) / f"llmworks-sandbox-{os.getpid()}.txt"
    code = f"""
    for path in [{str(outside)!r}, {str(home)!r}, {str(project)!r}, "inside.txt"]:
        try:
            open(path, "w").write("x")
            print("wrote", path)
        except OSError as e:
            print("refused", path, e.errno)
    """
    run = run_python(box, tmp_path, code)
    assert run.ok, run.stderr
    assert "wrote inside.txt" in run.stdout
    assert not outside.exists() and not home.exists() and not project.exists()
    assert (tmp_path / "work" / "inside.txt").read_text() == "x"


def test_a_socket_cannot_reach_the_network(box, tmp_path):
    code = """
    import socket
    for host in [("1.1.1.1", 80), ("127.0.0.1", 22)]:
        try:
            socket.create_connection(host, timeout=2)
            print("connected", host)
        except OSError as e:
            print("refused", host)
    """
    run = run_python(box, tmp_path, code)
    assert run.ok and "connected" not in run.stdout and run.stdout.count("refused") == 2


def test_output_is_capped(box, tmp_path):
    run = run_python(box, tmp_path, "import sys\nsys.stdout.write('x' * 5_000_000)", output_kb=64)
    assert run.stopped == "output" and len(run.stdout) <= 64 * 1024


def test_no_secret_from_the_environment_gets_in(box, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    run = run_python(box, tmp_path, "import os\nprint(os.environ.get('OPENAI_API_KEY'))")
    assert run.stdout == "None\n"


def test_without_bubblewrap_it_refuses_with_the_fix(monkeypatch):
    sandbox._probe.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    try:
        with pytest.raises(LlmworksError, match="bubblewrap") as e:
            Sandbox()
        assert "apt-get install bubblewrap" in str(e.value)
    finally:
        sandbox._probe.cache_clear()


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
