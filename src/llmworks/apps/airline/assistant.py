"""FlightAI's chat: a model with the four airline tools, history kept, and every reply checked against the tools.

    bot = Assistant()                                   # the default model; Assistant("openai/gpt-4.1-mini")
    for event in bot.run("How much is a flight to Paris?"):
        ...                                             # ToolStep per tool call, Delta (the reply), Done(Turn)
    turn = bot.turn("Book it for Ada Lovelace on 2027-03-14")   # the same, run to the end: the Turn
    turn.reply          # 'Booked Ada Lovelace on the flight to Paris on 2027-03-14 for $899. Confirmation code: …'
    turn.steps          # [ToolStep(name='book_flight', arguments={...}, ...)]

The assistant owns the conversation (`history`); `reset()` starts a new one.

How a turn runs:
- Capable models: `llm.run_tools` with all tools, `tool_choice="auto"`, several calls per turn (up to max_steps).
- Embedded models (the catalog's `embedded` capability): SmolLM2-135M, asked to pick among the tools in one
  constrained decision, picked `get_ticket_price` for almost every request (bookings too). Asked instead to pick an
  action *name* from an enum (a constrained `llm.structured` call with a few examples), it routes far better; the
  chosen tool is then called with `tool_choice=<name>` so its arguments are decoded under that tool's schema, and
  one call is made per turn.
- Either way the tools refuse arguments the user never gave (see tools.py), and the reply is checked: a reply that
  drops the fact a tool returned (the price, the code), states numbers or codes no tool returned, or claims a booking
  or cancellation that did not happen is replaced by the tools' own sentences. `turn.model_reply` keeps the original.
  The reply is therefore sent as one Delta once checked: streaming it first could show a claim the check retracts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel

from llmworks import llm
from llmworks.errors import LlmworksError
from llmworks.events import Delta, Done, Event, Progress, ToolStep, app, as_they_happen, result

from .db import AirlineDB, Destination, normalize
from .tools import Outcome, Toolbox

SYSTEM_PROMPT = (
    "You are a helpful assistant for an airline called FlightAI. Give short, courteous answers, no more than one "
    "sentence. Always be accurate. If you don't know the answer, say so. Use the tools for ticket prices, bookings "
    "and cancellations, and never make up prices, dates or confirmation codes."
)

ACTIONS = ("get_ticket_price", "book_flight", "cancel_booking", "list_bookings", "answer_directly")
ROUTER_PROMPT = """You route messages for FlightAI, an airline. Pick one action:
- get_ticket_price: the price of a ticket or flight to a city
- book_flight: book or reserve a flight for a passenger on a date
- cancel_booking: cancel a booking by its confirmation code
- list_bookings: show the bookings of a passenger
- answer_directly: anything else (greetings, jokes, weather, other questions)
Examples:
"What does a ticket to Rome cost?" -> get_ticket_price
"Reserve a seat to Berlin for Bob Smith on 2027-05-01" -> book_flight
"Please cancel booking K7XQ9P" -> cancel_booking
"Which bookings does Grace Hopper have?" -> list_bookings
"Hello, how are you?" -> answer_directly
"Who wrote Hamlet?" -> answer_directly"""

DONT_KNOW = "I don't know. I can tell you ticket prices, and book, list or cancel FlightAI flights."
MAX_REPLY_TOKENS = 80  # embedded models: one or two sentences; a 135M model otherwise rambles for hundreds
_SUCCESS_WORDS = {
    "book_flight": ("booked", "confirmed", "confirmation code", "reserved"),
    "cancel_booking": ("cancelled", "canceled"),
}


class RoutedAction(BaseModel):
    action: Literal[ACTIONS]  # type: ignore[valid-type]


@dataclass
class Turn:
    """One user message and everything that came of it."""

    user: str
    reply: str
    model_reply: str
    """The model's own text; differs from `reply` when the check replaced it (see `replaced`)."""
    steps: list[llm.ToolStep] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    replaced: str | None = None
    """Why the model's text was replaced, or None."""
    destination: Destination | None = None
    """The destination this turn is about (for a picture), if any."""
    routed: str | None = None
    """The action the router picked (embedded models only)."""
    stopped_by: str = "answer"
    """How the tool loop ended: 'answer', 'repeat' or 'max_steps'."""
    seconds: float = 0.0
    translation: str | None = None
    """The reply in `language`, when a translation was asked for (shown beside the reply, never instead)."""
    language: str | None = None


def routes_first(model: llm.Model) -> bool:
    """Does this model pick its tool through the router (the catalog's `embedded` capability)? A model the catalog
    does not know (a custom provider, a test double) is taken to choose tools by itself."""
    return model.info.embedded


