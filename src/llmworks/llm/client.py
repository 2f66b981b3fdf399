"""The one way to call a model: chat, stream, structured output, the tool loop, embeddings and images, each logged
with its usage, cost and timing. Providers only translate requests; everything shared lives here.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import catalog, log, meter
from .catalog import ModelInfo
from .errors import ContextWindowError, LLMError, ModelOutputError, ProviderError, UnknownModelError
from .providers import Embedder, Model
from .tools import Tool, ToolRun, ToolStep, as_tools, call_key, execute
from .types import Completion, Embeddings, Message, Request, Response, Structured, ToolChoice, Usage

if TYPE_CHECKING:
    from ..config import Settings

T = TypeVar("T", bound=BaseModel)
D = TypeVar("D", Model, Embedder)
Prompt = str | list[Message]
_models: dict[str, Model] = {}  # embedded models, loaded once, by name
_remote: dict[tuple, Model] = {}
_embedders: dict[tuple, Embedder] = {}
_overrides: list[dict[str | None, Model | Embedder]] = []  # llm.override tables, innermost last


@contextmanager
def override(model: D | Mapping[str, Model | Embedder]) -> Iterator[D | Mapping[str, Model | Embedder]]:
    """Swap in test doubles for the block, in every thread:

        with llm.override(ScriptedModel(["Hi"])) as m:       # calls without a model, or naming the default model
            ...                                              # or the double's own name ("test/scripted") get m
        with llm.override({"openai/gpt-4.1-mini": m, "local/minilm": embedder}):   # calls naming these models
            ...

    A Model stands in for chat models, an Embedder for `llm.embed`; the innermost override wins."""
    table: dict[str | None, Model | Embedder] = {}
    if isinstance(model, (Model, Embedder)):
        table.update({None: model, model.name: model})
    else:
        table.update(model)
    _overrides.append(table)
    try:
        yield model
    finally:
        _overrides.remove(table)


def _overridden(name: str, default: bool, kind: type) -> Any:
    """The innermost double of `kind` (Model or Embedder) for `name`, or for the default when `default`; else None."""
    for table in reversed(_overrides):
        for key in (name, None) if default else (name,):
            found = table.get(key)
            if isinstance(found, kind):
                return found
    return None


def get_model(model: str | Model | None = None) -> Model:
    """A Model from a `provider/model` name (None: the configured default); instances pass through."""
    if isinstance(model, Model):
        return model
    from ..config import get_settings

    settings = get_settings()
    name = model or settings.model
    found = _overridden(name, name == settings.model, Model)
    if found is not None:
        return found
    if name in _models:
        return _models[name]
    info = catalog.find(name)
    if info.embedded:
        from .providers.embedded import EmbeddedModel

        _models[name] = EmbeddedModel(
            info.name, info.context_window or 8192, threads=settings.threads, max_output=info.max_output
        )
        return _models[name]
    # remote clients are reused (connection pool) while their key, URL and settings stay the same
    fingerprint = (info.name, info.provider.url, info.provider.api_key(), settings.timeout, settings.max_retries)
    if fingerprint not in _remote:
        from .providers.openai_compat import OpenAICompatModel

        _remote[fingerprint] = OpenAICompatModel(info, timeout=settings.timeout, max_retries=settings.max_retries)
    return _remote[fingerprint]


def capabilities(model: str | Model | None = None) -> ModelInfo:
    """What a model can do (`.tools`, `.json_schema`, `.vision`, `.image_output`, `.embedded`, `.dimensions`), from the
    catalog, without loading it. A name no provider knows is an UnknownModelError; a test double answers for itself."""
    if isinstance(model, Model):
        return model.info
    from ..config import get_settings

    name = model or get_settings().model
    double = _overridden(name, model is None or name == get_settings().model, Model)
    if double is not None:
        return double.info
    try:
        return catalog.find(name)
    except UnknownModelError:
        try:
            return catalog.find_embedder(name)
        except UnknownModelError:
            pass
        raise


def get_embedder(model: str | Embedder | None = None) -> Embedder:
    """An Embedder from a name in the catalog's EMBEDDERS (None: local/minilm, offline); instances pass through."""
    if isinstance(model, Embedder):
        return model
    name = model or catalog.EMBEDDING_DEFAULT
    found = _overridden(name, name == catalog.EMBEDDING_DEFAULT, Embedder)
    if found is not None:
        return found
    info = catalog.find_embedder(name)
    if info.provider.name == "local":
        key: tuple = (info.name,)
        if key not in _embedders:
            from .providers.minilm import MiniLM

            _embedders[key] = MiniLM(info)
        return _embedders[key]
    from ..config import get_settings

    settings = get_settings()
    key = (info.name, info.provider.url, info.provider.api_key(), settings.timeout, settings.max_retries)
    if key not in _embedders:
        from .providers.openai_compat import OpenAICompatEmbedder

        _embedders[key] = OpenAICompatEmbedder(info, timeout=settings.timeout, max_retries=settings.max_retries)
    return _embedders[key]


