"""FlightAI: an airline assistant that calls tools on a real SQLite database, with voice, images and translation.

    from llmworks.apps.airline import Assistant, AirlineDB
    turn = Assistant().ask("How much is a flight to Paris?")   # turn.reply, turn.steps
    AirlineDB().destinations()                                  # the price list
"""

from .assistant import SYSTEM_PROMPT, Assistant, Turn, checked_reply
from .db import AirlineDB, Booking, BookingError, Destination, normalize
from .tools import Outcome, Refusal, Toolbox

__all__ = ["SYSTEM_PROMPT", "AirlineDB", "Assistant", "Booking", "BookingError", "Destination", "Outcome", "Refusal",
           "Toolbox", "Turn", "checked_reply", "normalize"]
