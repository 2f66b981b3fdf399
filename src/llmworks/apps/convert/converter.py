"""Convert one Python program to C++ or Rust and prove it: compile, run both in the sandbox, compare outputs,
and send compiler errors or output differences back to the translator, up to `repairs` more rounds."""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from llmworks import files, llm
from llmworks.errors import DataError, LlmworksError
from llmworks.events import Delta, Done, Event, Progress, app
from llmworks.llm.types import Usage
from llmworks.sandbox import Limits, Run, Sandbox

from . import hints
from . import toolchain as tc
from .baseline import Baseline, cython_baseline
from .translators import (
    PY2MANY,
    REPLY_TOKENS,
    Attempt,
    first_messages,
    fresh_messages,
    model_translator,
    py2many_translator,
    repair_messages,
)
from .verify import differences, precision_note

VERDICTS = ("pass", "wrong-output", "compile-error", "timeout", "env")
REPAIRS = 3
PYTHON_LIMITS = Limits(wall_s=300, cpu_s=300, memory_mb=4096)
NOISE = re.compile(r"\s*(In file included from|from \S+:\d+[:,]|.*note: candidate|.*note: +template argument)")
# Where the standard library's most used names live, for "'X' is not a member of 'std'" (g++ names only some).
STD_HEADERS = {
    **dict.fromkeys(["setprecision", "setw", "setfill"], "iomanip"),
    **dict.fromkeys(["clock", "time", "clock_t"], "ctime"),
    **dict.fromkeys(["sqrt", "pow", "fabs", "floor", "ceil", "log", "exp"], "cmath"),
    **dict.fromkeys(
        ["sort", "reverse", "min_element", "max_element", "swap", "fill", "count", "count_if", "find", "find_if"]
        + ["unique", "lower_bound", "upper_bound", "next_permutation", "all_of", "any_of", "transform"],
        "algorithm",
    ),
    **dict.fromkeys(["accumulate", "iota", "gcd", "lcm"], "numeric"),
    **dict.fromkeys(["int64_t", "uint64_t", "int32_t", "uint32_t", "uint8_t"], "cstdint"),
    **dict.fromkeys(["printf", "puts", "snprintf"], "cstdio"),
    "chrono": "chrono",
    "vector": "vector",
    "string": "string",
    "to_string": "string",
    "map": "map",
    "unordered_map": "unordered_map",
    "set": "set",
    "unordered_set": "unordered_set",
    "numeric_limits": "limits",
    "ostringstream": "sstream",
    "stringstream": "sstream",
}
FEEDBACK_CHARS = 2000  # compiler errors sent back: the first ones matter, a page of template noise does not
MIN_TIME_S = 0.001  # CPU-time floor for speed-ups: a run below the kernel's accounting grain is not 'infinitely fast'
# A library's missing header (a path: boost/…, cppitertools/…) or crate is the environment's doing (a library not
# installed), not a wrong translation; a misnamed standard header (<stdint>) is the model's.
MISSING_LIBRARY = re.compile(r"fatal error: [\w.+-]+/[\w./+-]+: No such file or directory|can't find crate for")


@dataclass(frozen=True)
class Round:
    """One attempt: what it produced and what was wrong with it (what the translator was told)."""

    number: int
    verdict: str
    detail: str
    code: str
    native_s: float | None
    usage: Usage


@dataclass(frozen=True)
class Conversion:
    source: Path
    lang: str
    model: str
    verdict: str
    rounds: list[Round]
    code: str
    out: Path | None
    python_s: float | None
    native_s: float | None
    usage: Usage
    command: str
    """The compile command used (or why there is none, for `env`)."""
    detail: str = ""
    baseline: Baseline | None = None
    python_output: str = field(default="", repr=False)

    @property
    def speedup(self) -> float | None:
        return _speedup(self.python_s, self.native_s)

    @property
    def baseline_speedup(self) -> float | None:
        return _speedup(self.python_s, self.baseline.native_s if self.baseline else None)

    def as_json(self) -> dict:
        return {
            "source": str(self.source),
            "to": self.lang,
            "model": self.model,
            "verdict": self.verdict,
            "rounds": len(self.rounds),
            "python_s": _round(self.python_s),
            "native_s": _round(self.native_s),
            "speedup": _round(self.speedup, 1),
            "tokens": self.usage.input_tokens + self.usage.output_tokens,
            "input_tokens": self.usage.input_tokens,
            "output_tokens": self.usage.output_tokens,
            "cost_usd": self.usage.cost_usd,
            "out": str(self.out) if self.out else None,
            "compile": self.command,
            "detail": self.detail,
            "history": [{"round": r.number, "verdict": r.verdict, "detail": r.detail} for r in self.rounds],
            "baseline": None
            if self.baseline is None
            else {
                "name": "cython",
                "verdict": self.baseline.verdict,
                "native_s": _round(self.baseline.native_s),
                "speedup": _round(self.baseline_speedup, 1),
                "detail": self.baseline.detail,
            },
        }


