"""Server paths typed into the workbench, and files uploaded through it.

Whoever reaches the workbench types paths on the server's disk: a folder to ingest could be ~/.ssh, an index folder
could be anyone's, a saved pricer could be a planted pickle. So every typed path must resolve (symlinks and `..`
followed) inside the data dir or a folder the operator lists in LLMWORKS_UI_ALLOWED_DIRS; files from elsewhere
come in through Gradio's upload component and are copied into the data dir.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from llmworks.files import atomic_path
from llmworks.llm.errors import LLMError

ALLOWED_DIRS_VAR = "LLMWORKS_UI_ALLOWED_DIRS"


class PathNotAllowedError(LLMError):
    """A path typed into the workbench lies outside the folders it may use."""


def allowed_roots() -> list[Path]:
    """The data dir, then the operator's extra folders, each resolved."""
    from llmworks.config import get_settings

    settings = get_settings()
    return [Path(p).expanduser().resolve() for p in [settings.home, *settings.ui_allowed_dirs]]


def confine(value: str | os.PathLike, *, field: str, roots: list[Path] | None = None) -> Path:
    """`value` as a resolved path inside one of `roots` (default: `allowed_roots()`); relative paths start at the
    data dir, since the server's working directory means nothing to someone in a browser."""
    from llmworks.config import get_settings

    text = str(value).strip()
    roots = allowed_roots() if roots is None else roots
    try:
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = get_settings().home.expanduser() / path
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte, an unknown ~user
        resolved = None
    if resolved is None or not any(resolved.is_relative_to(root) for root in roots):
        where = ", ".join(str(r) for r in roots)
        raise PathNotAllowedError(
            f"{field}: {text!r} is outside the folders the workbench may use ({where}). Upload the files instead, "
            f"or have the operator add the folder to {ALLOWED_DIRS_VAR}."
        )
    return resolved


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:]")


def safe_name(name: str) -> str:
    """A file name fit to store: no folders, control characters or leading dots (hidden files are skipped)."""
    cleaned = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip(". ")
    return cleaned[:200] or "upload"


def save_uploads(files: Iterable, folder: Path, *, suffixes: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Copy uploaded files (Gradio temp paths) into `folder`, each written atomically under its own safe name.
    Returns (saved paths, names refused for their type)."""
    suffixes = {s.lower() for s in suffixes}
    folder.mkdir(parents=True, exist_ok=True)
    saved, refused = [], []
    for item in files or []:
        source = Path(getattr(item, "name", None) or (item.get("path") if isinstance(item, dict) else item))
        name = safe_name(source.name)
        if Path(name).suffix.lower() not in suffixes:
            refused.append(name)
            continue
        target = folder / name
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
        saved.append(target)
    return saved, refused