class Assistant:
    def __init__(
        self,
        model: str | llm.Model | None = None,
        *,
        db: AirlineDB | None = None,
        today: Callable[[], date] = date.today,
        max_steps: int = 6,
        history_turns: int = 6,
        reply_tokens: int | None = MAX_REPLY_TOKENS,
        temperature: float | None = None,
    ):
        self.model = llm.get_model(model)
        self.reply_tokens = reply_tokens
        self.temperature = temperature
        self.toolbox = Toolbox(db, today=today)
        self.max_steps = max_steps
        self.history_turns = history_turns
        self.embedded = routes_first(self.model)
        self.history: list[llm.Message] = []
        """Earlier turns as user/assistant messages (checked replies, so the model never re-reads its own errors)."""

    @property
    def db(self) -> AirlineDB:
        return self.toolbox.db

    def reset(self) -> None:
        """Start a new conversation."""
        self.history = []

    def use(self, model: str | llm.Model | None) -> None:
        """Go on with another model (None: the default); the conversation stays."""
        self.model = llm.get_model(model)
        self.embedded = routes_first(self.model)

    @app
    def run(
        self, message: str, *, language: str | None = None, translator: str | llm.Model | None = None
    ) -> Iterator[Event]:
        """One turn: a ToolStep per tool call as it happens, the checked reply as a Delta, then Done(Turn). With
        `language`, the reply is also translated (by `translator`, default: this assistant's model)."""
        message = message.strip()
        if not message:
            raise LlmworksError("Type a question first, e.g. 'How much is a flight to Paris?'.")
        started = time.perf_counter()
        earlier = [m["content"] for m in self.history if m["role"] == "user"]
        self.toolbox.begin_turn(message, earlier)
        messages = self.history[-2 * self.history_turns :] + [{"role": "user", "content": message}]
        routed = None
        try:
            if self.embedded:
                routed = self.route(message)
                choice = "none" if routed == "answer_directly" else routed
                options = dict(tool_choice=choice, max_steps=1, max_tokens=self.reply_tokens)
            else:
                options = dict(max_steps=self.max_steps)
            run = yield from as_they_happen(
                lambda report: llm.run_tools(
                    messages,
                    tools=self.toolbox.tools(),
                    model=self.model,
                    system=SYSTEM_PROMPT,
                    temperature=self.temperature,
                    on_step=lambda step: report(ToolStep.of(step)),
                    **options,
                )
            )
        except llm.ModelOutputError as e:  # e.g. a tool call cut off mid-JSON: the turn fails, the chat goes on
            run = llm.ToolRun(text="", stopped_by=f"invalid model output: {e}")
        outcomes = list(self.toolbox.outcomes)
        reply, why = checked_reply(run.text, outcomes, message)
        self.history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        if why:
            yield Progress(f"Reply checked: {why}; the model wrote {run.text.strip()[:120]!r}", warning=True)
        yield Delta(reply)
        turn = Turn(
            message,
            reply,
            run.text,
            run.steps,
            outcomes,
            why,
            self._destination(outcomes, message),
            routed,
            run.stopped_by,
            time.perf_counter() - started,
        )
        if language and language.strip():
            from .translate import translate

            turn.language = language.strip()
            yield Progress(f"Translating into {turn.language}…")
            turn.translation = translate(reply, turn.language, model=translator or self.model)
        yield Done(turn)

    def turn(self, message: str, **options) -> Turn:
        """`run` to the end: the Turn."""
        return result(self.run(message, **options))

    def route(self, message: str) -> str:
        """The embedded model's pick of one action for `message` (constrained to ACTIONS)."""
        return llm.structured(
            message, schema=RoutedAction, model=self.model, system=ROUTER_PROMPT, temperature=0.0
        ).output.action

    def _destination(self, outcomes: list[Outcome], message: str) -> Destination | None:
        for o in outcomes:
            if o.ok and "destination_city" in o.arguments:
                found = self.db.find(o.arguments["destination_city"])
                if found:
                    return found
        return mentioned_destination(message, self.db.destinations())


def mentioned_destination(text: str, destinations: list[Destination]) -> Destination | None:
    """The first known destination named in `text` (case- and accent-insensitive, whole words)."""
    said = f" {normalize(text)} "
    hits = [(said.find(f" {normalize(d.city)} "), d) for d in destinations if f" {normalize(d.city)} " in said]
    return min(hits, key=lambda h: h[0])[1] if hits else None


# --- the reply check ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CODE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6}\b")


def _numbers(text: str) -> set[str]:
    out = set()
    for n in _NUMBER.findall(text):
        n = n.replace(",", "")
        out.add(re.sub(r"\.0+$", "", n))
    return out


def checked_reply(text: str, outcomes: list[Outcome], user_message: str) -> tuple[str, str | None]:
    """(reply, why it was replaced or None): the model's text if it is true to the tools, else their sentences."""
    reply = text.strip()
    ok = [o for o in outcomes if o.ok]
    refused = [o for o in outcomes if not o.ok and not o.grounding]
    asked = [o for o in outcomes if not o.ok and o.grounding]
    evidence = " ".join([user_message, SYSTEM_PROMPT] + [o.message for o in outcomes])
    fallback = (
        " ".join(dict.fromkeys(o.message for o in ok))
        if ok
        else refused[-1].user_message
        if refused
        else asked[-1].user_message
        if asked
        else DONT_KNOW
    )

    if not reply:
        return fallback, "the model gave no answer"
    missing = [f for o in ok for f in o.facts if f not in reply]
    if missing:
        return fallback, f"the reply left out {', '.join(missing)} from the tools"
    invented = (_numbers(reply) - _numbers(evidence)) | (set(_CODE.findall(reply)) - set(_CODE.findall(evidence)))
    if invented:
        return fallback, f"the reply stated {', '.join(sorted(invented))}, which no tool returned"
    done = {o.tool for o in ok}
    lowered = reply.lower()
    for tool, words in _SUCCESS_WORDS.items():
        if tool not in done and any(w in lowered for w in words) and not any(w in user_message.lower() for w in words):
            return fallback, f"the reply claims a {tool.split('_')[0]} that did not happen"
    if refused and not ok and normalize(refused[-1].user_message)[:40] not in normalize(reply):
        return fallback, "a tool refused the request; its reason is shown"
    return reply, None