@app
def run(
    path: str | Path,
    *,
    to: str = "cpp",
    model: str | llm.Model | None = None,
    repairs: int = REPAIRS,
    out: str | Path | None = None,
    baseline: bool = True,
    python_limits: Limits = PYTHON_LIMITS,
    max_tokens: int = REPLY_TOKENS,
) -> Iterator[Event]:
    """Translate the program at `path`, verify it, repair it; Done carries a Conversion. `model='py2many'` uses
    the rule-based transpiler. The translation is written to `out` (default: beside the input, FILE.cpp/FILE.rs)."""
    source = Path(path)
    python = _read_program(source)
    chain = tc.probe(to)
    box = Sandbox()  # refuses before any work where nothing can be isolated
    target = Path(out) if out else source.with_suffix(".cpp" if to == "cpp" else ".rs")
    yield Progress(f"Running {source.name} with Python (sandboxed)")
    expected = python_run(source, python_limits, box)
    yield Progress(f"Python: {expected.cpu_s:.2f} s CPU")
    conversion = yield from convert(
        source, python, expected, chain, model=model, repairs=repairs, stream=True, max_tokens=max_tokens
    )
    if conversion.rounds:
        files.atomic_write(target, conversion.code)
        conversion = replace(conversion, out=target)
        yield Progress(f"Wrote {target}")
    if baseline:
        yield Progress("Compiling the unmodified Python with Cython (baseline)")
        base = cython_baseline(source, expected.stdout, native_limits(expected))
        conversion = replace(conversion, baseline=base)
    yield Done(conversion)


def python_run(source: Path, limits: Limits, box: Sandbox | None = None) -> Run:
    """The reference run: the Python program's output and CPU time; its failure is the user's to fix."""
    box = box or Sandbox()
    with tempfile.TemporaryDirectory(prefix="llmworks-python-") as work:
        shutil.copyfile(source, Path(work, "prog.py"))
        ran = box.run([sys.executable, "prog.py"], workdir=work, limits=limits)
    if ran.stopped in ("timeout", "cpu"):
        raise LlmworksError(
            f"{source} did not finish under Python within {limits.cpu_s} s.",
            "Make it do less work (smaller inputs) so both versions can be run and compared.",
        )
    if not ran.ok:
        why = (ran.stderr.strip().splitlines() or [f"exit code {ran.returncode}"])[-1]
        raise DataError(f"the program fails under Python: {why}", "Fix it first: it is the reference.", path=source)
    if not ran.stdout.strip():
        raise DataError("the program prints nothing, so there is nothing to compare.", "Print its result.", path=source)
    return ran


def native_limits(expected: Run) -> Limits:
    """Room for a translation: slower than Python is already a failure of purpose, but let it finish to tell."""
    seconds = max(10, int(expected.cpu_s * 2) + 5)
    return Limits(wall_s=seconds * 2, cpu_s=seconds, memory_mb=4096)


def convert(
    source: Path,
    python: str,
    expected: Run,
    chain: tc.Toolchain,
    *,
    model: str | llm.Model | None,
    repairs: int,
    stream: bool,
    max_tokens: int = REPLY_TOKENS,
) -> Iterator[Event]:
    """The verify-and-repair loop (events while it works; returns the Conversion)."""
    name = model if isinstance(model, str) else getattr(model, "name", None) or llm.get_model(None).name
    if chain.problem:
        yield Progress(f"No {tc.LANGUAGES[chain.lang]} toolchain: {chain.problem}", warning=True)
        return _conversion(source, chain, name, "env", [], expected, chain.problem)
    if name == PY2MANY:
        translate, repairs = py2many_translator(source, chain.lang), 0
    else:
        translate = model_translator(model, chain.lang, max_tokens=max_tokens)
    box = Sandbox(expose=chain.expose)
    first = first_messages(python, chain)
    messages, rounds, failures = first, [], []
    for number in range(1, repairs + 2):
        yield Progress(f"Round {number}: {name} writes {tc.LANGUAGES[chain.lang]}")
        attempt = None
        for piece in translate(messages):
            if isinstance(piece, Attempt):
                attempt = piece
            elif stream:
                yield Delta(piece)
        assert attempt is not None  # every translator ends with its Attempt
        verdict, detail, native, code = check(attempt.code, expected, chain, box)
        if verdict in ("wrong-output", "timeout"):  # what a diff alone does not tell a small model
            found = [hints.constants(python, code, chain.lang), hints.integer_division(python, code)]
            detail = "\n".join([detail, *filter(None, found)])
        rounds.append(Round(number, verdict, detail, code, native, attempt.usage))
        yield Progress(f"Round {number}: {verdict}" + (f" ({_first_line(detail)})" if detail else ""))
        if verdict in ("pass", "env"):
            break
        echoed = len(rounds) > 1 and rounds[-2].code == code
        if verdict == "compile-error" and not echoed:  # the errors point into the code: the model needs it to hand
            messages = repair_messages(first, attempt.reply, _problem(verdict), detail, chain.lang)
        else:  # shown its program, a small model sends it back unchanged: start afresh, told every mistake so far
            failure = f"{_problem(verdict)}\n{detail}"
            if failure not in failures:
                failures.append(failure)
            messages = fresh_messages(first, failures)
    return _conversion(source, chain, name, rounds[-1].verdict, rounds, expected, rounds[-1].detail)


