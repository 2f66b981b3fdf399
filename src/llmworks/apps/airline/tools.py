"""The four tools the model may call, validated in code: the model proposes, these functions decide.

    box = Toolbox(AirlineDB())
    box.begin_turn("How much is a flight to Zürich?")     # what the user said: arguments are checked against it
    box.get_ticket_price("zurich")                        # 'A return ticket to Zürich costs $650.'
    box.get_ticket_price("London")                        # raises Refusal (a ToolError): not what the user said

Every bad argument raises `Refusal` (a `ToolError`) with a message the model can relay (the tool loop sends it back as
"Error: …"), and nothing is written. A small model also calls tools for requests that need none ("tell me a joke"
→ get_ticket_price("London")), so each argument must appear in what the user wrote: a city, name, date or code
the user never mentioned is refused. Writes (book, cancel) also need one argument in the current message, so an
off-topic message late in a conversation cannot re-use earlier details to book again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, create_model

from llmworks.llm.errors import ToolError  # the one the tool loop turns into "Error: …" for the model
from llmworks.llm.tools import Tool
from llmworks.text import one_line

from .dates import dates_in, parse_date
from .db import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_NAME_LENGTH,
    AirlineDB,
    Booking,
    BookingError,
    Destination,
    normalize,
    passenger_name,
)


class Refusal(ToolError):
    """A refused tool call: the model sees `user_message` plus a hint on what to do; a reply can show the user
    `user_message` alone. `grounding` marks refusals for arguments the user never gave (the model invented them)."""

    def __init__(self, user_message: str, hint: str = "", *, grounding: bool = False):
        super().__init__(f"{user_message} {hint}".strip())
        self.user_message = user_message
        self.grounding = grounding


BOOKING_WINDOW_DAYS = 365
# Narrowed arguments: the embedded model decodes under the JSON schema, so these bound what it can write.
# (No \d: llama.cpp's schema-to-grammar converter cannot read it and silently constrains nothing.)
ARG_PATTERNS = {"date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "confirmation_code": r"^[A-Z0-9]{6}$"}
# A runaway string cannot run to max_tokens; the same limits hold when the CLI calls the tools directly.
ARG_MAX_LENGTH = {"destination_city": 40, "passenger_name": MAX_NAME_LENGTH}


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


_CODE_RE = re.compile(rf"\b[{CODE_ALPHABET}]{{{CODE_LENGTH}}}\b", re.I)


@dataclass
class Outcome:
    """One tool call as the app saw it: what it returned (or refused) and the facts a reply must not lose."""

    tool: str
    arguments: dict
    message: str
    ok: bool
    user_message: str = ""
    """For refusals: the sentence meant for the customer."""
    grounding: bool = False
    """For refusals: an argument the user never gave (the model made it up)."""
    facts: list[str] = field(default_factory=list)
    """Strings a truthful reply contains (the price, the confirmation code)."""


def booked_message(booking: Booking) -> str:
    return (
        f"Booked {booking.passenger} on the flight to {booking.city} on {booking.travel_date} for "
        f"${booking.price_usd}. Confirmation code: {booking.code}."
    )


def cancelled_message(booking: Booking) -> str:
    return f"Cancelled booking {booking.code} ({booking.passenger}, {booking.city}, {booking.travel_date})."


class Toolbox:
    """The airline's tools bound to one database and one conversation."""

    def __init__(self, db: AirlineDB | None = None, *, today: Callable[[], date] = date.today, direct: bool = False):
        """`direct`: the user typed the arguments themselves (a command, a form), no model proposed them, so the
        checks that the user said each one are skipped; every other check holds."""
        self.db = db or AirlineDB()
        self._today = today
        self.direct = direct
        self.earlier_user_text = ""
        self.user_text = ""
        self.outcomes: list[Outcome] = []
        self._booked_this_turn: dict[tuple[str, str, str], Booking] = {}

    @property
    def today(self) -> date:
        return self._today()

    def begin_turn(self, user_message: str, earlier_user_messages: list[str] | tuple[str, ...] = ()) -> None:
        """Start a turn: remember what the user said now and before; forget the last turn's outcomes."""
        # cleaned like the arguments are, so a name with control characters still matches what the user typed
        self.user_text = one_line(user_message)
        self.earlier_user_text = "\n".join(one_line(m) for m in earlier_user_messages)
        self.outcomes = []
        self._booked_this_turn = {}

    def functions(self) -> list[Callable[..., str]]:
        """The tools as plain typed functions (their names, hints and docstrings make the JSON schemas)."""
        box = self

        def get_ticket_price(destination_city: str) -> str:
            """Get the price of a return ticket to a destination city.

            Args:
                destination_city: the city the customer wants to fly to, e.g. "Paris"
            """
            return box.get_ticket_price(destination_city)

        def book_flight(destination_city: str, passenger_name: str, date: str) -> str:
            """Book a flight for a passenger to a destination city on a date.

            Args:
                destination_city: the city to fly to, e.g. "Tokyo"
                passenger_name: the passenger's full name, e.g. "Ada Lovelace"
                date: the travel date as YYYY-MM-DD
            """
            return box.book_flight(destination_city, passenger_name, date)

        def cancel_booking(confirmation_code: str) -> str:
            """Cancel a booking given its confirmation code.

            Args:
                confirmation_code: the six-character code from the booking, e.g. "K7XQ9P"
            """
            return box.cancel_booking(confirmation_code)

        def list_bookings(passenger_name: str) -> str:
            """List the bookings of a passenger.

            Args:
                passenger_name: the passenger's full name, e.g. "Ada Lovelace"
            """
            return box.list_bookings(passenger_name)

        return [get_ticket_price, book_flight, cancel_booking, list_bookings]

    def tools(self) -> list[Tool]:
        """The tools for the loop, their arguments narrowed (ARG_PATTERNS, ARG_MAX_LENGTH). Without them SmolLM2
        wrote dates as '10 September 2027', codes as '1234567890', and once a 256-token code that broke the JSON.
        Codes are upper-cased before the pattern is checked, so a code typed in lower case still passes."""
        out = []
        for tool in (Tool.from_function(fn) for fn in self.functions()):
            fields = {}
            for name, f in tool.args_model.model_fields.items():
                kind = Annotated[str, BeforeValidator(_upper)] if name == "confirmation_code" else f.annotation
                fields[name] = (
                    kind,
                    Field(
                        ...,
                        description=f.description,
                        pattern=ARG_PATTERNS.get(name),
                        max_length=ARG_MAX_LENGTH.get(name),
                    ),
                )
            tool.args_model = create_model(tool.args_model.__name__, __config__=ConfigDict(extra="forbid"), **fields)
            out.append(tool)
        return out

    # --- the tools: each returns a sentence for the model, or raises ToolError ---------------------------------

    def get_ticket_price(self, destination_city: str) -> str:
        def run():
            dest = self._destination(destination_city)
            return f"A return ticket to {dest.city} costs ${dest.price_usd}.", [str(dest.price_usd)]

        return self._record("get_ticket_price", {"destination_city": destination_city}, run)

    def book_flight(self, destination_city: str, passenger_name: str, date: str) -> str:
        def run():
            booking = self.book(destination_city, passenger_name, date)
            return booked_message(booking), [booking.code]

        args = {"destination_city": destination_city, "passenger_name": passenger_name, "date": date}
        return self._record("book_flight", args, run)

    def book(self, destination_city: str, passenger_name: str, date: str) -> Booking:
        """Check every argument, then book; Refusal (nothing written) when a check fails."""
        dest = self._destination(destination_city)
        name = self._name(passenger_name)
        day = self._date(date)
        self._one_in_current_message(dest.city, name, day)
        key = (dest.city, normalize(name), day.isoformat())
        if key not in self._booked_this_turn:  # a model repeating its call (respelled) must not book twice
            try:
                self._booked_this_turn[key] = self.db.book(dest.city, name, day)
            except BookingError as e:
                raise Refusal(f"Sorry, {e}") from None
        return self._booked_this_turn[key]

    def cancel_booking(self, confirmation_code: str) -> str:
        def run():
            booking = self.cancel(confirmation_code)
            return cancelled_message(booking), [booking.code]

        return self._record("cancel_booking", {"confirmation_code": confirmation_code}, run)

    def cancel(self, confirmation_code: str) -> Booking:
        """Check the code, then cancel; Refusal (nothing written) when a check fails."""
        code = (confirmation_code or "").strip().upper()
        if not code:
            raise Refusal("What is your confirmation code?", "(The code is empty.)", grounding=True)
        if not _CODE_RE.fullmatch(code):
            raise Refusal(f"{confirmation_code!r} is not a confirmation code (six letters and digits).")
        if not self.direct and code not in {c.upper() for c in _CODE_RE.findall(self.user_text)}:
            raise Refusal(
                "What is your confirmation code?", f"(The customer did not give the code {code}.)", grounding=True
            )
        try:
            return self.db.cancel(code)
        except BookingError as e:
            raise Refusal(f"Sorry, {e}") from None

    def list_bookings(self, passenger_name: str) -> str:
        def run():
            name = self._name(passenger_name)
            found = self.db.bookings(name)
            if not found:
                return f"No bookings found for {name}.", []
            lines = [f"{b.code}: {b.city} on {b.travel_date}, ${b.price_usd}, {b.status}" for b in found]
            message = f"{found[0].passenger} has {len(found)} booking(s): " + "; ".join(lines) + "."
            return message, [b.code for b in found]

        return self._record("list_bookings", {"passenger_name": passenger_name}, run)

    def _record(self, tool: str, arguments: dict, run: Callable[[], tuple[str, list[str]]]) -> str:
        try:
            message, facts = run()
        except Refusal as e:
            self.outcomes.append(
                Outcome(tool, arguments, str(e), ok=False, user_message=e.user_message, grounding=e.grounding)
            )
            raise
        self.outcomes.append(Outcome(tool, arguments, message, ok=True, facts=facts))
        return message

    # --- validation ----------------------------------------------------------------------------------------------

    def _mentioned(self, value: str) -> bool:
        """Does the user's text (this turn or earlier) contain `value` as whole words, ignoring case and accents?"""
        key = normalize(value)
        if self.direct:
            return bool(key)
        said = f" {normalize(self.user_text)} {normalize(self.earlier_user_text)} "
        return bool(key) and f" {key} " in said

    def _destination(self, city: str) -> Destination:
        city = one_line(city or "")  # it is echoed in refusals: no terminal control characters
        if not normalize(city):
            raise Refusal("Which city would you like to fly to?", "(The destination city is empty.)", grounding=True)
        if len(city) > ARG_MAX_LENGTH["destination_city"]:
            raise Refusal(
                f"Sorry, that is not a city FlightAI flies to (a city name has at most "
                f"{ARG_MAX_LENGTH['destination_city']} characters)."
            )
        dest = self.db.find(city) or self._contained_destination(city)
        if not self._mentioned(city) and not (dest and self._mentioned(dest.city)):
            raise Refusal(
                "Which city would you like to fly to?",
                f"(The customer did not mention {city!r}: ask, or answer without a tool.)",
                grounding=True,
            )
        if dest is None:
            known = ", ".join(d.city for d in self.db.destinations())
            raise Refusal(f"Sorry, FlightAI does not fly to {city}. We fly to {known}.")
        return dest

    def _contained_destination(self, city: str) -> Destination | None:
        # "Paris, France" or "Paris airport": one known city named inside the argument
        hits = [d for d in self.db.destinations() if f" {normalize(d.city)} " in f" {normalize(city)} "]
        return hits[0] if len(hits) == 1 else None

    def _name(self, name: str) -> str:
        name = one_line(name or "")
        if not normalize(name):
            raise Refusal("What is the passenger's full name?", "(The name is empty.)", grounding=True)
        try:
            name = passenger_name(name)  # the database's own check: the same limits on every path
        except BookingError as e:
            raise Refusal(str(e)) from None
        if not self._mentioned(name):
            raise Refusal(
                "What is the passenger's full name?", f"(The customer did not give the name {name!r}.)", grounding=True
            )
        if self.db.find(name) is not None:  # SmolLM2 booked "Sydney" to Sydney: a word the user said, not a name
            raise Refusal(
                "What is the passenger's full name?", f"({name!r} is a city, not a passenger's name.)", grounding=True
            )
        return name

    def _date(self, text: str) -> date:
        today = self.today
        day = parse_date(text or "", today)
        if day is None:
            raise Refusal("On which date would you like to travel (YYYY-MM-DD)?", f"({text!r} is not a date.)")
        if day < today:
            raise Refusal(
                f"Sorry, {day.isoformat()} is in the past (today is {today.isoformat()}); please choose a future date."
            )
        if day > today + timedelta(days=BOOKING_WINDOW_DAYS):
            raise Refusal(
                f"Sorry, bookings for {day.isoformat()} are not open yet: FlightAI books up to "
                f"{BOOKING_WINDOW_DAYS} days ahead."
            )
        if self.direct:
            return day
        said = dates_in(self.user_text, today) + dates_in(self.earlier_user_text, today)
        if not said:
            raise Refusal("On which date would you like to travel?", "(The customer gave no date.)", grounding=True)
        if day not in said:
            options = ", ".join(d.isoformat() for d in said)
            raise Refusal(
                f"Did you mean {options}?", f"({day.isoformat()} is not a date the customer gave.)", grounding=True
            )
        return day

    def _one_in_current_message(self, city: str, name: str, day: date) -> None:
        if self.direct:
            return
        now = f" {normalize(self.user_text)} "
        if (
            f" {normalize(city)} " in now
            or f" {normalize(name)} " in now
            or day in dates_in(self.user_text, self.today)
        ):
            return
        raise Refusal(
            "Shall I book that? Please confirm the city, the passenger's name and the date.",
            "(This message asks for no booking.)",
            grounding=True,
        )
