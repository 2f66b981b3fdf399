"""Travel dates as people write them: '2027-03-14', '14 March 2027', 'March 14', 'tomorrow', 'next Friday'.

`parse_date` reads one date (a tool argument); `dates_in` finds every date a user's message states, so a date the
model passes to `book_flight` can be checked against what the user actually said.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})\b"),  # 2027-03-14
    re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})\b"),  # 14.03.2027 (day first)
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?\b", re.I),  # 14 March 2027, 14th of March
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.I),  # March 14, 2027
]
_RELATIVE = re.compile(
    r"\b(?P<word>today|tomorrow|day after tomorrow)\b|\bin (?P<n>\d{1,3}) days?\b|"
    r"\b(?:(?P<next>next|this|on|coming)\s+)(?P<weekday>" + "|".join(WEEKDAYS) + r")\b",
    re.I,
)


def dates_in(text: str, today: date) -> list[date]:
    """Every date stated in `text`, in order of appearance, duplicates removed; dates without a year are the next
    such day from `today`."""
    found: list[tuple[int, date]] = []
    taken: list[range] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() in r for r in taken):
                continue
            d = _from_match(m, today)
            if d is not None:
                found.append((m.start(), d))
                taken.append(range(m.start(), m.end()))
    for m in _RELATIVE.finditer(text):
        if any(m.start() in r for r in taken):
            continue
        found.append((m.start(), _relative(m, today)))
    out: list[date] = []
    for _, d in sorted(found, key=lambda x: x[0]):
        if d not in out:
            out.append(d)
    return out


def parse_date(text: str, today: date) -> date | None:
    """The one date `text` states, or None if it states none (or several)."""
    found = dates_in(text.strip(), today)
    return found[0] if len(found) == 1 else None


def _from_match(m: re.Match, today: date) -> date | None:
    month = m.group("month")
    month_no = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    year = m.group("year")
    try:
        if year:
            return date(int(year), month_no, int(m.group("day")))
        d = date(today.year, month_no, int(m.group("day")))
        return d if d >= today else date(today.year + 1, month_no, int(m.group("day")))
    except ValueError:  # 31 February and friends
        return None


def _relative(m: re.Match, today: date) -> date:
    if m.group("word"):
        word = m.group("word").lower()
        return today + timedelta(days={"today": 0, "tomorrow": 1}.get(word, 2))
    if m.group("n"):
        return today + timedelta(days=int(m.group("n")))
    ahead = (WEEKDAYS[m.group("weekday").lower()] - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)  # "on Friday" said on a Friday means a week later
