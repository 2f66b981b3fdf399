"""Store assistant: a customer-service chatbot with a configurable system prompt and topic-triggered context.

    bot = StoreAssistant(StoreConfig.load("my_store.toml"))
    for delta in bot.reply("Do you sell belts?", history=[]): print(delta, end="")
"""

from .assistant import DEFAULT_CONFIG, StoreAssistant, StoreConfig, Topic

__all__ = ["StoreAssistant", "StoreConfig", "Topic", "DEFAULT_CONFIG"]
