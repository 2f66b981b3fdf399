"""Model-vs-model conversation: two or three models with personas talk for N rounds, a human may moderate,
tokens and cost are totalled, and the transcript is saved as markdown.

    from llmworks.apps.debate import Conversation, Speaker
"""

from .conversation import (
    ARGUMENTATIVE,
    CURIOUS,
    DEFAULT_NAMES,
    DEFAULT_PERSONAS,
    MODERATOR,
    POLITE,
    Conversation,
    Delta,
    Speaker,
    Turn,
    TurnEnd,
    TurnStart,
    clean_reply,
)

__all__ = [
    "Conversation", "Speaker", "Turn", "TurnStart", "Delta", "TurnEnd", "clean_reply", "MODERATOR",
    "ARGUMENTATIVE", "POLITE", "CURIOUS", "DEFAULT_NAMES", "DEFAULT_PERSONAS",
]
