"""Two or three models with personas talk in turns. Each speaker sees its own lines as `assistant` turns and
everyone else's (other models and the human moderator) as `user` turns labelled with the speaker's name.

    convo = Conversation([Speaker("Alex", "local/smollm2", ARGUMENTATIVE), Speaker("Blake", "openai/gpt-4.1-mini",
                          POLITE)], topic="Is a hot dog a sandwich?")
    for event in convo.run(rounds=3): ...        # TurnStart, Delta, TurnEnd
    convo.add_moderator("Please wrap up.")       # a human turn, seen by every speaker
    convo.save()                                 # markdown transcript, written atomically
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from llmworks import llm

ARGUMENTATIVE = ("You are very argumentative: you disagree with anything in the conversation and challenge "
                 "everything, in a snarky way.")
POLITE = ("You are very polite and courteous: you try to agree with what the others say or find common ground; "
          "if someone is argumentative, you try to calm them down and keep chatting.")
CURIOUS = "You are curious and even-handed: you ask sharp questions and sum up where the others agree."
DEFAULT_NAMES = ("Alex", "Blake", "Casey")
DEFAULT_PERSONAS = (ARGUMENTATIVE, POLITE, CURIOUS)
MODERATOR = "Moderator"
REPLY_TOKENS = 200


@dataclass
class Speaker:
    name: str
    model: str | llm.Model | None
    persona: str

    @property
    def model_name(self) -> str:
        return llm.get_model(self.model).name


@dataclass
class Turn:
    speaker: str
    text: str
    model: str | None = None
    """None for the human moderator."""
    usage: llm.Usage | None = None


@dataclass
class TurnStart:
    speaker: Speaker


@dataclass
class Delta:
    speaker: Speaker
    text: str


@dataclass
class TurnEnd:
    turn: Turn


Event = TurnStart | Delta | TurnEnd


@dataclass
class Conversation:
    speakers: list[Speaker]
    topic: str = ""
    temperature: float | None = None
    max_tokens: int = REPLY_TOKENS
    turns: list[Turn] = field(default_factory=list)
    usage: llm.Usage = field(default_factory=lambda: llm.Usage(0, 0, 0.0))
    """All the models' calls so far; cost None as soon as one model's price is unknown."""

    def __post_init__(self):
        if not 2 <= len(self.speakers) <= 3:
            raise llm.LLMError("A conversation needs two or three speakers (-a and -b, optionally -c).")
        names = [s.name for s in self.speakers]
        if len(set(names)) != len(names) or MODERATOR in names:
            raise llm.LLMError(f"Speaker names must be different from each other and from {MODERATOR!r}: {names}")

    # -- prompts --------------------------------------------------------------------------------------------

    def system_prompt(self, speaker: Speaker) -> str:
        others = [s.name for s in self.speakers if s is not speaker]
        about = f" about this topic: {self.topic}" if self.topic else ""
        return (
            f"You are {speaker.name}, in a conversation with {' and '.join(others)}{about}. {speaker.persona} "
            f"A human moderator may also speak. Reply with your own next message only: one or two short "
            f"paragraphs, without your name in front and without writing anyone else's lines."
        )

    def messages_for(self, speaker: Speaker) -> list[llm.Message]:
        """The conversation from `speaker`'s side: own turns as assistant, everyone else's as labelled user turns."""
        opening = f"The conversation{' about ' + self.topic if self.topic else ''} begins."
        messages: list[llm.Message] = [{"role": "system", "content": self.system_prompt(speaker)}]
        pending = [opening]
        for turn in self.turns:
            if turn.speaker == speaker.name:
                messages.append({"role": "user", "content": "\n\n".join(pending)})
                messages.append({"role": "assistant", "content": turn.text})
                pending = []
            else:
                pending.append(f"{turn.speaker}: {turn.text}")
        if not pending:  # speaking twice in a row (e.g. after a failed turn): ask to go on
            pending = ["(Go on.)"]
        messages.append({"role": "user", "content": "\n\n".join(pending)})
        return messages

    # -- running --------------------------------------------------------------------------------------------

    def next_speaker(self) -> Speaker:
        spoken = sum(1 for t in self.turns if t.speaker != MODERATOR)
        return self.speakers[spoken % len(self.speakers)]

    def step(self) -> Iterator[Event]:
        """One turn of the next speaker, streamed."""
        speaker = self.next_speaker()
        yield TurnStart(speaker)
        stream = llm.stream(self.messages_for(speaker), model=speaker.model, temperature=self.temperature,
                            max_tokens=self.max_tokens)
        for delta in stream:
            yield Delta(speaker, delta)
        response = stream.response
        text = clean_reply(response.text if response else "", speaker.name, [s.name for s in self.speakers])
        usage = response.usage if response else llm.Usage()
        self.usage = self.usage + usage
        turn = Turn(speaker.name, text, model=response.model if response else speaker.model_name, usage=usage)
        self.turns.append(turn)
        yield TurnEnd(turn)

    def run(self, rounds: int) -> Iterator[Event]:
        """`rounds` rounds: every speaker speaks once per round, in order."""
        if rounds < 1:
            raise llm.LLMError("--rounds must be at least 1.")
        for _ in range(rounds * len(self.speakers)):
            yield from self.step()

    def add_moderator(self, text: str) -> Turn:
        """A human turn, seen by every speaker as a user message from the Moderator."""
        if not text.strip():
            raise llm.LLMError("The moderator's message is empty.")
        turn = Turn(MODERATOR, text.strip())
        self.turns.append(turn)
        return turn

    # -- transcript -----------------------------------------------------------------------------------------

    def to_markdown(self) -> str:
        lines = [f"# Conversation{': ' + self.topic if self.topic else ''}", ""]
        for s in self.speakers:
            lines.append(f"- **{s.name}** ({s.model_name}): {s.persona}")
        lines += ["", "---", ""]
        for t in self.turns:
            who = f"**{t.speaker}**" + (f" _({t.model})_" if t.model else "")
            lines += [f"{who}: {t.text}", ""]
        cost = "unknown" if self.usage.cost_usd is None else f"${self.usage.cost_usd:.4f}"
        lines += ["---", "", f"Tokens: {self.usage.input_tokens:,} in, {self.usage.output_tokens:,} out; "
                  f"cost: {cost}.", ""]
        return "\n".join(lines)

    def save(self, path: str | Path | None = None) -> Path:
        """Write the markdown transcript atomically (default: <LLMWORKS_HOME>/debates/<time>-<topic>.md)."""
        if path is None:
            from llmworks.config import get_settings

            stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
            slug = re.sub(r"[^a-z0-9]+", "-", self.topic.lower()).strip("-")[:40] or "conversation"
            path = get_settings().path("debates", f"{stamp}-{slug}.md")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.to_markdown())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path


def clean_reply(text: str, name: str, names: list[str]) -> str:
    """A reply without a speaker label in front (its own name, or another's that a small model copied from the
    prompt), cut where the model starts writing another speaker's next line (small models continue the script)."""
    everyone = "|".join(re.escape(n) for n in [name, *names, MODERATOR])
    text = re.sub(rf"^\s*\**(?:{everyone})\**\s*:\s*", "", text.strip())
    cut = re.search(rf"\n\s*\**(?:{everyone})\**\s*:", text)
    return (text[: cut.start()] if cut else text).strip()