def count_tokens(text: str, model: str | Model | None = None) -> int:
    return get_model(model).count_tokens(text)


def messages_of(prompt: Prompt, system: str | None = None) -> list[Message]:
    messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else [dict(m) for m in prompt]
    if system is not None:
        messages = [m for m in messages if m.get("role") != "system"]
        messages.insert(0, {"role": "system", "content": system})
    return messages


class ReplyBudgetError(ContextWindowError):
    """The prompt fits, but not with the reply the caller asked room for."""

    def __init__(self, model: str, prompt: int, reply: int, window: int, *, estimated: bool = False):
        self.tokens, self.window = prompt + reply, window
        about = "about " if estimated else ""
        LLMError.__init__(
            self,
            f"{model}: the prompt ({about}{prompt:,} tokens) plus max_tokens={reply:,} do not fit its context "
            f"window of {window:,}.",
            "Lower max_tokens, shorten the input, or pick a model with a larger window (llmworks models).",
        )


def _budget(model: Model, request: Request) -> Request:
    """The request with its output cap settled, or a ContextWindowError before any model time is spent.

    prompt + max_tokens must fit the window. A caller's max_tokens is checked as given; without one, the model's
    default cap (embedded models) is used, trimmed to the room the prompt leaves. Token counts of most models are
    estimates here, so those checks stay lenient (x1.25) and the provider has the last word."""
    if not model.context_window:
        if request.max_tokens is None and model.max_output:
            return dataclasses.replace(request, max_tokens=model.max_output)
        return request
    text = "\n".join(str(m.get("content") or "") for m in request.messages)
    prompt = model.count_tokens(text) + len(request.messages) * 4
    exact = model.counts_exactly
    slack = 1.0 if exact else 1.25
    window = model.context_window
    if prompt > window * slack:
        raise ContextWindowError(model.name, prompt, window, estimated=not exact)
    if request.max_tokens is not None:
        if prompt + request.max_tokens > window * slack:
            raise ReplyBudgetError(model.name, prompt, request.max_tokens, window, estimated=not exact)
        return request
    if model.max_output:
        return dataclasses.replace(request, max_tokens=max(16, min(model.max_output, window - prompt)))
    return request


LOOP_SPAN = 400
"""Characters of exact repetition that count as a loop: ~100 tokens, a few seconds of a small model."""
LOOP_PERIOD = 600
"""Longest repeating unit looked for (a paragraph): its third copy ends the reply."""


def looping(text: str, span: int = LOOP_SPAN, max_period: int = LOOP_PERIOD) -> bool:
    """Whether the text ends in one unit repeated back to back: the last max(span, 3 x unit) characters have a period
    of at most `max_period`. Legitimate text rarely does this (a 12-row identical table, 400 '-'); a small model stuck
    in a loop always does, and would go on to its cap."""
    n = len(text)
    if n < span:
        return False
    # candidate periods: where the last 16 characters occurred before, nearest first (C-speed search)
    tail, start = text[n - 16 :], max(0, n - 16 - max_period)
    pos = text.rfind(tail, start, n - 1)
    while pos != -1:
        p = n - 16 - pos
        need = max(span, 3 * p)
        if need <= n and text[n - need + p :] == text[n - need : n - p]:
            return True
        pos = text.rfind(tail, start, pos + 15)
    return False


def _guarded(model: Model, request: Request) -> Iterator[str | Completion]:
    """The model's stream, stopped when the reply loops: the generator is closed (so the provider stops generating)
    and a Completion with finish_reason="repetition" ends it, its usage counted from what was spent."""
    items = model.stream(request)
    parts: list[str] = []
    text = ""
    try:
        for item in items:
            if isinstance(item, Completion):
                yield item
                return
            if item:
                parts.append(item)
                text += item
                yield item
                if looping(text):
                    break
        else:
            return
    finally:
        getattr(items, "close", lambda: None)()  # a generator: stop the provider's generation
    prompt = "\n".join(str(m.get("content") or "") for m in request.messages)
    # a delta is one token for in-process models and about one for streaming APIs
    yield Completion(
        text=text, input_tokens=model.count_tokens(prompt), output_tokens=len(parts), finish_reason="repetition"
    )


