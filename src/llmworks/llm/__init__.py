"""The one way llmworks talks to language models.

    from llmworks import llm
    llm.chat("Hi").text                                  # whole reply, with .usage (tokens, cost) and timing
    for delta in llm.stream("Tell me a story"): ...      # text deltas
    llm.structured("Extract...", schema=MyModel)         # a validated pydantic instance
    llm.run_tools("Price to Paris?", tools=[get_price])  # tool loop → .text, .steps

Models are `provider/model` names (`local/qwen2.5-1.5b` offline by default, `openai/gpt-4.1-mini`, ...) or Model objects.
"""

from .client import Stream, chat, count_tokens, get_model, image, messages_of, run_tools, stream, structured
from .errors import (
    ContextWindowError,
    LLMError,
    MissingKeyError,
    ModelOutputError,
    NetworkError,
    ProviderError,
    ToolError,
    UnknownModelError,
)
from .providers import Model
from .tools import Tool, ToolRun, ToolStep
from .types import Completion, Message, Request, Response, ToolCall, ToolSpec, Usage

__all__ = [
    "Completion",
    "ContextWindowError",
    "LLMError",
    "Message",
    "MissingKeyError",
    "Model",
    "ModelOutputError",
    "NetworkError",
    "ProviderError",
    "Request",
    "Response",
    "Stream",
    "Tool",
    "ToolCall",
    "ToolError",
    "ToolRun",
    "ToolSpec",
    "ToolStep",
    "UnknownModelError",
    "Usage",
    "chat",
    "count_tokens",
    "get_model",
    "image",
    "messages_of",
    "run_tools",
    "stream",
    "structured",
]
