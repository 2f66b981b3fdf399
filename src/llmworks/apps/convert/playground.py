"""Code held in memory (the workbench's editors), not in files: run it sandboxed, or convert it.

final(run_python("print(1 + 1)")).result.stdout          # '2\n'
final(run_native(cpp_source, "cpp")).result               # a sandbox Run (compile errors in .stderr)
for event in convert_source(python_source, to="rust"): ...   # as convert.run, on a temporary file
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from llmworks.events import Done, Event, Progress, app
from llmworks.sandbox import Run, Sandbox

from . import toolchain as tc
from .converter import PYTHON_LIMITS, native_limits, run


@app
def run_python(code: str) -> Iterator[Event]:
    """Run Python source in the sandbox; Done carries the Run (output, exit code, CPU seconds)."""
    yield Progress("Running the Python program (sandboxed)")
    with tempfile.TemporaryDirectory(prefix="llmworks-python-") as work:
        Path(work, "prog.py").write_text(code)
        ran = Sandbox().run([sys.executable, "prog.py"], workdir=work, limits=PYTHON_LIMITS)
    yield Done(ran)


@app
def run_native(code: str, to: str = "cpp") -> Iterator[Event]:
    """Compile and run C++ or Rust source in the sandbox; a compile failure is a Run with the compiler's errors."""
    chain = tc.probe(to)
    if chain.problem:
        yield Done(Run(None, "", chain.problem, 0.0, 0.0, "env"))
        return
    box = Sandbox(expose=chain.expose)
    yield Progress(f"Compiling: {chain.command_text()}")
    with tempfile.TemporaryDirectory(prefix="llmworks-native-") as work:
        Path(work, chain.source).write_text(code)
        built = box.run(chain.command(), workdir=work, limits=tc.COMPILE_LIMITS)
        if not built.ok:
            yield Done(built)
            return
        yield Progress("Running the compiled program (sandboxed)")
        reference = Run(0, "", "", PYTHON_LIMITS.wall_s, PYTHON_LIMITS.cpu_s)  # no Python run: its own caps
        yield Done(box.run(["./main"], workdir=work, limits=native_limits(reference)))


def convert_source(code: str, **options) -> Iterator[Event]:
    """`convert.run` on source text (written to a temporary file; the translation is in the Conversion)."""
    with tempfile.TemporaryDirectory(prefix="llmworks-convert-") as work:
        path = Path(work, "program.py")
        path.write_text(code)
        yield from run(path, **options)
