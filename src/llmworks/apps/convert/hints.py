"""What an output diff alone does not tell a small model about its translation: the Python program's large integer
constants it lost (the 1.5B copies `100_000_000` as `1000000`), and an integer divided where Python's `/` divides as
floating point (`1 / j` with an integer `j` is 0 in C++ and Rust).

    lost_constants("n = 100_000_000\\n", "int n = 1000000;")   # [('100_000_000', 'line 1: `n = 100_000_000`')]
"""

from __future__ import annotations

import ast
import re

SMALLEST = 1000
"""Constants below this are too common (loop bounds, 10, 100) and too often rewritten on purpose to be worth naming."""
SHOWN = 3
# A C++/Rust numeric literal: hex or binary, or decimal with digit separators (' or _), a fraction or exponent; then
# perhaps a type suffix (LL, u64, …).
LITERAL = re.compile(r"(?<![\w.])(0[xX][\da-fA-F'_]+|0[bB][01'_]+|\d[\d'_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?)")


def lost_constants(python: str, code: str) -> list[tuple[str, str]]:
    """The Python program's integer constants (|value| >= SMALLEST) that no literal of `code` equals, give or take
    one (`range(1, 2_000_001)` is rightly `i <= 2000000`): (the constant as written, where), at most SHOWN, in line
    order; [] when the Python does not parse."""
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return []
    values = _literal_values(code)
    lines = python.splitlines()
    lost, seen = [], set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or type(node.value) is not int or abs(node.value) < SMALLEST:
            continue
        if {node.value - 1, node.value, node.value + 1} & values or node.value in seen:
            continue
        seen.add(node.value)
        text = ast.get_source_segment(python, node) or str(node.value)
        lost.append((node.lineno, text, f"line {node.lineno}: `{lines[node.lineno - 1].strip()}`"))
    return [(text, where) for _, text, where in sorted(lost)[:SHOWN]]


def constants(python: str, code: str, lang: str = "cpp") -> str:
    """The lost constants as feedback ('' when none), each spelled as the target language can write it with its
    digit groups: a small model that miscounts the zeros of 100000000 copies 100'000'000 whole."""
    lost = lost_constants(python, code)
    if not lost:
        return ""
    lines = ["Your program has no number equal to these constants of the Python program; write each value exactly:"]
    for text, where in lost:
        spelled = text.replace("_", "'") if lang == "cpp" else text
        lines.append(f"- `{spelled}` ({where})")
    return "\n".join(lines)


# an integer literal divided by a name or a parenthesis: `1 / j`, `1/(2*k+1)`; `1.0 / j` and `x / 2` are not matched
INT_OVER_NAME = re.compile(r"(?<![\w.'])\d+\s*/\s*[A-Za-z_(]")


def integer_division(python: str, code: str) -> str:
    """A note when the Python divides with `/` and the translation divides an integer literal by something ('' else):
    in C++ and Rust that truncates when both sides are integers. Types are not known here, so it is worded as a
    check; a float on the other side makes the note harmless."""
    try:
        divides = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(ast.parse(python)))
    except SyntaxError:
        return ""
    found = INT_OVER_NAME.search(code)
    if not divides or not found:
        return ""
    line = code[code.rfind("\n", 0, found.start()) + 1 :].split("\n", 1)[0].strip()
    return (
        f"`{line}` divides an integer literal: if the other side is an integer too, that truncates (1 / 3 is 0), "
        "while Python's `/` always divides as floating point. Write the literal as a float, e.g. `1.0 / j`."
    )


def _literal_values(code: str) -> set[float]:
    values = set()
    for text in LITERAL.findall(code):
        digits = text.replace("'", "").replace("_", "").lower()
        try:
            if digits.startswith(("0x", "0b")):
                values.add(int(digits, 0))
            else:
                values.add(float(digits) if any(c in digits for c in ".e") else int(digits))
        except ValueError:
            continue
    return values
