"""Model-vs-model conversation: two or three models with personas talk for N rounds, a human may moderate,
tokens and cost are totalled, and the transcript is saved as markdown.

    from llmworks.apps.debate import Conversation
    convo = Conversation.between(["local/smollm2", "openai/gpt-4.1-mini"], topic="Tea or coffee?")
    for event in convo.run(2): ...     # Progress (who speaks), Delta…, Done(Debate)
"""

from .conversation import (
    ARGUMENTATIVE,
    CURIOUS,
    DEFAULT_NAMES,
    DEFAULT_PERSONAS,
    MODERATOR,
    POLITE,
    REPLY_TOKENS,
    ROUNDS,
    Conversation,
    Debate,
    Speaker,
    Turn,
    clean_reply,
)

__all__ = [
    "ARGUMENTATIVE",
    "CURIOUS",
    "DEFAULT_NAMES",
    "DEFAULT_PERSONAS",
    "MODERATOR",
    "POLITE",
    "REPLY_TOKENS",
    "ROUNDS",
    "Conversation",
    "Debate",
    "Speaker",
    "Turn",
    "clean_reply",
]
