"""The bar a translation must beat: the unmodified Python file compiled by Cython into a native executable.

cython --embed -3 prog.py → prog.c → cc -O2 … -lpython3.x → ./prog      (all inside the sandbox)
"""

from __future__ import annotations

import shlex
import shutil
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from llmworks.sandbox import Limits, Sandbox

from .toolchain import COMPILE_LIMITS
from .verify import differences


@dataclass(frozen=True)
class Baseline:
    verdict: str
    """pass / wrong-output / compile-error / timeout / env, as for a translation"""
    native_s: float | None = None
    detail: str = ""


def cython_baseline(python_file: Path, expected: str, limits: Limits) -> Baseline:
    """Compile `python_file` with Cython, run it in the sandbox and check its output against `expected`."""
    try:
        import Cython  # noqa: F401  (only to say clearly when it is missing)
    except ModuleNotFoundError:
        return Baseline("env", detail="Cython is not installed (pip install 'llmworks[convert]')")
    cc = shutil.which("cc") or shutil.which("gcc")
    include, libdir = sysconfig.get_path("include"), sysconfig.get_config_var("LIBDIR")
    if cc is None or not Path(include, "Python.h").exists():
        return Baseline("env", detail="a C compiler and Python's headers (python3-dev) are needed")
    version = sysconfig.get_config_var("LDVERSION") or f"{sys.version_info.major}.{sys.version_info.minor}"
    libs = shlex.split(sysconfig.get_config_var("LIBS") or "") + shlex.split(sysconfig.get_config_var("SYSLIBS") or "")
    box = Sandbox()
    with tempfile.TemporaryDirectory(prefix="llmworks-cython-") as work:
        shutil.copyfile(python_file, Path(work, "prog.py"))
        steps = [
            [sys.executable, "-m", "cython", "-3", "--embed", "prog.py", "-o", "prog.c"],
            [cc, "-O2", f"-I{include}", "prog.c", "-o", "prog", f"-L{libdir}", f"-Wl,-rpath,{libdir}"]
            + [f"-lpython{version}", *libs],
        ]
        for step in steps:
            built = box.run(step, workdir=work, limits=COMPILE_LIMITS)
            if not built.ok:
                return Baseline("env", detail=_last_lines(built.stderr or built.stdout))
        ran = box.run(["./prog"], workdir=work, limits=limits, env={"PYTHONHOME": sys.base_prefix})
    if ran.stopped in ("timeout", "cpu"):
        return Baseline("timeout", ran.cpu_s)
    if not ran.ok:
        return Baseline("wrong-output", ran.cpu_s, _last_lines(ran.stderr))
    diff = differences(expected, ran.stdout)
    return Baseline("wrong-output" if diff else "pass", ran.cpu_s, "\n".join(diff))


def _last_lines(text: str, n: int = 3) -> str:
    return "\n".join(text.strip().splitlines()[-n:])