def _response(model: Model, completion: Completion, started: float, ttft: float | None) -> Response:
    cost = catalog.cost_usd(model.name, completion.input_tokens, completion.output_tokens) if model.name else None
    meter.record(Usage(completion.input_tokens, completion.output_tokens, cost))  # apps' totals (llm.meter)
    return Response(
        text=completion.text,
        model=model.name,
        usage=Usage(completion.input_tokens, completion.output_tokens, cost),
        duration_s=time.perf_counter() - started,
        ttft_s=ttft,
        tool_calls=completion.tool_calls,
        finish_reason=completion.finish_reason,
    )


def _log(
    kind: str,
    model: Model | Embedder,
    request: Request,
    response: Response | None,
    error: BaseException | None,
    started: float,
    settings: Settings | None = None,
) -> None:
    from ..config import get_settings

    settings = settings or get_settings()
    if not settings.log_calls:
        return
    text = None
    if response is not None:
        text = response.text
        if response.tool_calls:
            text = (text + "\n" if text else "") + json.dumps(
                [{"tool": c.name, "arguments": c.arguments} for c in response.tool_calls], default=str
            )
    try:
        log.record(
            settings.logs_db,
            model=model.name or type(model).__name__,
            kind=kind,
            messages=request.messages,
            response=text,
            input_tokens=response.usage.input_tokens if response else None,
            output_tokens=response.usage.output_tokens if response else None,
            cost_usd=response.usage.cost_usd if response else None,
            duration_s=response.duration_s if response else time.perf_counter() - started,
            ttft_s=response.ttft_s if response else None,
            error=f"{type(error).__name__}: {error}" if error else None,
            finish_reason=response.finish_reason if response else None,
        )
    except Exception:  # a broken log never breaks the call it records
        pass


_writer = ThreadPoolExecutor(1, thread_name_prefix="llmworks-log")
"""Writes the log rows of calls too quick to wait for a write (its fsync: ~20 ms, as long as a query's embedding)."""


def _log_soon(kind: str, model: Embedder, request: Request, response: Response) -> None:
    """`_log` on the writer thread; the settings (which log) and the keys to redact are taken now, the caller's."""
    from ..config import get_settings

    settings = get_settings()
    if not settings.log_calls:
        return
    secrets = log.secret_values()
    request = Request([{**m, "content": log.redact(str(m.get("content") or ""), secrets)} for m in request.messages])
    _writer.submit(_log, kind, model, request, response, None, 0.0, settings)


def flush_logs() -> None:
    """Wait until the call log holds every call made so far (embeddings are written in the background)."""
    _writer.submit(lambda: None).result()


def _check(model: Model, request: Request) -> None:
    """Refuse, before any model time is spent, what the catalog says this model cannot do."""
    info = model.info
    if request.tools and request.tool_choice != "none" and not info.tools:
        raise LLMError(
            f"{model.name} cannot call tools.", "Pick a model that can (the 'can' column of `llmworks models`)."
        )
    if not info.vision and any(
        isinstance(m.get("content"), list)
        and any(isinstance(part, dict) and part.get("type") == "image_url" for part in m["content"])
        for m in request.messages
    ):
        raise LLMError(
            f"{model.name} cannot read images.",
            "Pick a vision model (the 'can' column of `llmworks models`), e.g. openai/gpt-4.1-mini.",
        )


def _call(model: Model, request: Request, kind: str) -> Response:
    started = time.perf_counter()
    ttft = None
    try:
        _check(model, request)
        request = _budget(model, request)
        free_text = request.schema is None and (not request.tools or request.tool_choice == "none")
        if free_text and model.streams_cheaply:  # run as a stream so a loop is stopped, not waited out
            completion = None
            for item in _guarded(model, request):
                if isinstance(item, Completion):
                    completion = item
                elif ttft is None:
                    ttft = time.perf_counter() - started
            completion = completion or Completion()
        else:
            completion = model.complete(request)
    except BaseException as e:
        _log(kind, model, request, None, e, started)
        raise
    response = _response(model, completion, started, ttft)
    if response.ttft_s is None:
        response.ttft_s = response.duration_s
    _log(kind, model, request, response, None, started)
    return response


