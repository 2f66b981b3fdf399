"""Bookings made by the user directly, with no model in between (`llmworks airline book` / `cancel`, a form).

    booking = book("Tokyo", "Ada Lovelace", "2027-03-14")   # a Booking, or BookingRefused saying why
    cancel(booking.code)

The same checks as the assistant's tools (a known city, a valid name, a date inside the booking window, a real
code), except "did the user say it": here the user typed every argument.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from llmworks.errors import LlmworksError

from .db import AirlineDB, Booking
from .tools import Refusal, Toolbox


class BookingRefused(LlmworksError):
    """A booking or cancellation that did not happen; the message says why (nothing was written)."""


def book(
    city: str, passenger: str, travel_date: str, *, db: AirlineDB | None = None, today: Callable[[], date] = date.today
) -> Booking:
    box = Toolbox(db, today=today, direct=True)
    try:
        return box.book(city, passenger, travel_date)
    except Refusal as e:
        raise BookingRefused(e.user_message) from None


def cancel(code: str, *, db: AirlineDB | None = None) -> Booking:
    box = Toolbox(db, direct=True)
    try:
        return box.cancel(code)
    except Refusal as e:
        raise BookingRefused(e.user_message) from None
