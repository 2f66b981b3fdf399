"""A run's work folder beside its output (`data.jsonl.work/`): what makes a killed run resumable.

    rows.jsonl      the kept rows, one a line
    dropped.jsonl   rows turned away: {"row", "reason", "batch"}
    state.json      the run's settings key, the next batch, the byte length of both files, the counters

A batch is committed by appending its lines (one write, fsynced) and then replacing state.json atomically. Bytes
past the lengths in state.json belong to a batch that was never committed (killed between the two steps) and are
cut off on opening, so a resumed run continues from the last whole batch as if it had never stopped.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from ...errors import LlmworksError
from ...files import atomic_write

VERSION = 1


class WorkDir:
    def __init__(self, out: Path, key: dict[str, Any]):
        self.path = out.with_name(out.name + ".work")
        self.key = key
        self.rows_file, self.dropped_file = self.path / "rows.jsonl", self.path / "dropped.jsonl"
        self.state_file = self.path / "state.json"
        self.state: dict[str, Any] = {}

    def open(self, *, fresh: bool) -> bool:
        """Create the folder, or pick up the committed batches of an earlier run; True if resuming."""
        from filelock import FileLock, Timeout

        self.path.mkdir(parents=True, exist_ok=True)
        self.lock = FileLock(str(self.path / ".lock"))
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            raise LlmworksError(
                f"Another run is writing {self.path}.", "Wait for it to finish, or write to another --out."
            ) from None
        if fresh:  # only once the folder is ours: never from under a run in progress
            self.state_file.unlink(missing_ok=True)
        if not self.state_file.exists():
            self.state = {"version": VERSION, "key": self.key, "batch": 0, "rows_bytes": 0, "dropped_bytes": 0}
            for f in (self.rows_file, self.dropped_file):
                f.write_bytes(b"")
            return False
        self.state = json.loads(self.state_file.read_text(encoding="utf-8"))
        if self.state.get("key") != self.key:
            self.close()
            was = ", ".join(f"{k} {v}" for k, v in self.state.get("key", {}).items() if self.key.get(k) != v)
            raise LlmworksError(
                f"{self.path} holds an unfinished run with other settings ({was}).",
                "Run again with the same settings to resume it, or add --fresh to start over.",
            )
        for f, size in ((self.rows_file, self.state["rows_bytes"]), (self.dropped_file, self.state["dropped_bytes"])):
            with open(f, "r+b") as handle:  # cut the tail of a batch that was never committed
                handle.truncate(size)
        return True

    def rows(self) -> list[dict]:
        return _read(self.rows_file)

    def dropped(self) -> list[dict]:
        return _read(self.dropped_file)

    def commit(self, rows: list[dict], dropped: list[dict], counters: dict[str, Any]) -> None:
        """Append one finished batch, then record it as done."""
        self.state["rows_bytes"] = _append(self.rows_file, rows)
        self.state["dropped_bytes"] = _append(self.dropped_file, dropped)
        self.state.update(batch=self.state["batch"] + 1, counters=counters)
        atomic_write(self.state_file, json.dumps(self.state, indent=1))

    def close(self) -> None:
        if getattr(self, "lock", None) is not None:
            self.lock.release()
            self.lock = None

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)


def _append(path: Path, items: list[dict]) -> int:
    data = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items).encode("utf-8")
    with open(path, "ab") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
        return f.tell()


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
