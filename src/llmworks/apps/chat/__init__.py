"""Plain chat with any model, the app behind `llmworks chat` and the workbench's Chat tab.

chat = Chat(model="local/smollm2", system="Be terse.")
for event in chat.run("What is a token?"): ...   # Delta…, Done(Reply); the next run remembers this one
"""

from .chat import SUGGESTED_MAX_TOKENS, SUGGESTED_SYSTEM, SUGGESTED_TEMPERATURE, Chat, Reply

__all__ = ["SUGGESTED_MAX_TOKENS", "SUGGESTED_SYSTEM", "SUGGESTED_TEMPERATURE", "Chat", "Reply"]
