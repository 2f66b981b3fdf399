"""Scoring one reply against its prompt's check: 1.0 passes, 0.0 fails, with a note saying why it failed.

Exact, regex, number and JSON-schema checks are plain code; a judge check asks a model through `llm.structured`
(see `judge`), run after every reply is in so that the judge model is loaded once.
"""

from __future__ import annotations

import json
import math
import re

from pydantic import BaseModel, Field

from .prompts import Check

NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+")
FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)


def score(check: Check, reply: str) -> tuple[float, str]:
    """(score, note) for the code-checked kinds; the judge kind is scored by `judge`."""
    if check.exact is not None:
        ok = _plain(reply) == _plain(check.exact)
        return _result(ok, f"expected {check.exact!r}")
    if check.regex is not None:
        return _result(re.search(check.regex, reply) is not None, f"no match for /{check.regex}/")
    if check.number is not None:
        found = last_number(reply)
        if found is None:
            return 0.0, "no number in the reply"
        ok = math.isclose(found, check.number, rel_tol=0, abs_tol=check.tolerance + 1e-9)
        return _result(ok, f"{found:g} is not {check.number:g} ± {check.tolerance:g}")
    if check.json_schema is not None:
        return _json_check(check.json_schema, reply)
    raise ValueError("judge checks are scored by judge()")


def _result(ok: bool, why: str) -> tuple[float, str]:
    return (1.0, "") if ok else (0.0, why)


def _plain(text: str) -> str:
    """Case, surrounding quotes, runs of spaces and one final full stop do not count in an exact answer."""
    text = " ".join(text.split()).strip().strip("\"'`*").strip()
    return text.removesuffix(".").casefold()


def last_number(text: str) -> float | None:
    """The last number written in `text` ('1,234.5', '-3', '2e3'); the answer usually comes after the working."""
    found = NUMBER.findall(text)
    return float(found[-1].replace(",", "")) if found else None


def json_in(text: str):
    """The JSON value in a reply: the whole text, a fenced block, or the outermost {…} / […] span."""
    candidates = [text.strip(), *FENCE.findall(text)]
    for open_, close in (("{", "}"), ("[", "]")):
        start, end = text.find(open_), text.rfind(close)
        if 0 <= start < end:
            candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except (json.JSONDecodeError, ValueError):
            continue
    raise ValueError("no JSON in the reply")


def _json_check(schema: dict, reply: str) -> tuple[float, str]:
    from jsonschema import validators

    try:
        value = json_in(reply)
    except ValueError as e:
        return 0.0, str(e)
    error = next(iter(validators.validator_for(schema)(schema).iter_errors(value)), None)
    return _result(error is None, f"schema: {error.message[:120]}" if error else "")


class Verdict(BaseModel):
    """The judge's answer."""

    reason: str = Field(description="one short sentence")
    passed: bool


JUDGE_SYSTEM = (
    "You grade one reply against a criterion. Be strict: pass only if the reply meets the criterion. "
    "Answer with JSON: a one-sentence reason, then passed true or false."
)


def judge(criterion: str, prompt: str, reply: str, *, model) -> tuple[float, str]:
    """Score a reply by a judge model's verdict on `criterion`."""
    from ... import llm

    verdict = llm.structured(
        f"Question:\n{prompt}\n\nReply to grade:\n{reply}\n\nCriterion: {criterion}",
        schema=Verdict,
        system=JUDGE_SYSTEM,
        model=model,
        temperature=0,
        max_tokens=200,
    ).output
    return (1.0, "") if verdict.passed else (0.0, f"judge: {verdict.reason[:160]}")
