"""Checking the model's quotes against the transcript, in code.

A quote counts as found when its words (case, accents and punctuation ignored, as the WER does) appear in the same
order and next to each other in the transcript; the quote kept is then the transcript's own text for that span,
copied verbatim, with the start time of the segment it begins in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmworks.speech import Segment
from llmworks.speech.wer import words

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Found:
    quote: str
    """The transcript's own text for the span."""
    at: float | None
    """Start of the segment the span begins in, in seconds (None for a transcript without times)."""


class TranscriptIndex:
    """The transcript's normalised words, each pointing back to its characters and its segment."""

    def __init__(self, segments: list[Segment] | tuple[Segment, ...], *, timed: bool, named_speakers: bool = True):
        self.segments, self.timed = list(segments), timed
        self.text = ""
        self.words: list[str] = []
        self.spans: list[tuple[int, int, int]] = []  # (char start, char end, segment) per normalised word
        for i, segment in enumerate(self.segments):
            offset = len(self.text) + (1 if self.text else 0)
            self.text += (" " if self.text else "") + segment.text
            for m in _TOKEN.finditer(segment.text):
                for w in words(m.group()):
                    self.words.append(w)
                    self.spans.append((offset + m.start(), offset + m.end(), i))
        # names may be said, or only stand in the speaker labels (not anonymous ones: "Speaker 2" is nobody's name)
        self.labels = {s.speaker for s in self.segments if s.speaker}
        said = {w for label in self.labels for w in words(label)} if named_speakers else set()
        self.vocabulary = set(self.words) | said
        self._first: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            self._first.setdefault(w, []).append(i)

    def find(self, quote: str) -> Found | None:
        """The quote's span in the transcript, or None if its words are not there in that order. A leading
        "Name:" that the model copied from the prompt's speaker labels is not part of what was said."""
        label, colon, said = quote.partition(":")
        if colon and label.strip() in self.labels:
            quote = said
        wanted = words(quote)
        if not wanted:
            return None
        n = len(wanted)
        for i in self._first.get(wanted[0], []):
            if self.words[i : i + n] == wanted:
                start, end = self.spans[i][0], self.spans[i + n - 1][1]
                segment = self.segments[self.spans[i][2]]
                return Found(self.text[start:end], segment.start if self.timed else None)
        return None

    def mentions(self, name: str) -> bool:
        """Whether every word of `name` (a person, a date) occurs somewhere in the transcript or its speaker labels."""
        wanted = words(name)
        return bool(wanted) and all(w in self.vocabulary for w in wanted)
