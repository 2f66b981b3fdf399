"""FlightAI's chat: a model with the four airline tools, history kept, and every reply checked against the tools.

    bot = Assistant()                                   # local/smollm2 by default; Assistant("openai/gpt-4.1-mini")
    turn = bot.ask("How much is a flight to Paris?")
    turn.reply          # 'A return ticket to Paris costs $899.'
    turn.steps          # [ToolStep(name='get_ticket_price', arguments={'destination_city': 'Paris'}, ...)]

How a turn runs:
- Capable models: `llm.run_tools` with all tools, `tool_choice="auto"`, several calls per turn (up to max_steps).
- Embedded models (`local/...`): SmolLM2-135M, asked to pick among the tools in one constrained decision, picked
  `get_ticket_price` for almost every request (bookings too). Asked instead to pick an action *name* from an enum
  (a constrained `llm.structured` call with a few examples), it routes far better; the chosen tool is then called
  with `tool_choice=<name>` so its arguments are decoded under that tool's schema, and one call is made per turn.
- Either way the tools refuse arguments the user never gave (see tools.py), and the reply is checked: a reply that
  drops the fact a tool returned (the price, the code), states numbers or codes no tool returned, or claims a booking
  or cancellation that did not happen is replaced by the tools' own sentences. `turn.model_reply` keeps the original.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel

from llmworks import llm

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
_SUCCESS_WORDS = {"book_flight": ("booked", "confirmed", "confirmation code", "reserved"),
                  "cancel_booking": ("cancelled", "canceled")}


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


class Assistant:
    def __init__(self, model: str | llm.Model | None = None, *, db: AirlineDB | None = None,
                 today: Callable[[], date] = date.today, max_steps: int = 6, history_turns: int = 6,
                 reply_tokens: int | None = MAX_REPLY_TOKENS):
        self.model = llm.get_model(model)
        self.reply_tokens = reply_tokens
        self.toolbox = Toolbox(db, today=today)
        self.max_steps = max_steps
        self.history_turns = history_turns
        self.history: list[llm.Message] = []
        """Earlier turns as user/assistant messages (checked replies, so the model never re-reads its own errors)."""

    @property
    def db(self) -> AirlineDB:
        return self.toolbox.db

    @property
    def embedded(self) -> bool:
        return self.model.name.startswith("local/")

    def reset(self) -> None:
        self.history = []

    def ask(self, message: str, *, on_step: Callable[[llm.ToolStep], None] | None = None) -> Turn:
        message = message.strip()
        if not message:
            raise llm.LLMError("Type a question first, e.g. 'How much is a flight to Paris?'.")
        started = time.perf_counter()
        earlier = [m["content"] for m in self.history if m["role"] == "user"]
        self.toolbox.begin_turn(message, earlier)
        messages = self.history[-2 * self.history_turns:] + [{"role": "user", "content": message}]
        routed = None
        try:
            if self.embedded:
                routed = self.route(message)
                choice = "none" if routed == "answer_directly" else routed
                run = llm.run_tools(messages, tools=self.toolbox.tools(), model=self.model, system=SYSTEM_PROMPT,
                                    tool_choice=choice, max_steps=1, max_tokens=self.reply_tokens, on_step=on_step)
            else:
                run = llm.run_tools(messages, tools=self.toolbox.tools(), model=self.model, system=SYSTEM_PROMPT,
                                    max_steps=self.max_steps, on_step=on_step)
        except llm.ModelOutputError as e:  # e.g. a tool call cut off mid-JSON: the turn fails, the chat goes on
            run = llm.ToolRun(text="", stopped_by=f"invalid model output: {e}")
        outcomes = list(self.toolbox.outcomes)
        reply, why = checked_reply(run.text, outcomes, message)
        self.history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        return Turn(message, reply, run.text, run.steps, outcomes, why, self._destination(outcomes, message),
                    routed, run.stopped_by, time.perf_counter() - started)

    def route(self, message: str) -> str:
        """The embedded model's pick of one action for `message` (constrained to ACTIONS)."""
        return llm.structured(message, schema=RoutedAction, model=self.model, system=ROUTER_PROMPT,
                              temperature=0.0).action

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
    fallback = (" ".join(dict.fromkeys(o.message for o in ok)) if ok
                else refused[-1].user_message if refused
                else asked[-1].user_message if asked else DONT_KNOW)

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
