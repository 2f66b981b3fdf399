"""Judge-free answer scores: does the answer carry the reference's keywords and numbers, or does it give up?

A 1-5 grade from a judge model is only as good as the judge, and offline the judge would be a small model. These
scores need no model: they compare the answer's text with the test's keywords and the reference's numbers.
- keyword recall: share of the test's keywords that occur in the answer (case-insensitive, as retrieval's metrics);
- fact recall: share of the reference answer's numbers (amounts, counts, percentages, years, quarters) stated in
  the answer, compared by value ("$2M" = "2 million" = "2,000,000"); numbers the question itself gives ("in 2022",
  "version 2.0") are not facts of the answer and are left out; only for references that state another number;
- "I don't know" rate: share of answerable questions the answer declined.
They reward recall, not precision: an answer that pastes its whole context would score well, which the
"I don't know" guard's grounding check and the short answers asked for keep in bounds; `--judge` still grades.
"""

from __future__ import annotations

import re

ANSWER_METRICS = ("keyword_recall", "fact_recall", "idk_rate")

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(thousand|million|billion|mm|bn|[kmb])?(?![a-z])", re.IGNORECASE
)
_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_WORDS = {w: n for n, w in enumerate(_NUMBER_WORDS, 2)}  # "one" is left out: it is mostly not a count
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)


_QUARTER = re.compile(r"\b(Q[1-4])\b")


def numbers(text: str) -> set[float | str]:
    """The values of the numbers in `text`: "$1,098,000" → 1098000, "$2M" → 2000000, "60%" → 60, "four" → 4;
    quarters as written ("Q1 2025" → "Q1", 2025: Q3 is not Q1)."""
    found: set[float | str] = set(_QUARTER.findall(text.upper()))
    for whole, fraction, scale in _NUMBER.findall(text):
        value = float(whole.replace(",", "") + fraction)
        found.add(round(value * _SCALE.get(scale.lower(), 1.0), 6))
    found.update(float(_WORDS[w.lower()]) for w in _WORD.findall(text))
    return found


def answer_scores(
    keywords: list[str], reference: str, answer: str, *, known: bool, question: str = ""
) -> dict[str, float | None]:
    """Keyword recall, numeric-fact recall (None when the reference states no number) and the "I don't know" flag
    (None when there is no reference answer: declining may then be right)."""
    text = answer.lower() if known else ""
    wanted = numbers(reference) - numbers(question)
    return {
        "keyword_recall": sum(kw.lower() in text for kw in keywords) / len(keywords) if keywords else 0.0,
        "fact_recall": len(wanted & numbers(text)) / len(wanted) if wanted else None,
        "idk_rate": (0.0 if known else 1.0) if reference.strip() else None,
    }
