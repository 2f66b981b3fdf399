"""Store assistant: a customer-service chatbot with a configurable system prompt and topic-triggered context.

bot = StoreAssistant(StoreConfig.load("my_store.toml"))
for event in bot.run("Do you sell belts?"): ...     # Progress (context added), Delta…, Done(Reply)
bot.reply("And hats?").text                           # remembers the conversation; bot.reset() forgets
"""

from .assistant import DEFAULT_CONFIG, REPLY_TOKENS, Reply, StoreAssistant, StoreConfig, Topic

__all__ = ["DEFAULT_CONFIG", "REPLY_TOKENS", "Reply", "StoreAssistant", "StoreConfig", "Topic"]
