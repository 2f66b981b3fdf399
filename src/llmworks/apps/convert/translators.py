"""Who writes the translation: a language model through `llmworks.llm`, or py2many, a rule-based transpiler.

A translator gets the messages of the next round and returns the next attempt's source text and what it cost. The
messages are the prompt; after a compile error, also the failed attempt and the compiler's errors; after a wrong
output or a program sent back unchanged, the prompt again with every mistake so far. py2many ignores feedback: it is
deterministic, so it gets one round.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from llmworks import llm
from llmworks.llm.types import Usage

from .toolchain import FENCE, LANGUAGES, Toolchain, system_facts

PY2MANY = "py2many"
"""The model name that picks the rule-based transpiler instead of a language model."""
REPLY_TOKENS = 1536  # a benchmark program in C++ is 300-900 tokens; ~100 s on the embedded 1.5B at worst
SYSTEM = (
    "You are an expert programmer who rewrites Python programs as fast, correct {lang} programs. Reply with only "
    "the {lang} source code, in one ```{fence} block, with few comments and no explanation. The program must print "
    "exactly what the Python program prints (same numbers, same formatting, same spacing and line breaks), except "
    "for timing values, in the shortest possible time."
)
PROMPT = (
    "Rewrite this Python program in {lang} with the fastest possible implementation that prints identical output.\n"
    "The machine: {facts}. The program is compiled with `{command}` and run as `./main`; only the standard "
    "library is available.\n"
    "Mind Python's semantics: integers never overflow (use 64-bit or wider types where values grow), `//` and `%` "
    "round towards negative infinity, `/` is floating-point division, and printed floats and lists must look "
    "exactly as Python prints them. Keep every constant as it is. {includes}\n\n```python\n{code}\n```"
)
# As the course's prompt does: small models forget headers (std::setprecision without <iomanip> cost the 1.5B a
# whole conversion of the pi program in four rounds).
INCLUDES = {
    "cpp": "#include every header you use (<iomanip> for std::setprecision, <chrono> for timing, <cstdint>, ...).",
    "rust": "Use no external crates.",
}
REPAIR = "That program failed: {problem}\n{detail}\n\nReply with the whole corrected program in one ```{fence} block."
_FENCED = re.compile(r"```[ \t]*([\w+#-]*)[ \t]*\n(.*?)(?:```|\Z)", re.S)


@dataclass(frozen=True)
class Attempt:
    code: str
    usage: Usage
    reply: str
    """The translator's whole reply (the model's text, or py2many's messages)."""


Translate = Callable[[list[llm.Message]], Iterator[str | Attempt]]
"""Yields text deltas while it writes, then the Attempt."""


def first_messages(python: str, chain: Toolchain) -> list[llm.Message]:
    lang = LANGUAGES[chain.lang]
    system = SYSTEM.format(lang=lang, fence=FENCE[chain.lang])
    user = PROMPT.format(
        lang=lang,
        facts=system_facts(),
        command=chain.command_text(),
        includes=INCLUDES[chain.lang],
        code=python.strip(),
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def repair_messages(first: list[llm.Message], reply: str, problem: str, detail: str, lang: str) -> list[llm.Message]:
    """The prompt, the last attempt and what went wrong: only the latest attempt, so a small model's window holds."""
    feedback = REPAIR.format(problem=problem, detail=detail, fence=FENCE[lang])
    return [*first, {"role": "assistant", "content": reply}, {"role": "user", "content": feedback}]


def fresh_messages(first: list[llm.Message], failures: list[str]) -> list[llm.Message]:
    """The first prompt again, told how each earlier translation went wrong, without showing them: a small model
    shown its own program copies it back unchanged."""
    told = "\n\n".join(f"An earlier translation failed: {failure}" for failure in failures)
    user = f"{first[1]['content']}\n\n{told}\nWrite a new translation that avoids these mistakes."
    return [first[0], {"role": "user", "content": user}]


def extract_code(text: str, lang: str) -> str:
    """The program in a reply: the longest fenced block (one cut off by the token cap counts), else the reply."""
    blocks = [(tag.lower(), body) for tag, body in _FENCED.findall(text)]
    wanted = [body for tag, body in blocks if tag in {"cpp", "c++", "cxx", "rust", "rs", ""}] or [b for _, b in blocks]
    return (max(wanted, key=len) if wanted else text).strip() + "\n"


def model_translator(model: str | llm.Model | None, lang: str, *, max_tokens: int = REPLY_TOKENS) -> Translate:
    def translate(messages: list[llm.Message]) -> Iterator[str | Attempt]:
        first = len(messages) <= 2
        stream = llm.stream(messages, model=model, temperature=0.0 if first else 0.3, max_tokens=max_tokens)
        yield from stream
        response = stream.response
        text = response.text if response else ""
        yield Attempt(extract_code(text, lang), response.usage if response else Usage(), text)

    return translate


def py2many_translator(python_file: Path, lang: str) -> Translate:
    def translate(messages: list[llm.Message]) -> Iterator[str | Attempt]:
        with tempfile.TemporaryDirectory(prefix="llmworks-py2many-") as out:
            # py2many only reads and rewrites the text (it never runs it), so it needs no sandbox
            done = subprocess.run(
                [sys.executable, "-m", "py2many", f"--{lang}", "--outdir", out, str(python_file)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            written = sorted(Path(out).glob("*.cpp" if lang == "cpp" else "*.rs"))
            code = written[0].read_text() if written else ""
        yield Attempt(code, Usage(cost_usd=0.0), (done.stdout + done.stderr).strip())

    return translate
