"""Every OpenAI-compatible endpoint (OpenAI, Anthropic's and Gemini's compatibility APIs, OpenRouter, Groq,
DeepSeek, Ollama, vLLM, llama.cpp server, LM Studio) through the official `openai` SDK: chat, embeddings, images,
and the files-and-jobs calls of fine-tuning.

The SDK retries 429, 5xx and dropped connections with exponential backoff; we map what is left to LLMError
subclasses whose messages name the fix and never contain the key. `endpoint()` gives the same client and error
mapping to callers that are not model calls (fine-tuning jobs), so this is the one module that imports `openai`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..catalog import PROVIDERS, ModelInfo, Provider
from ..errors import ContextWindowError, LLMError, MissingKeyError, NetworkError, ProviderError
from ..log import redact
from ..types import Completion, Request, ToolCall
from . import Embedder, Model, Vectors


class Endpoint:
    """One provider's SDK client (its key, base URL, timeout and retries) and the error mapping its calls share.

    `name` is what messages call it ("openai/gpt-4.1-mini", "OpenAI fine-tuning"); `offline` is the offline
    alternative a network or key error suggests (None: there is none)."""

    def __init__(
        self,
        provider: Provider,
        name: str,
        *,
        model_id: str = "",
        timeout: float = 120.0,
        max_retries: int = 3,
        context_window: int | None = None,
        offline: str | None = "local/smollm2",
    ):
        self.provider, self.name, self.model_id = provider, name, model_id
        self.timeout, self.max_retries, self.context_window, self.offline = (
            timeout,
            max_retries,
            context_window,
            offline,
        )
        self._client = None

    @property
    def client(self):
        """The `openai.OpenAI` client, made on first use (a missing key is an error then, not at import)."""
        if self._client is None:
            import openai

            key = self.provider.api_key()
            if self.provider.key_env and not key and not self.provider.local:
                var = self.provider.key_env[0]
                raise MissingKeyError(
                    f"{self.name} needs an API key: set the {var} environment variable (or put {var}=... in a .env "
                    "file)." + (f" Offline, use {self.offline}." if self.offline else "")
                )
            url = self.provider.url
            if not url:
                var = f"LLMWORKS_{self.provider.name.upper().replace('-', '_')}_BASE_URL"
                raise LLMError(f"{self.name}: set {var} to the server's base URL (e.g. http://localhost:8000/v1).")
            self._client = openai.OpenAI(
                api_key=key or "not-needed", base_url=url, timeout=self.timeout, max_retries=self.max_retries
            )
        return self._client

    def errors(self) -> _map_errors:
        """`with endpoint.errors(): ...` turns the SDK's exceptions into user-facing LLMErrors."""
        return _map_errors(self)


def endpoint(provider: str = "openai", *, name: str | None = None, offline: str | None = None) -> Endpoint:
    """An Endpoint for a catalog provider with the settings' timeout and retries, for calls that are not model calls
    (e.g. `endpoint(name="OpenAI fine-tuning").client.fine_tuning.jobs.create(...)` inside `.errors()`)."""
    from ...config import get_settings

    settings = get_settings()
    return Endpoint(
        PROVIDERS[provider],
        name or provider,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        offline=offline,
    )


class OpenAICompatModel(Model):
    def __init__(self, info: ModelInfo, *, timeout: float = 120.0, max_retries: int = 3):
        self._info = info
        self.name = info.name
        self.context_window = info.context_window
        self.provider = info.provider
        self.model_id = info.name.split("/", 1)[1]
        self.endpoint = Endpoint(
            self.provider,
            self.name,
            model_id=self.model_id,
            timeout=timeout,
            max_retries=max_retries,
            context_window=info.context_window,
        )

    @property
    def client(self):
        return self.endpoint.client

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
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
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
            tool_calls=[
                _tool_call(c.id, c.function.name, c.function.arguments) for c in choice.message.tool_calls or []
            ],
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

    def _errors(self) -> _map_errors:
        return self.endpoint.errors()


class OpenAICompatEmbedder(Embedder):
    """Embeddings from the provider's /embeddings endpoint (openai/text-embedding-3-small, ...)."""

    BATCH = 512
    """Texts per request: well under the API's 2,048 inputs."""
    BATCH_CHARS = 600_000
    """And about 150k tokens per request, half the API's 300k-token cap."""

    def __init__(self, info: ModelInfo, *, timeout: float = 120.0, max_retries: int = 3):
        self.name, self.dimensions = info.name, info.dimensions or 0
        self.endpoint = Endpoint(
            info.provider,
            info.name,
            model_id=info.name.split("/", 1)[1],
            timeout=timeout,
            max_retries=max_retries,
            context_window=info.context_window,
            offline="local/minilm",
        )

    def embed(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> Vectors:
        import numpy as np

        vectors: list[list[float]] = []
        tokens = 0
        with self.endpoint.errors():
            for batch in _batches(texts, self.BATCH, self.BATCH_CHARS):
                reply = self.endpoint.client.embeddings.create(model=self.endpoint.model_id, input=batch)
                if len(reply.data) != len(batch):
                    raise ProviderError(
                        f"{self.name} returned {len(reply.data)} vectors for {len(batch)} texts.", model=self.name
                    )
                vectors += [item.embedding for item in sorted(reply.data, key=lambda d: d.index)]
                tokens += reply.usage.prompt_tokens if reply.usage else 0
        array = np.asarray(vectors, dtype=np.float32)
        return Vectors(array / np.maximum(np.linalg.norm(array, axis=1, keepdims=True), 1e-12), tokens)


def _batches(texts: list[str], size: int, chars: int) -> Iterator[list[str]]:
    batch: list[str] = []
    length = 0
    for text in texts:
        if batch and (len(batch) == size or length + len(text) > chars):
            yield batch
            batch, length = [], 0
        batch.append(text)
        length += len(text)
    if batch:
        yield batch


class _map_errors:
    """Context manager turning openai SDK exceptions into user-facing LLMErrors."""

    def __init__(self, model: Endpoint):
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
            offline = f", or run offline with {self.model.offline}" if self.model.offline else ""
            raise NetworkError(
                f"{name}: cannot reach {redact(self.model.provider.url)} - check the network{offline}."
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
                    status_code=429,
                    model=name,
                ) from None
            if status == 404:
                what = f"model {self.model.model_id!r}" if self.model.model_id else "what was asked for"
                raise ProviderError(
                    f"{name}: the provider does not know {what} (404): {detail}", status_code=404, model=name
                ) from None
            if _is_context_error(detail):
                tokens, window = _context_numbers(detail, self.model.context_window)
                if tokens and window:
                    raise ContextWindowError(name, tokens, window) from None
                raise ProviderError(
                    f"{name}: prompt too long for the context window: {detail}", status_code=status, model=name
                ) from None
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