def check(code: str, expected: Run, chain: tc.Toolchain, box: Sandbox) -> tuple[str, str, float | None, str]:
    """(verdict, detail, native CPU seconds, the code as compiled) of one translation, compiled and run in the
    sandbox. C++ that fails only for want of standard headers the compiler names gets them and is compiled again:
    a missing include is the kind of toolchain slip that should not count as a wrong translation."""
    if not code.strip():
        return "compile-error", "The reply held no program.", None, code
    with tempfile.TemporaryDirectory(prefix="llmworks-native-") as work:
        built = _build(code, chain, box, work)
        headers = missing_headers(built.stderr) if chain.lang == "cpp" and not built.ok else []
        if headers:
            code = "".join(f"#include <{h}>\n" for h in headers) + code
            built = _build(code, chain, box, work)
        if not built.ok:
            errors = (built.stderr or built.stdout or f"compiler stopped: {built.stopped}").strip()
            verdict = "env" if MISSING_LIBRARY.search(errors) else "compile-error"
            return verdict, compiler_feedback(errors), None, code
        ran = box.run(["./main"], workdir=work, limits=native_limits(expected))
    if ran.stopped in ("timeout", "cpu"):
        return "timeout", f"It did not finish within {native_limits(expected).cpu_s} s of CPU time.", None, code
    if ran.returncode != 0:
        tail = "\n".join(ran.stderr.strip().splitlines()[-5:])
        detail = f"It exited with code {ran.returncode}" + (f":\n{tail}" if tail else ".")
        return "wrong-output", detail, ran.cpu_s, code
    diff = differences(expected.stdout, ran.stdout)
    if diff:
        hint = precision_note(expected.stdout, ran.stdout, chain.lang)
        detail = "\n".join(["The output differs from Python's:", *diff, *filter(None, [hint])])
        return "wrong-output", detail, ran.cpu_s, code
    return "pass", "", ran.cpu_s, code


def _build(code: str, chain: tc.Toolchain, box: Sandbox, work: str):
    Path(work, chain.source).write_text(code)
    return box.run(chain.command(), workdir=work, limits=tc.COMPILE_LIMITS)


def missing_headers(errors: str) -> list[str]:
    """The standard headers the compiler's errors say are missing (its own "did you forget '#include <…>'" hints,
    and std names it does not know, looked up in STD_HEADERS)."""
    headers = set(re.findall(r"#include <([\w./]+)>", errors))
    headers |= {STD_HEADERS[n] for n in re.findall(r"[‘'](\w+)[’'] is not a member of [‘']std[’']", errors)
                if n in STD_HEADERS}  # fmt: skip
    return sorted(h for h in headers if "/" not in h)  # a library's header (boost/…) is the environment's


def compiler_feedback(errors: str) -> str:
    """The compiler's errors as the model gets them: the headers it says are missing first, then the errors without
    the include chains and candidate lists that fill a small model's window with noise."""
    headers = missing_headers(errors)
    kept = [line for line in errors.splitlines() if not NOISE.match(line)]
    text = "\n".join(kept)[:FEEDBACK_CHARS]
    return (f"Missing headers: {' '.join(f'#include <{h}>' for h in headers)}\n" if headers else "") + text


def _read_program(source: Path) -> str:
    if source.suffix != ".py":
        raise DataError("not a Python file (.py).", "Pass the Python program to convert, e.g. pi.py.", path=source)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("no such file.", "Check the path.", path=source) from None
    try:
        compile(text, str(source), "exec")
    except SyntaxError as e:
        raise DataError(f"not valid Python: {e.msg}", "Fix the syntax first.", path=source, line=e.lineno) from None
    return text


def _conversion(source, chain, name, verdict, rounds, expected, detail) -> Conversion:
    usage = Usage(cost_usd=0.0)
    for r in rounds:
        usage = usage + r.usage
    passed = rounds[-1] if rounds and verdict == "pass" else None
    return Conversion(
        source=source,
        lang=chain.lang,
        model=name,
        verdict=verdict,
        rounds=rounds,
        code=rounds[-1].code if rounds else "",
        out=None,
        python_s=expected.cpu_s,
        native_s=passed.native_s if passed else None,
        usage=usage,
        command=chain.command_text() if not chain.problem else chain.problem,
        detail=detail,
        python_output=expected.stdout,
    )


def _problem(verdict: str) -> str:
    return {
        "compile-error": "it does not compile. The compiler said:",
        "wrong-output": "it compiles, but its output is wrong.",
        "timeout": "it runs too long (an endless loop, or far slower than it should be).",
    }.get(verdict, verdict)


def _first_line(text: str) -> str:
    """The line that says what went wrong: the first error line of a compiler's output, else the first line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()] or [""]
    said = [line for line in lines if not line.endswith(":")] or lines  # not a heading ("In function …:")
    return next((line for line in said if "error" in line.lower()), said[0])[:120]


def _speedup(python_s: float | None, native_s: float | None) -> float | None:
    if python_s is None or native_s is None:
        return None
    return python_s / max(native_s, MIN_TIME_S)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
