"""The tools' validation without a model: bad arguments are refused with a message, and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from llmworks import llm
from llmworks.apps.airline import AirlineDB, Refusal, Toolbox
from llmworks.apps.airline.dates import dates_in, parse_date
from llmworks.apps.airline.tools import ARG_PATTERNS

TODAY = date(2026, 11, 23)


@pytest.fixture
def box(tmp_path):
    return Toolbox(AirlineDB(tmp_path / "a.db"), today=lambda: TODAY)


def refused(fn, *args) -> Refusal:
    with pytest.raises(Refusal) as info:
        fn(*args)
    assert isinstance(info.value, llm.ToolError)  # what the tool loop turns into "Error: …" for the model
    return info.value


def test_price_from_the_database_accent_insensitive(box):
    box.begin_turn("How much is a flight to ZURICH?")
    assert box.get_ticket_price("Zürich") == "A return ticket to Zürich costs $650."
    box.begin_turn("What does a ticket to Zürich cost?")
    assert "$650" in box.get_ticket_price("zurich")
    assert box.outcomes[-1].ok and box.outcomes[-1].facts == ["650"]


def test_price_reads_the_current_database_price(box):
    with box.db.transaction() as con:
        con.execute("UPDATE destinations SET price_usd = 1234 WHERE city = 'Paris'")
    box.begin_turn("price to paris?")
    assert "$1234" in box.get_ticket_price("Paris, France")  # a known city named inside the argument


def test_a_city_the_user_never_mentioned_is_refused(box):
    box.begin_turn("Tell me a joke about cats")
    e = refused(box.get_ticket_price, "London")
    assert e.grounding and "did not mention 'London'" in str(e)
    assert not box.outcomes[-1].ok and box.outcomes[-1].grounding


def test_unknown_and_empty_cities(box):
    box.begin_turn("How much is a flight to Atlantis?")
    e = refused(box.get_ticket_price, "Atlantis")
    assert not e.grounding and "does not fly to Atlantis" in e.user_message and "Paris" in e.user_message
    assert refused(box.get_ticket_price, " ").grounding


def test_booking_happy_path_then_listed(box):
    box.begin_turn("Book a flight to Tokyo for Ada Lovelace on 2027-03-14")
    result = box.book_flight("tokyo", "Ada Lovelace", "2027-03-14")
    [booking] = box.db.bookings("Ada Lovelace")
    assert result == (
        f"Booked Ada Lovelace on the flight to Tokyo on 2027-03-14 for $1420. Confirmation code: {booking.code}."
    )
    box.begin_turn("Which bookings does ada lovelace have?")
    assert booking.code in box.list_bookings("Ada Lovelace")


def test_the_same_booking_twice_in_one_turn_books_once(box):
    box.begin_turn("Book a flight to Tokyo for Ada Lovelace on 14 March 2027")
    first = box.book_flight("Tokyo", "Ada Lovelace", "2027-03-14")
    assert box.book_flight("Tokyo", "Ada Lovelace", "March 14, 2027") == first
    assert len(box.db.bookings()) == 1
    box.begin_turn("Book a flight to Tokyo for Ada Lovelace on 14 March 2027 again please")
    box.book_flight("Tokyo", "Ada Lovelace", "2027-03-14")  # a new turn asking again is a new booking
    assert len(box.db.bookings()) == 2


@pytest.mark.parametrize(
    "message, args, expect, grounding",
    [
        ("Book Tokyo for Ada Lovelace on 2025-01-01", ("Tokyo", "Ada Lovelace", "2025-01-01"), "in the past", False),
        ("Book Tokyo for Ada Lovelace on 2029-01-01", ("Tokyo", "Ada Lovelace", "2029-01-01"), "not open yet", False),
        ("Book Tokyo for Ada Lovelace on someday", ("Tokyo", "Ada Lovelace", "someday"), "which date", False),
        ("Book Tokyo for Ada Lovelace", ("Tokyo", "Ada Lovelace", "2027-03-14"), "which date", True),
        (
            "Book Tokyo for Ada Lovelace on 2027-03-15",
            ("Tokyo", "Ada Lovelace", "2027-03-14"),
            "did you mean 2027-03-15",
            True,
        ),
        ("Book Tokyo on 2027-03-14", ("Tokyo", "John Doe", "2027-03-14"), "passenger's full name", True),
        ("Book Tokyo for Ada Lovelace on 2027-03-14", ("Tokyo", "  ", "2027-03-14"), "passenger's full name", True),
        (
            "Book Sydney for Linus Pauling on 2027-06-30",
            ("Sydney", "Sydney", "2027-06-30"),
            "passenger's full name",
            True,
        ),
        (
            "Book Atlantis for Ada Lovelace on 2027-03-14",
            ("Atlantis", "Ada Lovelace", "2027-03-14"),
            "does not fly",
            False,
        ),
        ("Book a flight for Ada Lovelace on 2027-03-14", ("Paris", "Ada Lovelace", "2027-03-14"), "which city", True),
    ],
)
def test_bad_bookings_are_refused_and_write_nothing(box, message, args, expect, grounding):
    box.begin_turn(message)
    e = refused(box.book_flight, *args)
    assert expect in e.user_message.lower()
    assert e.grounding is grounding
    assert box.db.bookings() == []


def test_a_write_needs_the_current_message_to_ask_for_it(box):
    earlier = ["How much is a flight to Paris?", "My name is Ada Lovelace and I travel on 2027-03-14"]
    box.begin_turn("Tell me a joke", earlier)
    e = refused(box.book_flight, "Paris", "Ada Lovelace", "2027-03-14")
    assert e.grounding and box.db.bookings() == []
    box.begin_turn("Yes, book Paris please", earlier)  # details from earlier turns, the request from this one
    assert "Confirmation code" in box.book_flight("Paris", "Ada Lovelace", "2027-03-14")


def test_cancel_rules(box):
    booking = box.db.book("Paris", "Ada Lovelace", date(2027, 3, 14))
    box.begin_turn("Cancel ZZZZ99 please")
    assert "no booking" in refused(box.cancel_booking, "ZZZZ99").user_message
    box.begin_turn("Cancel my booking please")
    assert refused(box.cancel_booking, booking.code).grounding  # a code the user never gave
    assert "not a confirmation code" in refused(box.cancel_booking, "hello").user_message
    assert refused(box.cancel_booking, "").grounding
    assert box.db.booking(booking.code).status == "confirmed"
    box.begin_turn(f"Cancel {booking.code.lower()}")
    assert booking.code in box.cancel_booking(booking.code.lower())
    assert box.db.booking(booking.code).status == "cancelled"
    assert "already cancelled" in refused(box.cancel_booking, booking.code).user_message


def test_list_bookings_for_nobody(box):
    box.begin_turn("What bookings does Grace Hopper have?")
    assert box.list_bookings("Grace Hopper") == "No bookings found for Grace Hopper."
    assert refused(box.list_bookings, "Alan Turing").grounding


def test_tool_schemas_seen_by_the_model():
    from llmworks.llm.tools import as_tools

    tools = as_tools(Toolbox.__new__(Toolbox).functions())
    specs = {name: t.spec for name, t in tools.items()}
    assert list(specs) == ["get_ticket_price", "book_flight", "cancel_booking", "list_bookings"]
    book = specs["book_flight"].parameters
    assert book["required"] == ["destination_city", "passenger_name", "date"]
    assert "YYYY-MM-DD" in book["properties"]["date"]["description"]
    assert specs["get_ticket_price"].description.startswith("Get the price")


def test_a_bad_argument_type_becomes_a_tool_error(box):
    from llmworks.llm.tools import as_tools

    tools = as_tools(box.tools())
    with pytest.raises(llm.ToolError, match="invalid arguments"):
        tools["get_ticket_price"]({"destination_city": ["Paris"]})


@pytest.mark.parametrize(
    "text, want",
    [
        ("2027-03-14", [date(2027, 3, 14)]),
        ("on 14 March 2027", [date(2027, 3, 14)]),
        ("March 14th, 2027", [date(2027, 3, 14)]),
        ("14.03.2027", [date(2027, 3, 14)]),
        ("march 3", [date(2027, 3, 3)]),  # no year: the next one
        ("tomorrow", [date(2026, 11, 24)]),
        ("next friday", [date(2026, 11, 27)]),  # TODAY is a Monday
        ("on monday", [date(2026, 11, 30)]),
        ("in 10 days", [date(2026, 12, 3)]),
        ("31 February 2027", []),
        ("may 5 or jun 7", [date(2027, 5, 5), date(2027, 6, 7)]),
        ("no date here, 2 people", []),
    ],
)
def test_dates_in(text, want):
    assert dates_in(text, TODAY) == want


def test_parse_date_needs_exactly_one():
    assert parse_date("2027-01-02", TODAY) == date(2027, 1, 2)
    assert parse_date("2027-01-02 or 2027-01-03", TODAY) is None
    assert parse_date("soon", TODAY) is None


def test_replies_are_made_speakable():
    from llmworks.apps.airline.voice import speakable

    assert (
        speakable("Booked. Confirmation code: K7XQ9P. It costs $1,420.")
        == "Booked. Confirmation code: K, 7, X, Q, 9, P. It costs 1,420 dollars."
    )
    assert speakable("**Paris** is `nice`") == "Paris is nice"


def test_arguments_are_narrowed_for_constrained_decoding(box):
    specs = {t.name: t.spec.parameters["properties"] for t in box.tools()}
    # llama.cpp's schema-to-grammar converter knows no \d: a pattern it cannot read would constrain nothing
    assert specs["book_flight"]["date"]["pattern"] == ARG_PATTERNS["date"] and "\\" not in ARG_PATTERNS["date"]
    assert specs["cancel_booking"]["confirmation_code"]["pattern"] == "^[A-Z0-9]{6}$"
    assert specs["book_flight"]["passenger_name"]["maxLength"] == 60 and "pattern" not in specs["list_bookings"]
    tools = {t.name: t for t in box.tools()}
    box.begin_turn("Book Paris for Ada Lovelace on 10 September 2027")
    with pytest.raises(llm.ToolError, match="invalid arguments.*date"):
        tools["book_flight"](
            {"destination_city": "Paris", "passenger_name": "Ada Lovelace", "date": "10 September 2027"}
        )
    assert box.outcomes == [] and box.db.bookings() == []  # refused before the tool ran
    result = tools["book_flight"]({"destination_city": "Paris", "passenger_name": "Ada Lovelace", "date": "2027-09-10"})
    code = box.db.bookings()[0].code
    assert code in result
    box.begin_turn(f"cancel {code.lower()}")  # typed in lower case: upper-cased before the pattern is checked
    assert code in tools["cancel_booking"]({"confirmation_code": code.lower()})
    with pytest.raises(llm.ToolError, match="invalid arguments.*confirmation_code"):
        tools["cancel_booking"]({"confirmation_code": "1234567890"})


def test_direct_booking_keeps_every_check_but_needs_no_conversation(tmp_path):
    from llmworks.apps.airline import BookingRefused, book, cancel
    from llmworks.errors import LlmworksError

    db = AirlineDB(tmp_path / "direct.db")
    booking = book("zurich", "Grace Hopper", "2027-01-05", db=db, today=lambda: TODAY)  # no turn was begun
    assert (booking.city, booking.passenger, booking.travel_date) == ("Zürich", "Grace Hopper", "2027-01-05")
    for args, why in [
        (("Atlantis", "Grace Hopper", "2027-01-05"), "does not fly to"),
        (("Paris", "Grace Hopper", "2020-01-05"), "in the past"),
        (("Paris", "Sydney", "2027-01-05"), "passenger's full name"),
    ]:
        with pytest.raises(BookingRefused, match=why) as info:
            book(*args, db=db, today=lambda: TODAY)
        assert isinstance(info.value, LlmworksError)
    assert [b.code for b in db.bookings()] == [booking.code]
    assert cancel(booking.code.lower(), db=db).status == "cancelled"
    with pytest.raises(BookingRefused, match="already cancelled"):
        cancel(booking.code, db=db)
    # the model's tool, given the same arguments without the user having said them, refuses
    box = Toolbox(db, today=lambda: TODAY)
    box.begin_turn("Hello")
    with pytest.raises(Refusal, match="Which city"):
        box.book_flight("Paris", "Grace Hopper", "2027-01-05")