def chat(
    prompt: Prompt,
    *,
    model: str | Model | None = None,
    system: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Response:
    """One reply, whole."""
    m = get_model(model)
    request = Request(messages_of(prompt, system), temperature=temperature, max_tokens=max_tokens)
    return _call(m, request, "chat")


def complete(request: Request, *, model: str | Model | None = None) -> Response:
    """One call with a whole Request (messages, schema, tools and tool_choice as given), tool calls returned, not run:
    the path of the OpenAI-compatible server, whose clients run their own tools. Apps use chat/structured/run_tools.
    A schema goes to a model the catalog says lacks `json_schema` in its system prompt, as `structured` does."""
    m = get_model(model)
    if request.schema is not None and not m.info.json_schema:
        request = dataclasses.replace(
            request, messages=_schema_in_prompt(request.messages, request.schema), schema=None
        )
    return _call(m, request, "complete")


class Stream:
    """Iterate for text deltas; afterwards `.response` holds the whole Response (usage, cost, timing)."""

    def __init__(self, model: Model, request: Request):
        self.model, self.request = model, request
        self.response: Response | None = None

    def __iter__(self) -> Iterator[str]:
        started = time.perf_counter()
        ttft = None
        completion = None
        parts: list[str] = []
        try:
            _check(self.model, self.request)
            self.request = _budget(self.model, self.request)
            for item in _guarded(self.model, self.request):
                if isinstance(item, Completion):
                    completion = item
                elif item:
                    if ttft is None:
                        ttft = time.perf_counter() - started
                    parts.append(item)
                    yield item
        except GeneratorExit:  # the reader stopped early: still log what was spent
            completion = completion or Completion(
                text="".join(parts), output_tokens=len(parts), finish_reason="cancelled"
            )
            raise
        except BaseException as e:
            _log("stream", self.model, self.request, None, e, started)
            raise
        finally:
            if completion is not None and self.response is None:
                self.response = _response(self.model, completion, started, ttft)
                _log("stream", self.model, self.request, self.response, None, started)


def stream(
    prompt: Prompt,
    *,
    model: str | Model | None = None,
    system: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Stream:
    """Text deltas as the model produces them."""
    m = get_model(model)
    return Stream(m, Request(messages_of(prompt, system), temperature=temperature, max_tokens=max_tokens))


def structured(
    prompt: Prompt,
    *,
    schema: type[T],
    model: str | Model | None = None,
    system: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    retries: int = 1,
) -> Structured[T]:
    """`.output`: a validated instance of `schema`; `.usage`: every try's tokens and cost; `.response`: the last
    call. The model is constrained (embedded) or asked natively (remote) to follow the JSON schema; a model the
    catalog says lacks `json_schema` gets the schema in its system prompt. A reply that still does not validate is
    sent back with its errors `retries` times."""
    m = get_model(model)
    messages = messages_of(prompt, system)
    json_schema = schema.model_json_schema()
    native = m.info.json_schema
    if not native:
        messages = _schema_in_prompt(messages, json_schema)
    usage = Usage(cost_usd=0.0)
    for attempt in range(retries + 1):
        request = Request(
            messages,
            temperature=temperature,
            max_tokens=max_tokens,
            schema=json_schema if native else None,
            schema_name=schema.__name__,
        )
        response = _call(m, request, "structured")
        usage = usage + response.usage
        try:
            return Structured(schema.model_validate_json(_json_text(response.text)), usage, response)
        except ValidationError as e:
            if attempt == retries:
                raise ModelOutputError(
                    f"{m.name} did not return a valid {schema.__name__} after {retries + 1} tries: "
                    f"{e.errors()[0]['msg']} in {response.text[:200]!r}"
                ) from None
            messages = messages + [
                {"role": "assistant", "content": response.text},
                {"role": "user", "content": f"That was not valid: {e}. Reply with JSON matching the schema only."},
            ]
    raise AssertionError("unreachable")


def _schema_in_prompt(messages: list[Message], json_schema: dict) -> list[Message]:
    rule = f"Reply with one JSON object only, no prose, matching this JSON schema: {json.dumps(json_schema)}"
    if messages and messages[0].get("role") == "system":
        return [{**messages[0], "content": f"{messages[0].get('content') or ''}\n\n{rule}".strip()}, *messages[1:]]
    return [{"role": "system", "content": rule}, *messages]


def image(prompt: str, *, model: str | Model = "openai/gpt-image-1", size: str = "1024x1024") -> bytes:
    """A picture (PNG bytes) drawn by a model whose catalog entry says `image_output`. None ships offline."""
    m = get_model(model)
    if not m.info.image_output:
        raise LLMError(
            f"{m.name} cannot draw images.", "Use an image model such as openai/gpt-image-1 (needs OPENAI_API_KEY)."
        )
    request = Request([{"role": "user", "content": prompt}])
    started = time.perf_counter()
    try:
        png = m.image(prompt, size=size)
    except BaseException as e:
        _log("image", m, request, None, e, started)
        raise
    _log(
        "image",
        m,
        request,
        Response(f"[{len(png):,} bytes of image]", m.name, Usage(cost_usd=None), time.perf_counter() - started),
        None,
        started,
    )
    return png


def embed(
    texts: Sequence[str], *, model: str | Embedder | None = None, batch_size: int = 32, progress: bool = False
) -> Embeddings:
    """Unit-length vectors for `texts` (`.vectors`, shape (n, dimensions)) and their `.usage`. The default is the
    offline local/minilm; remote embedders (openai/text-embedding-3-small, ...) take the provider's key. Each call is
    logged (kind "embed": the first text and how many, not the whole batch), costed and metered like a chat call."""
    import numpy as np

    e = get_embedder(model)
    texts = list(texts)
    if not texts:  # nothing to read: no call, nothing to log
        return Embeddings(np.zeros((0, e.dimensions), dtype=np.float32), e.name, Usage(cost_usd=0.0))
    head = texts[0][:300] + ("…" if len(texts[0]) > 300 else "")
    request = Request(
        [{"role": "user", "content": head + (f"\n[… and {len(texts) - 1:,} more texts]" if len(texts) > 1 else "")}]
    )
    started = time.perf_counter()
    try:
        out = e.embed(texts, batch_size=batch_size, progress=progress)
        if out.vectors.ndim != 2 or len(out.vectors) != len(texts):  # one vector per text, or the order is lost
            raise ProviderError(f"{e.name} returned {len(out.vectors)} vectors for {len(texts)} texts.", model=e.name)
    except BaseException as error:
        _log("embed", e, request, None, error, started)
        raise
    usage = Usage(out.input_tokens, 0, catalog.cost_usd(e.name, out.input_tokens, 0))
    meter.record(usage)
    result = Embeddings(out.vectors, e.name, usage, time.perf_counter() - started)
    _log_soon(
        "embed", e, request, Response(f"[{len(texts):,} vectors of {e.dimensions}]", e.name, usage, result.duration_s)
    )
    return result


def _json_text(text: str) -> str:
    """The JSON in a reply: fenced ```json blocks and chatter around an object are tolerated."""
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    if fenced:
        return fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text.strip()


def run_tools(
    prompt: Prompt,
    *,
    tools: list[Callable[..., Any] | Tool],
    model: str | Model | None = None,
    system: str | None = None,
    max_steps: int = 6,
    tool_choice: ToolChoice = "auto",
    temperature: float | None = None,
    max_tokens: int | None = None,
    on_step: Callable[[ToolStep], None] | None = None,
) -> ToolRun:
    """Let the model call `tools` until it answers. Several calls per turn are run in order; `tool_choice` applies
    to the first turn. Ends with a forced answer (no tools) after `max_steps` turns or when a call repeats verbatim."""
    m = get_model(model)
    registry = as_tools(tools)
    specs = [t.spec for t in registry.values()]
    run = ToolRun(text="", messages=messages_of(prompt, system))
    seen: dict[str, str] = {}  # call → what the model was told
    choice = tool_choice
    for _ in range(max_steps):
        response = _call(
            m, Request(list(run.messages), temperature, max_tokens, tools=specs, tool_choice=choice), "tools"
        )
        run.usage = run.usage + response.usage
        choice = "auto"
        if not response.tool_calls:
            run.text = response.text
            run.messages.append({"role": "assistant", "content": response.text})
            return run
        run.messages.append(
            {
                "role": "assistant",
                "content": response.text or None,
                "tool_calls": [
                    {
                        "id": c.id or f"call_{len(run.steps) + i}",
                        "type": "function",
                        "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                    }
                    for i, c in enumerate(response.tool_calls)
                ],
            }
        )
        repeated = False
        for call, sent in zip(response.tool_calls, run.messages[-1]["tool_calls"]):
            key = call_key(call)
            if key in seen:  # never run a call twice (a second booking!): show the model its first result
                repeated = True
                content = seen[key]
            else:
                step = execute(registry, call)
                run.steps.append(step)
                if on_step:
                    on_step(step)
                content = seen[key] = (step.result or "") if step.ok else f"Error: {step.error}"
            run.messages.append({"role": "tool", "tool_call_id": sent["id"], "name": call.name, "content": content})
        if repeated:  # the model has nothing new to learn from tools: make it answer
            run.stopped_by = "repeat"
            break
    else:
        run.stopped_by = "max_steps"
    final = _call(m, Request(list(run.messages), temperature, max_tokens, tools=specs, tool_choice="none"), "tools")
    run.usage = run.usage + final.usage
    run.text = final.text
    run.messages.append({"role": "assistant", "content": final.text})
    return run
