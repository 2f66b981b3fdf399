"""Is the translation's output the Python program's output? Timing values are masked, numbers compared with a
tolerance, whitespace between tokens ignored; anything else that differs is a failure.

    differences("Result: 3.14159265\nTime: 8.6 s", "Result: 3.14159265\nTime: 0.2 s")   # [] : same
"""

from __future__ import annotations

import math
import re

TIMING = re.compile(r"\b(time|timing|elapsed|took|duration|runtime|seconds?|secs?|ms|milliseconds?)\b", re.I)
NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)\b"
TOKEN = re.compile(rf"{NUMBER}|\w+|\S", re.I)
IS_NUMBER = re.compile(rf"(?:{NUMBER})$", re.I)
# Printed floats may differ in their last digits (summation order, shortest vs fixed forms); a float where Python
# used a double (~1e-7 off), or C++'s default 6-digit printing of Python's 17-digit repr, must still fail.
REL_TOL = 1e-9
ABS_TOL = 1e-12
SHOWN = 5  # differing lines shown (to the model in a repair, to the user in the verdict)


def tokens(line: str) -> list[str]:
    """The line's tokens; on a timing line (one that mentions time or seconds) every number becomes '<time>'."""
    found = TOKEN.findall(line)
    if TIMING.search(line):
        return ["<time>" if IS_NUMBER.match(t) else t for t in found]
    return found


def same_token(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    if not (IS_NUMBER.match(expected) and IS_NUMBER.match(actual)):
        return False
    if _integer(expected) and _integer(actual):  # integers exactly: an overflow must not pass as 'close'
        return int(expected) == int(actual)
    a, b = float(expected), float(actual)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def same_line(expected: str, actual: str) -> bool:
    e, a = tokens(expected), tokens(actual)
    return len(e) == len(a) and all(same_token(x, y) for x, y in zip(e, a))


def differences(expected: str, actual: str) -> list[str]:
    """What differs, one line each ('line 2: expected `…`, got `…`'), at most SHOWN; [] when the outputs match."""
    want, got = _lines(expected), _lines(actual)
    found = []
    for i in range(max(len(want), len(got))):
        e = want[i] if i < len(want) else None
        a = got[i] if i < len(got) else None
        if e is not None and a is not None and same_line(e, a):
            continue
        if a is None:
            found.append(f"line {i + 1}: expected `{e}`, got nothing (the output ends early)")
        elif e is None:
            found.append(f"line {i + 1}: expected nothing more, got `{a}`")
        else:
            found.append(f"line {i + 1}: expected `{e}`, got `{a}`")
        if len(found) == SHOWN:
            found.append(f"(output has {len(got)} lines, expected {len(want)})")
            break
    return found


def precision_note(expected: str, actual: str, lang: str = "cpp") -> str:
    """Where the translation prints a float with fewer decimals than Python (C++'s default of 6 significant digits),
    how many to print ('' when no number is cut short): a small model does not read that from a diff."""
    for want, got in zip(_lines(expected), _lines(actual)):
        e, a = tokens(want), tokens(got)
        if len(e) != len(a):
            continue
        for x, y in zip(e, a):
            if IS_NUMBER.match(x) and IS_NUMBER.match(y) and not same_token(x, y) and _decimals(y) < _decimals(x):
                how = f"std::fixed << std::setprecision({_decimals(x)})" if lang == "cpp" else f"{{:.{_decimals(x)}}}"
                return f"Python prints `{x}` ({_decimals(x)} decimals) where yours prints `{y}`: print it with {how}."
    return ""


def _decimals(token: str) -> int:
    if not re.fullmatch(r"[-+]?\d*\.\d+", token):  # fixed-point only: an exponent form is another kind of slip
        return 0
    return len(token.split(".")[1])


def _integer(token: str) -> bool:
    return token.lstrip("+-").isdigit()


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines() if line.strip()]
