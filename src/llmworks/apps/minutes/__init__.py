"""Meeting minutes from audio or a transcript, every decision and action item checked against the transcript.

from llmworks.apps import minutes
for event in minutes.run("council.mp3"): ...          # Progress…, Delta(markdown), Done(Minutes)
m = events.result(minutes.run("council.vtt", model="openai/gpt-4.1-mini"))
m.to_json()["action_items"]                          # [{owner, task, due, quote, at}], quotes verbatim
minutes.save(m, "minutes.md")                         # atomically; .json for the JSON
t = events.result(minutes.transcribe("council.mp3")) # Transcript with timestamped segments
"""

from .minutes import AUDIO_SUFFIXES, PART_TOKENS, TRANSCRIPT_SUFFIXES, run, save, split, transcribe
from .quotes import TranscriptIndex
from .schema import ActionItem, Decision, Dropped, Minutes, Overview, PartNotes

__all__ = [
    "AUDIO_SUFFIXES",
    "PART_TOKENS",
    "TRANSCRIPT_SUFFIXES",
    "ActionItem",
    "Decision",
    "Dropped",
    "Minutes",
    "Overview",
    "PartNotes",
    "TranscriptIndex",
    "run",
    "save",
    "split",
    "transcribe",
]
