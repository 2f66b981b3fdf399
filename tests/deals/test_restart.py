"""kill -9 at any point of a run: after a restart no alert is lost and none is queued twice. A child process runs
the pipeline against a loopback json:// endpoint and is killed (SIGKILL) at a chosen point; the restart is a second
run on the same memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llmworks import llm
from llmworks.apps.deals import FunctionEstimator, Memory, run
from llmworks.events import result

from .helpers import FIXTURES, Endpoint, picker, worth

CHILD = Path(__file__).parent / "killed_run.py"
ALERTS = 2  # with threshold $1: the monitor ($201 below) and the drill ($21 below); the blanket is dear


STAGES = ["estimate", "message", "done"]


def passed(mark: Path, marker: str) -> bool:
    """The child has reached `marker` ("estimate 2") or gone beyond it (a busy machine may hide a short stage)."""
    seen = mark.read_text().split() if mark.exists() else []
    if len(seen) != 2:  # not written yet, or caught mid-write
        return False
    (what, n), (want, m) = seen, marker.split()
    return STAGES.index(what) > STAGES.index(want) or (what == want and int(n) >= int(m))


def wait_for(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the child never reached the point to kill it at")
        time.sleep(0.02)


def restart(db: Path, endpoint: Endpoint):
    with llm.override(picker(message="A bargain.")):
        return result(
            run(
                [str(FIXTURES / "deals.xml")],
                estimator=FunctionEstimator(worth),
                memory=Memory.open(db),
                threshold="1",
                notify=[endpoint.url],
                fetch_pages=False,
            )
        )


@pytest.mark.parametrize(
    "point, marker, delay, repeats",
    [
        ("while estimating (nothing recorded yet)", "estimate 2", 0.0, 0),
        ("while writing the second message (the first sent and marked)", "message 2", 0.0, 0),
        ("while the notifier holds the first post unanswered", None, 2.0, 1),
    ],
)
def test_kill_9_then_restart(tmp_path, point, marker, delay, repeats):
    db, mark = tmp_path / "deals.db", tmp_path / "marker"
    endpoint = Endpoint(delay=delay).start()
    try:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        child = subprocess.Popen([sys.executable, str(CHILD), str(db), endpoint.url, str(mark)], env=env)
        try:
            if marker:
                wait_for(lambda: passed(mark, marker))
            else:
                wait_for(lambda: len(endpoint.posts) == 1)
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL, point
        endpoint.delay = 0.0
        restart(db, endpoint)
    finally:
        endpoint.stop()
    memory = Memory.open(db)
    keys = [key for key, _ in endpoint.posts]
    assert len(set(keys)) == ALERTS, point  # every alert that crossed the threshold arrived
    assert len(keys) - len(set(keys)) == repeats, point  # only a post in flight at the kill can come twice
    assert memory.counts() == {"deals": 3, "sent": ALERTS, "pending": 0}
    assert len(memory.alerts()) == ALERTS  # never queued twice
