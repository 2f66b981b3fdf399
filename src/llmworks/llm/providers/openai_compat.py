"""Every OpenAI-compatible endpoint (OpenAI, Anthropic's and Gemini's compatibility APIs, OpenRouter, Groq,
DeepSeek, Ollama, vLLM, llama.cpp server, LM Studio) through the official `openai` SDK.

The SDK retries 429, 5xx and dropped connections with exponential backoff; we map what is left to LLMError
subclasses whose messages name the fix and never contain the key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..catalog import ModelInfo
from ..errors import ContextWindowError, LLMError, MissingKeyError, NetworkError, ProviderError
from ..log import redact
from ..types import Completion, Request, ToolCall
from . import Model


class OpenAICompatModel(Model):
    def __init__(self, info: ModelInfo, *, timeout: float = 120.0, max_retries: int = 3):
        self.info = info
        self.name = info.name
        self.context_window = info.context_window
        self.provider = info.provider
        self.model_id = info.name.split("/", 1)[1]
        self.timeout, self.max_retries = timeout, max_retries
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import openai

            key = self.provider.api_key()
            if self.provider.key_env and not key and not self.provider.local:
                raise MissingKeyError(
                    f"{self.name} needs an API key: set the {self.provider.key_env[0]} environment variable "
                    f"(or put {self.provider.key_env[0]}=... in a .env file). Offline, use local/smollm2."
                )
            url = self.provider.url
            if not url:
                var = f"LLMWORKS_{self.provider.name.upper().replace('-', '_')}_BASE_URL"
                raise LLMError(f"{self.name}: set {var} to the server's base URL (e.g. http://localhost:8000/v1).")
            self._client = openai.OpenAI(
                api_key=key or "not-needed", base_url=url, timeout=self.timeout, max_retries=self.max_retries
            )
        return self._client

    def _params(self, request: Request) -> dict:
        params: dict = {"model": self.model_id, "messages": request.messages}
        if request.temperature is not None:
            params["temperature"] = request.temperature
        if request.max_tokens is not None:
            params["max_tokens"] = request.max_tokens
        if request.schema is not None:
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": request.schema},
            }
        if request.tools:
            params["tools"] = [
                {"type": "function",
                 "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}
                for t in request.tools
            ]
            choice = request.tool_choice
            params["tool_choice"] = (
                choice if choice in ("auto", "required", "none") else {"type": "function", "function": {"name": choice}}
            )
        return params

    def complete(self, request: Request) -> Completion:
        with self._errors():
            response = self.client.chat.completions.create(**self._params(request))
        choice = response.choices[0]
        usage = response.usage
        return Completion(
            text=choice.message.content or "",
            tool_calls=[_tool_call(c.id, c.function.name, c.function.arguments) for c in choice.message.tool_calls or []],
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason,
        )

    def stream(self, request: Request) -> Iterator[str | Completion]:
        params = self._params(request) | {"stream": True, "stream_options": {"include_usage": True}}
        completion = Completion()
        calls: dict[int, dict] = {}  # tool-call fragments by index, joined as they stream
        with self._errors():
            for chunk in self.client.chat.completions.create(**params):
                if chunk.usage:
                    completion.input_tokens = chunk.usage.prompt_tokens
                    completion.output_tokens = chunk.usage.completion_tokens
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                if choice.finish_reason:
                    completion.finish_reason = choice.finish_reason
                delta = choice.delta
                for c in delta.tool_calls or []:
                    slot = calls.setdefault(c.index, {"id": "", "name": "", "arguments": ""})
                    slot["id"] = c.id or slot["id"]
                    if c.function:
                        slot["name"] += c.function.name or ""
                        slot["arguments"] += c.function.arguments or ""
                if delta.content:
                    completion.text += delta.content
                    yield delta.content
        completion.tool_calls = [_tool_call(c["id"], c["name"], c["arguments"]) for _, c in sorted(calls.items())]
        yield completion

    def image(self, prompt: str, *, size: str = "1024x1024") -> bytes:
        """PNG bytes from the provider's images endpoint (openai/gpt-image-1, dall-e-3, ...)."""
        import base64

        with self._errors():
            result = self.client.images.generate(model=self.model_id, prompt=prompt, size=size, n=1)
        data = result.data[0] if result.data else None
        if data is None or not data.b64_json:
            raise ProviderError(f"{self.name} returned no image data.", model=self.name)
        return base64.b64decode(data.b64_json)

    def _errors(self):
        return _map_errors(self)


class _map_errors:
    """Context manager turning openai SDK exceptions into user-facing LLMErrors."""

    def __init__(self, model: OpenAICompatModel):
        self.model = model

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, LLMError):
            return False
        import openai

        name = self.model.name
        if isinstance(exc, openai.APITimeoutError):
            raise NetworkError(f"{name}: no answer within {self.model.timeout:.0f} s (LLMWORKS_TIMEOUT).") from None
        if isinstance(exc, openai.APIConnectionError):
            raise NetworkError(
                f"{name}: cannot reach {redact(self.model.provider.url)} - check the network, or run offline with "
                "local/smollm2."
            ) from None
        if isinstance(exc, openai.APIStatusError):
            status, detail = exc.status_code, _detail(exc)
            if status == 401:
                var = self.model.provider.key_env[0] if self.model.provider.key_env else "the API key"
                raise ProviderError(
                    f"{name}: the provider rejected the API key (401). Check {var}.", status_code=401, model=name
                ) from None
            if status == 429:
                raise ProviderError(
                    f"{name}: rate limited or out of quota (429) after {self.model.max_retries} retries: {detail}",
                    status_code=429, model=name,
                ) from None
            if status == 404:
                raise ProviderError(
                    f"{name}: the provider does not know model {self.model.model_id!r} (404): {detail}",
                    status_code=404, model=name,
                ) from None
            if _is_context_error(detail):
                tokens, window = _context_numbers(detail, self.model.context_window)
                if tokens and window:
                    raise ContextWindowError(name, tokens, window) from None
                raise ProviderError(f"{name}: prompt too long for the context window: {detail}",
                                    status_code=status, model=name) from None
            raise ProviderError(f"{name}: provider error {status}: {detail}", status_code=status, model=name) from None
        return False


def _is_context_error(detail: str) -> bool:
    d = detail.lower()
    return "context" in d and any(w in d for w in ("length", "window", "too long", "exceed"))


def _context_numbers(detail: str, known_window: int | None) -> tuple[int | None, int | None]:
    """(prompt tokens, window) from messages like "maximum context length is 8192 tokens ... 9000 tokens"."""
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]{2,}", detail)]
    if len(numbers) >= 2:
        window, tokens = numbers[0], max(numbers[1:])
        return tokens, window
    return None, known_window


def _detail(exc) -> str:
    """The provider's error text for the user, keys blanked (some providers echo the key) before it is cut short."""
    text = str(getattr(exc, "message", exc))
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        body = body.get("error", body)
        if isinstance(body, dict):
            text = str(body.get("message") or body)
    return redact(text)[:300]


def _tool_call(id: str, name: str, arguments: str | None) -> ToolCall:
    try:
        args = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        return ToolCall(name=name, arguments={}, id=id, raw_arguments=arguments)
    if not isinstance(args, dict):
        return ToolCall(name=name, arguments={}, id=id, raw_arguments=arguments)
    return ToolCall(name=name, arguments=args, id=id)
