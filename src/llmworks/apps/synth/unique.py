"""A value for a unique field that no row has yet, drawn from the field's own schema: a string matching its pattern,
an integer in its range, an unused enum value, a uuid, or a variant of a clashing value. A small model with greedy
decoding repeats the ids it saw in its examples batch after batch, and told only "already used" it writes the same
id again; handed a concrete free value it copies it."""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

TRIES = 20
"""Candidates drawn before giving up (a nearly full value space, or a pattern this sampler cannot read)."""

LOWER, DIGITS = "abcdefghijklmnopqrstuvwxyz", "0123456789"


def free(prop: dict, taken, rng: random.Random, like: Any = None) -> Any:
    """A value valid for `prop` and not in `taken`, or None where none can be derived; `like` (a clashing value) is
    varied when the schema alone gives nothing to draw from."""
    from jsonschema import Draft202012Validator, FormatChecker

    valid = Draft202012Validator(prop, format_checker=FormatChecker()).is_valid
    for k in range(2, TRIES + 2):
        value = _draw(prop, rng, like, k)
        if value is None:
            return None
        if value not in taken and valid(value):
            return value
    return None


def _draw(prop: dict, rng: random.Random, like: Any, k: int) -> Any:
    if "enum" in prop:
        return rng.choice(prop["enum"])
    kind = prop.get("type")
    if kind == "integer":
        low = prop.get("minimum", prop.get("exclusiveMinimum", 0) + 1)
        high = prop.get("maximum", prop.get("exclusiveMaximum", low + 100_000) - 1)
        return rng.randint(int(low), int(high)) if low <= high else None
    if kind != "string":
        return None
    if "pattern" in prop:
        try:
            return _sample(re._parser.parse(prop["pattern"]), rng)  # type: ignore[attr-defined]
        except (re.error, ValueError):
            return None
    if prop.get("format") == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return f"{like} {k}" if isinstance(like, str) and not prop.get("format") else None


def _sample(items, rng: random.Random) -> str:
    """A string the parsed regex matches: literals, classes, repeats (a few at most), groups and alternatives."""
    from re import _constants as c  # type: ignore[attr-defined]

    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.IN:
            out.append(rng.choice(_chars(arg, c)))
        elif op is c.ANY:
            out.append(rng.choice(LOWER))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, sub = arg
            out += [_sample(sub, rng) for _ in range(rng.randint(low, min(high, low + 3)))]
        elif op is c.SUBPATTERN:
            out.append(_sample(arg[-1], rng))
        elif op is c.BRANCH:
            out.append(_sample(rng.choice(arg[1]), rng))
        elif op is not c.AT:  # anchors add nothing; lookarounds, backreferences… are not sampled
            raise ValueError(f"cannot sample {op}")
    return "".join(out)


def _chars(items, c) -> str:
    classes = {c.CATEGORY_DIGIT: DIGITS, c.CATEGORY_WORD: LOWER + DIGITS, c.CATEGORY_SPACE: " "}
    chars = ""
    for op, arg in items:
        if op is c.LITERAL:
            chars += chr(arg)
        elif op is c.RANGE:
            chars += "".join(map(chr, range(arg[0], arg[1] + 1)))
        elif op is c.CATEGORY and arg in classes:
            chars += classes[arg]
        else:  # a negated class and the like
            raise ValueError(f"cannot sample {op}")
    return chars
