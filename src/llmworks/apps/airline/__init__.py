"""FlightAI: an airline assistant that calls tools on a real SQLite database, with voice, images and translation.

from llmworks.apps.airline import Assistant, AirlineDB, book
bot = Assistant()
for event in bot.run("How much is a flight to Paris?"): ...   # ToolStep, Delta, Done(Turn)
bot.turn("Book it for Ada Lovelace on 2027-03-14").reply     # the same, run to the end
book("Tokyo", "Ada Lovelace", "2027-03-14")                  # directly, no model
AirlineDB().destinations()                                    # the price list
"""

from .assistant import SYSTEM_PROMPT, Assistant, Turn, checked_reply
from .booking import BookingRefused, book, cancel
from .db import AirlineDB, Booking, BookingError, Destination, normalize
from .tools import Outcome, Refusal, Toolbox

__all__ = [
    "SYSTEM_PROMPT",
    "AirlineDB",
    "Assistant",
    "Booking",
    "BookingError",
    "BookingRefused",
    "Destination",
    "Outcome",
    "Refusal",
    "Toolbox",
    "Turn",
    "book",
    "cancel",
    "checked_reply",
    "normalize",
]
