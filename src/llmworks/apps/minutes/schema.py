"""What the model is asked to fill in (pydantic schemas for `llm.structured`), and the checked minutes it becomes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Annotated

from pydantic import BaseModel, Field

from llmworks import llm
from llmworks.speech import Transcript

# Caps keep a small model's constrained reply short and its loops bounded; remote models rarely need more. The
# character caps become part of the decoding grammar: a 1.5B that loops inside a string ("hearing 32, hearing 33,
# …", measured on a council meeting) is cut at the cap instead of running out of reply and leaving broken JSON.
MAX_POINTS = 8
MAX_ITEMS = 8
Line = Annotated[str, Field(max_length=300)]
Name = Annotated[str, Field(max_length=80)]
Quote = Annotated[str, Field(max_length=400)]


class DecisionDraft(BaseModel):
    text: Line = Field(description="the decision, in one sentence")
    quote: Quote = Field(description="the exact words of the transcript that state it, copied, 5 to 30 words")


class ActionDraft(BaseModel):
    owner: Name = Field(description="who will do it, as named in the transcript; empty if nobody is named")
    task: Line = Field(description="what will be done")
    due: Name = Field(description="the due date as said in the transcript; empty if none is said")
    quote: Quote = Field(description="the exact words of the transcript that assign it, copied, 5 to 30 words")


class PartNotes(BaseModel):
    """The model's notes on one part of the transcript."""

    title: Name = Field(description="a short title for the meeting")
    date: Name = Field(description="the meeting date as said in the transcript; empty if not said")
    attendees: list[Name] = Field(max_length=20, description="names of people who speak or are present")
    summary: str = Field(max_length=1200, description="what this part of the meeting was about, 2 to 4 sentences")
    discussion: list[Line] = Field(max_length=MAX_POINTS, description="the main points discussed, one line each")
    decisions: list[DecisionDraft] = Field(max_length=MAX_ITEMS, description="decisions taken; empty if none")
    action_items: list[ActionDraft] = Field(max_length=MAX_ITEMS, description="tasks given to someone; empty if none")


class Overview(BaseModel):
    """The model's overview of the whole meeting, written from the notes on its parts."""

    title: Name = Field(description="a short title for the meeting")
    summary: str = Field(
        max_length=1600, description="what the meeting was about and what came of it, 3 to 6 sentences"
    )
    discussion: list[Line] = Field(max_length=MAX_POINTS, description="the main points discussed, one line each")


@dataclass(frozen=True)
class Decision:
    text: str
    quote: str
    """The transcript's own words, copied verbatim."""
    at: float | None = None
    """Seconds from the start of the recording (None when the transcript has no times)."""


@dataclass(frozen=True)
class ActionItem:
    owner: str | None
    """None when the owner the model named is not in the transcript, or nobody was."""
    task: str
    due: str | None
    quote: str
    at: float | None = None


@dataclass(frozen=True)
class Dropped:
    """What the checks removed: items whose quote is not in the transcript, names and dates it never says."""

    decisions: int = 0
    action_items: int = 0
    attendees: int = 0
    owners: int = 0
    dates: int = 0


@dataclass(frozen=True)
class Minutes:
    title: str
    date: str | None
    attendees: list[str]
    summary: str
    discussion: list[str]
    decisions: list[Decision]
    action_items: list[ActionItem]
    transcript: Transcript
    dropped: Dropped = field(default_factory=Dropped)
    proposed: tuple[int, int] = (0, 0)
    """(decisions, action items) the model proposed before the quote check."""
    parts: int = 1
    """Transcript parts summarised separately (map-reduce when more than one)."""
    speakers: str = "speakers not identified"
    """How speakers are known: from the transcript's labels, or not at all."""
    response: llm.Response | None = None
    """The last model call."""

    def to_json(self) -> dict:
        """The documented JSON: title, date, attendees, summary, discussion, decisions, action_items (+ checks)."""
        return {
            "title": self.title,
            "date": self.date,
            "attendees": self.attendees,
            "summary": self.summary,
            "discussion": self.discussion,
            "decisions": [asdict(d) for d in self.decisions],
            "action_items": [asdict(a) for a in self.action_items],
            "dropped": asdict(self.dropped),
            "speakers": self.speakers,
        }

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def markdown(self) -> str:
        """The minutes as a markdown document."""
        lines = [f"# {self.title}", ""]
        if self.date:
            lines.append(f"**Date:** {self.date}  ")
        lines.append(f"**Attendees:** {', '.join(self.attendees) if self.attendees else 'not stated'}  ")
        lines += [f"**Speakers:** {self.speakers}", "", "## Summary", "", self.summary, ""]
        if self.discussion:
            lines += ["## Discussion points", "", *(f"- {p}" for p in self.discussion), ""]
        lines += ["## Decisions", ""]
        lines += [f"- {d.text} {_source(d.quote, d.at)}" for d in self.decisions] or ["None recorded."]
        lines += ["", "## Action items", ""]
        lines += [
            f"- **{a.owner or 'unassigned'}**: {a.task}"
            + (f" (due {a.due})" if a.due else "")
            + f" {_source(a.quote, a.at)}"
            for a in self.action_items
        ] or ["None recorded."]
        d = self.dropped
        if d.decisions or d.action_items:
            lines += [
                "",
                f"_{d.decisions + d.action_items} item(s) the model proposed were dropped: their quote is not in the "
                "transcript._",
            ]
        return "\n".join(lines) + "\n"


def clock(seconds: float) -> str:
    """'12:34', or '1:02:03' past the hour."""
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _source(quote: str, at: float | None) -> str:
    return f"— “{quote}”" + (f" [{clock(at)}]" if at is not None else "")
