"""Files that are whole or not there: one atomic write for every store, and paths under the data dir.

    atomic_write(path, "text" or b"bytes")          # readers see the old content or the new, never half
    with atomic_path(path) as tmp:                   # for libraries that write the file themselves
        fig.write_html(tmp)
    data_path("airline", "airline.db")               # <LLMWORKS_HOME>/airline/airline.db, its folder created
    data_dir("pricer", "embeddings")                 # <LLMWORKS_HOME>/pricer/embeddings/, created

The temp file lives beside the target (os.replace is atomic only within one filesystem), is fsynced before the
rename and the folder after it, so after a power cut the path holds the old bytes or the new ones. A replaced
file keeps its permission bits: rewriting a private file does not make it readable by others.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path


def atomic_write(path: str | os.PathLike, data: bytes | str, *, durable: bool = True) -> Path:
    """Replace `path` with `data` (str is written as UTF-8) in one step; its folder is created if missing.
    `durable=False` skips the fsyncs, for caches whose entries are recomputed when lost."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, durable=durable) as tmp, open(tmp, "xb") as f:
        f.write(payload)
    return Path(path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, durable: bool = True) -> Iterator[Path]:
    """Yield a fresh temp path beside `path` for the caller to write; a clean exit puts it in place of `path`,
    an exception removes it and leaves `path` as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # NAME_MAX is 255 on most filesystems: a long target name must not make the temp name unusable
    tmp = path.with_name(f".{path.name[:200]}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        if durable:
            _fsync(tmp)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    if durable:
        _fsync(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot fsync a folder; the rename itself is still atomic
        if not path.is_dir():
            raise
    finally:
        os.close(fd)


def _remove(tmp: Path) -> None:
    if tmp.is_dir() and not tmp.is_symlink():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        tmp.unlink(missing_ok=True)


def home() -> Path:
    """The data dir (LLMWORKS_HOME, default ~/.llmworks)."""
    from .config import get_settings

    return get_settings().home


def data_path(*parts: str) -> Path:
    """A file path under the data dir, its folder created."""
    return under(home(), *parts)


def data_dir(*parts: str) -> Path:
    """A folder under the data dir, created."""
    folder = home().joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def under(root: Path, *parts: str) -> Path:
    """`root/parts…` with its parent folder created (what `Settings.path` returns for its own home)."""
    path = root.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
