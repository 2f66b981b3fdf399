"""The data that flows through the model layer: requests to providers, their completions, usage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T")

Message = dict[str, Any]
"""An OpenAI-shaped chat message: {"role": "system"|"user"|"assistant"|"tool", "content": str, ...}."""

ToolChoice = Literal["auto", "required", "none"] | str
"""'auto', 'required', 'none', or the name of the one tool that must be called."""


@dataclass
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]
    """JSON schema of the arguments object."""


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any]
    id: str = ""
    raw_arguments: str | None = None
    """The arguments as the model wrote them, when they were not a JSON object."""


@dataclass
class Request:
    messages: list[Message]
    temperature: float | None = None
    max_tokens: int | None = None
    schema: dict[str, Any] | None = None
    """JSON schema the reply must follow (structured output)."""
    schema_name: str = "output"
    tools: list[ToolSpec] = field(default_factory=list)
    tool_choice: ToolChoice = "auto"


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    """None when the price is unknown: never reported as 0."""

    def cost_text(self, digits: int = 4) -> str:
        """The cost as shown to people: '$0.0012', or 'cost unknown' (an unknown price is never shown as $0)."""
        return "cost unknown" if self.cost_usd is None else f"${self.cost_usd:.{digits}f}"

    def __add__(self, other: Usage) -> Usage:
        cost = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd + other.cost_usd
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens, cost)


@dataclass
class Completion:
    """What a provider returns for one request."""

    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: str | None = None


@dataclass
class Response:
    """One model call's result: text plus what it cost and how fast it was."""

    text: str
    model: str
    usage: Usage
    duration_s: float
    ttft_s: float | None = None
    """Seconds to the first text delta (streaming) or to the whole reply."""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None

    @property
    def tokens_per_s(self) -> float | None:
        """Decoding speed: tokens after the first one, over the time after the first one (whole call if unknown)."""
        n = self.usage.output_tokens
        if self.ttft_s is not None and n > 1 and self.duration_s > self.ttft_s:
            return (n - 1) / (self.duration_s - self.ttft_s)
        return n / self.duration_s if n and self.duration_s > 0 else None


@dataclass
class Structured(Generic[T]):
    """`llm.structured`'s result: the validated instance, and what getting it cost."""

    output: T
    usage: Usage
    """Summed over every try (a reply that did not validate is sent back once by default)."""
    response: Response
    """The last model call, the one whose text validated."""


@dataclass
class Embeddings:
    """`llm.embed`'s result: one unit-length float32 vector per text, in input order (dot product = cosine)."""

    vectors: np.ndarray
    """Shape (len(texts), dimensions)."""
    model: str
    usage: Usage
    """Input tokens read and their cost (embedding models have no output tokens)."""
    duration_s: float = 0.0
