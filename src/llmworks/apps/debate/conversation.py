"""Two or three models with personas talk in turns. Each speaker sees its own lines as `assistant` turns and
everyone else's (other models and the human moderator) as `user` turns labelled with the speaker's name.

    convo = Conversation.between(["local/smollm2", "openai/gpt-4.1-mini"], topic="Is a hot dog a sandwich?")
    for event in convo.run(rounds=3): ...        # per turn: Progress (who speaks), Delta…; then Done(Debate)
    convo.add_moderator("Please wrap up.")       # a human turn, seen by every speaker
    convo.save()                                 # markdown transcript, written atomically
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from llmworks import llm
from llmworks.events import Delta, Done, Event, Progress, app
from llmworks.files import atomic_write, data_path

ARGUMENTATIVE = (
    "You are very argumentative: you disagree with anything in the conversation and challenge "
    "everything, in a snarky way."
)
POLITE = (
    "You are very polite and courteous: you try to agree with what the others say or find common ground; "
    "if someone is argumentative, you try to calm them down and keep chatting."
)
CURIOUS = "You are curious and even-handed: you ask sharp questions and sum up where the others agree."
DEFAULT_NAMES = ("Alex", "Blake", "Casey")
DEFAULT_PERSONAS = (ARGUMENTATIVE, POLITE, CURIOUS)
MODERATOR = "Moderator"
REPLY_TOKENS = 200
ROUNDS = 3
SPEAKER_COUNT = "A conversation needs two or three speakers (-a and -b, optionally -c)."


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

    def heading(self) -> str:
        """'**Alex** _(local/smollm2)_: ', how a turn starts in the transcript and on screen."""
        return f"**{self.speaker}**" + (f" _({self.model})_" if self.model else "") + ": "

    def markdown(self) -> str:
        return self.heading() + self.text


@dataclass(frozen=True)
class Debate:
    """What one `run` or `step` produced, and the conversation's totals so far."""

    turns: list[Turn]
    """The turns spoken in this run."""
    total: llm.Usage
    """Every model call of the whole conversation (Done.usage has this run's)."""
    summary: str
    """'4 turns; 1,200 in / 340 out tokens; $0.0000', for a status line."""


@dataclass
class Conversation:
    speakers: list[Speaker]
    topic: str = ""
    temperature: float | None = None
    max_tokens: int = REPLY_TOKENS
    turns: list[Turn] = field(default_factory=list)
    usage: llm.Usage = field(default_factory=lambda: llm.Usage(0, 0, 0.0))
    """All the models' calls so far; cost None as soon as one model's price is unknown."""

    @classmethod
    def between(
        cls,
        models: Sequence[str | llm.Model | None],
        personas: Sequence[str | None] = (),
        *,
        topic: str = "",
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> Conversation:
        """Two or three speakers with the default names, and the default persona where none (or a blank) is given."""
        if not 2 <= len(models) <= len(DEFAULT_NAMES):
            raise llm.LLMError(SPEAKER_COUNT)
        personas = [*personas, *[None] * len(models)]
        speakers = [
            Speaker(DEFAULT_NAMES[i], m, (personas[i] or "").strip() or DEFAULT_PERSONAS[i])
            for i, m in enumerate(models)
        ]
        return cls(speakers, topic=topic.strip(), temperature=temperature, max_tokens=max_tokens or REPLY_TOKENS)

    def __post_init__(self):
        if not 2 <= len(self.speakers) <= 3:
            raise llm.LLMError(SPEAKER_COUNT)
        names = [s.name for s in self.speakers]
        if len(set(names)) != len(names) or MODERATOR in names:
            raise llm.LLMError(f"Speaker names must be different from each other and from {MODERATOR!r}: {names}")
        for speaker in self.speakers:
            _ = speaker.model_name  # a misspelt model fails now, not after the first speaker's turn

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

    @app
    def step(self) -> Iterator[Event]:
        """One turn of the next speaker, streamed; Done carries a Debate of that turn."""
        turn = yield from self._turn()
        yield Done(self._debate([turn]))

    @app
    def run(self, rounds: int = ROUNDS) -> Iterator[Event]:
        """`rounds` rounds: every speaker speaks once per round, in order; Done carries a Debate."""
        if rounds < 1:
            raise llm.LLMError("--rounds must be at least 1.")
        turns = []
        for _ in range(rounds * len(self.speakers)):
            turns.append((yield from self._turn()))
        yield Done(self._debate(turns))

    def _turn(self) -> Iterator[Event]:
        speaker = self.next_speaker()
        model = speaker.model_name
        yield Progress(f"{speaker.name} ({model}) is speaking")
        yield Delta(Turn(speaker.name, "", model).heading())  # who speaks, in the reply's own text
        stream = llm.stream(
            self.messages_for(speaker), model=speaker.model, temperature=self.temperature, max_tokens=self.max_tokens
        )
        for delta in stream:
            yield Delta(delta)
        yield Delta("\n\n")
        response = stream.response
        text = clean_reply(response.text if response else "", speaker.name, [s.name for s in self.speakers])
        usage = response.usage if response else llm.Usage()
        self.usage = self.usage + usage
        turn = Turn(speaker.name, text, model=response.model if response else model, usage=usage)
        self.turns.append(turn)
        return turn

    def _debate(self, turns: list[Turn]) -> Debate:
        return Debate(turns, self.usage, self.summary())

    def summary(self) -> str:
        """'4 turns; 1,200 in / 340 out tokens; $0.0000'."""
        u = self.usage
        return f"{len(self.turns)} turns; {u.input_tokens:,} in / {u.output_tokens:,} out tokens; {u.cost_text()}"

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
            lines += [t.markdown(), ""]
        cost = "unknown" if self.usage.cost_usd is None else f"${self.usage.cost_usd:.4f}"
        lines += [
            "---",
            "",
            f"Tokens: {self.usage.input_tokens:,} in, {self.usage.output_tokens:,} out; cost: {cost}.",
            "",
        ]
        return "\n".join(lines)

    def save(self, path: str | Path | None = None) -> Path:
        """Write the markdown transcript atomically (default: <LLMWORKS_HOME>/debates/<time>-<topic>.md)."""
        if path is None:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            slug = re.sub(r"[^a-z0-9]+", "-", self.topic.lower()).strip("-")[:40] or "conversation"
            path = data_path("debates", f"{stamp}-{slug}.md")
        return atomic_write(path, self.to_markdown())


def clean_reply(text: str, name: str, names: list[str]) -> str:
    """A reply without a speaker label in front (its own name, or another's that a small model copied from the
    prompt), cut where the model starts writing another speaker's next line (small models continue the script)."""
    everyone = "|".join(re.escape(n) for n in [name, *names, MODERATOR])
    text = re.sub(rf"^\s*\**(?:{everyone})\**\s*:\s*", "", text.strip())
    cut = re.search(rf"\n\s*\**(?:{everyone})\**\s*:", text)
    return (text[: cut.start()] if cut else text).strip()
