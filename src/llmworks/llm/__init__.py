"""The one way llmworks talks to language models.

    from llmworks import llm
    llm.chat("Hi").text                                  # whole reply, with .usage (tokens, cost) and timing
    for delta in llm.stream("Tell me a story"): ...      # text deltas
    llm.structured("Extract...", schema=MyModel).output  # a validated pydantic instance (and .usage)
    llm.run_tools("Price to Paris?", tools=[get_price])  # tool loop → .text, .steps
    llm.embed(["a text", "another"]).vectors             # (2, 384) unit vectors, offline (local/minilm)
    llm.capabilities("openai/gpt-4.1-mini").vision       # what a model can do, from the catalog
    with llm.override(ScriptedModel(["Hi"])): ...        # test doubles instead of real models

Models are `provider/model` names (`local/qwen2.5-1.5b` offline by default, `openai/gpt-4.1-mini`, ...) or Model
objects.
"""

from .catalog import ModelInfo
from .client import (
    Stream,
    capabilities,
    chat,
    complete,
    count_tokens,
    embed,
    get_embedder,
    get_model,
    image,
    messages_of,
    override,
    run_tools,
    stream,
    structured,
)
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
from .providers import Embedder, Model
from .tools import Tool, ToolRun, ToolStep
from .types import Completion, Embeddings, Message, Request, Response, Structured, ToolCall, ToolSpec, Usage

__all__ = [
    "Completion",
    "ContextWindowError",
    "Embedder",
    "Embeddings",
    "LLMError",
    "Message",
    "MissingKeyError",
    "Model",
    "ModelInfo",
    "ModelOutputError",
    "NetworkError",
    "ProviderError",
    "Request",
    "Response",
    "Stream",
    "Structured",
    "Tool",
    "ToolCall",
    "ToolError",
    "ToolRun",
    "ToolSpec",
    "ToolStep",
    "UnknownModelError",
    "Usage",
    "capabilities",
    "chat",
    "complete",
    "count_tokens",
    "embed",
    "get_embedder",
    "get_model",
    "image",
    "messages_of",
    "override",
    "run_tools",
    "stream",
    "structured",
]
