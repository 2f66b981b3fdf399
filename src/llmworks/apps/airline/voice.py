"""Voice in and out for FlightAI, on the offline speech layer (`llmworks.speech`)."""

from __future__ import annotations

import re

from llmworks import speech

_CODE = re.compile(r"\b[A-Z0-9]{6}\b")  # confirmation codes (and any 6-character all-caps token)


def speakable(text: str) -> str:
    """Reply text as it should be read aloud: confirmation codes letter by letter, '$899' as '899 dollars'."""
    text = _CODE.sub(lambda m: ", ".join(m.group(0)), text)
    text = re.sub(r"\$(\d[\d,]*)", r"\1 dollars", text)
    return re.sub(r"[*_`#>]", "", text)


def speak_reply(text: str) -> speech.Speech:
    return speech.speak(speakable(text))


def hear(audio) -> str:
    """The transcript of a recorded or uploaded question (file path, bytes, or (rate, samples))."""
    text = speech.transcribe(audio).text
    if not text:
        raise speech.SpeechError("No speech was recognised in the audio; speak closer to the microphone.")
    return text
