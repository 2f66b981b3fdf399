"""What can compile here: the compiler, flags that work on this CPU, and the facts the prompt gives the model.

A missing or broken toolchain is the environment's fault, reported as `env`, never blamed on a model.
"""

from __future__ import annotations

import functools
import os
import platform
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from llmworks.sandbox import Limits, Sandbox

LANGUAGES = {"cpp": "C++", "rust": "Rust"}
SOURCE = {"cpp": "main.cpp", "rust": "main.rs"}
FENCE = {"cpp": "cpp", "rust": "rust"}
# Flags tried in order; the first set that builds and runs a test program here is used.
FLAGS = {
    "cpp": [("-O3", "-march=native", "-std=c++17"), ("-O2", "-std=c++17")],
    "rust": [("-C", "opt-level=3", "-C", "target-cpu=native", "--edition", "2021"), ("-O", "--edition", "2021")],
}
HELLO = {
    "cpp": '#include <iostream>\nint main() { std::cout << "ok" << std::endl; }\n',
    "rust": 'fn main() { println!("ok"); }\n',
}
COMPILE_LIMITS = Limits(wall_s=180, cpu_s=180, memory_mb=8192, processes=256, output_kb=256 * 1024, open_files=512)


@dataclass(frozen=True)
class Toolchain:
    lang: str
    compiler: str | None = None
    flags: tuple[str, ...] = ()
    version: str = ""
    problem: str | None = None
    """Why nothing compiles here (the verdict is then `env`); None when the toolchain works."""
    expose: tuple[str, ...] = field(default=())
    """Host folders the compiler needs inside the sandbox (a rustup toolchain under the home folder)."""

    @property
    def source(self) -> str:
        return SOURCE[self.lang]

    def command(self, source: str | None = None, binary: str = "main") -> list[str]:
        return [self.compiler or self.lang, *self.flags, "-o", binary, source or self.source]

    def command_text(self) -> str:
        """The compile command as the prompt shows it: the compiler's name, not the path to it."""
        return shlex.join([Path(self.compiler or self.lang).name, *self.command()[1:]])


def probe(lang: str) -> Toolchain:
    """The working toolchain for `lang` ('cpp' or 'rust'), or one whose `problem` says why there is none."""
    if lang not in LANGUAGES:
        from llmworks.errors import LlmworksError

        raise LlmworksError(f"Unknown target language {lang!r}.", f"Choose one of: {', '.join(LANGUAGES)}.")
    return _probe(lang)


@functools.cache
def _probe(lang: str) -> Toolchain:
    found = _find_cpp() if lang == "cpp" else _find_rust()
    if isinstance(found, str):
        return Toolchain(lang, problem=found)
    compiler, expose = found
    version = _version(compiler)
    box = Sandbox(expose=expose)
    last = "no flags worked"
    for flags in FLAGS[lang]:
        chain = Toolchain(lang, compiler, flags, version, None, expose)
        with tempfile.TemporaryDirectory(prefix="llmworks-probe-") as work:
            Path(work, chain.source).write_text(HELLO[lang])
            built = box.run(chain.command(), workdir=work, limits=COMPILE_LIMITS)
            ran = box.run(["./main"], workdir=work) if built.ok else built
            if ran.ok and ran.stdout.strip() == "ok":
                return chain
            last = (built.stderr or ran.stderr or f"exit code {ran.returncode}").strip().splitlines()[-1:]
            last = last[0] if last else "no output"
    return Toolchain(lang, compiler, (), version, f"{Path(compiler).name} cannot build a test program: {last}", expose)


def _find_cpp() -> tuple[str, tuple[str, ...]] | str:
    for name in ("g++", "clang++"):
        if path := shutil.which(name):
            return path, ()
    return "no C++ compiler (g++ or clang++) is installed"


def _find_rust() -> tuple[str, tuple[str, ...]] | str:
    rustc = shutil.which("rustc") or shutil.which("rustc", path=str(Path.home() / ".cargo" / "bin"))
    if rustc is None:
        return "no Rust compiler (rustc) is installed"
    if shutil.which("cc") is None:
        return "rustc needs a C linker (cc), which is not installed"
    try:  # rustup's rustc is a proxy: the real compiler lives in the toolchain's sysroot
        sysroot = subprocess.run([rustc, "--print", "sysroot"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"rustc does not start ({e})"
    real = Path(sysroot.strip(), "bin", "rustc")
    if not sysroot.strip() or not real.exists():
        return "rustc does not report its sysroot"
    return str(real), (sysroot.strip(),)


def _version(compiler: str) -> str:
    try:
        out = subprocess.run([compiler, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (out.strip().splitlines() or [""])[0]


@functools.cache
def system_facts() -> str:
    """'Linux x86_64, Intel Xeon … (2 cores), AVX2' — what the course's prompt told the model about the machine."""
    cpu, flags = platform.processor() or platform.machine(), ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), cpu)
        words = next((line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("flags")), [])
        flags = ", ".join(f.upper() for f in ("avx512f", "avx2", "sse4_2", "neon") if f in words)
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cpu} ({cores} cores){', ' + flags if flags else ''}"
