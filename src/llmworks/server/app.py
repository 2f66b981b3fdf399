"""The FastAPI app: OpenAI-compatible routes over `llmworks.llm`, health, metrics, and the llmworks app routes.

Every model call goes through `llmworks.llm`, so it is logged and costed like a CLI call, and any configured
provider can be served: the server is also a small proxy with one key in front of many providers.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from .. import llm
from ..errors import LlmworksError
from ..llm import (
    ContextWindowError,
    LLMError,
    MissingKeyError,
    ModelInfo,
    ModelOutputError,
    NetworkError,
    ProviderError,
    UnknownModelError,
)
from . import wire
from .gate import Gate, QueueFull
from .metrics import Metrics
from .runner import Call, Delta


@dataclass
class ServerConfig:
    api_key: str | None = None
    """Bearer key every /v1 and /metrics request must carry; None: open (loopback only, see `check_bind`)."""
    models: list[str] = field(default_factory=list)
    """Models served; empty: any model the catalog resolves (the server is then a proxy to every provider)."""
    max_body: int = 4 * 1024 * 1024
    """Largest request body in bytes (413 above): a long chat or a big embedding batch fits."""
    queue: int = 8
    """Requests that may wait for the embedded engine; one more gets 429 with Retry-After."""
    remote_slots: int = 16
    """Requests sent to one remote provider at once."""
    rag_db: str | None = None
    """The index `/v1/llmworks/rag/ask` answers from (None: the default index); clients never name a path."""


def create_app(config: ServerConfig | None = None) -> FastAPI:
    config = config or ServerConfig()
    metrics = Metrics()
    gates: dict[str, Gate] = {}
    api = FastAPI(title="llmworks", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.config, api.state.metrics, api.state.gates = config, metrics, gates
    api.add_middleware(BodyLimit, limit=config.max_body)

    def gate_for(info: ModelInfo, kind: str = "chat") -> Gate:
        provider = info.name.split("/", 1)[0]
        if info.embedded or provider == "local":  # the one embedded engine, or the in-process embedder
            key, slots, queue = f"local-{kind}", 1, config.queue
        else:
            key, slots, queue = provider, config.remote_slots, config.queue * 8
        return gates.setdefault(key, Gate(key, slots, queue))

    async def require_key(request: Request) -> None:
        if config.api_key is None:
            return
        sent = request.headers.get("authorization", "")
        scheme, _, token = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), config.api_key.encode()):
            raise wire.WireError(
                401, "Missing or wrong API key: send 'Authorization: Bearer KEY'.", code="invalid_api_key"
            )

    def served(name: str, *, embedding: bool = False) -> ModelInfo:
        if config.models and name not in config.models:
            raise wire.WireError(
                404, f"The model {name!r} is not served here; GET /v1/models lists them.", code="model_not_found"
            )
        try:
            info = llm.capabilities(name)
        except UnknownModelError as e:
            raise wire.WireError(404, str(e), code="model_not_found") from None
        if embedding != (info.dimensions is not None):
            want = "an embedding" if embedding else "a chat"
            raise wire.WireError(400, f"{name} is not {want} model; GET /v1/models lists them.", code="model_not_found")
        return info

    @api.middleware("http")
    async def count(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = _route(request)
        metrics.requests.labels(route, str(response.status_code)).inc()
        metrics.latency.labels(route).observe(time.perf_counter() - started)
        for gate in gates.values():
            metrics.waiting.labels(gate.name).set(gate.waiting)
            metrics.running.labels(gate.name).set(gate.running)
        return response

    @api.exception_handler(wire.WireError)
    async def wire_error(request: Request, e: wire.WireError):
        metrics.errors.labels(_route(request), e.code or e.kind).inc()
        return JSONResponse(wire.error_body(e.message, e.kind, e.code), status_code=e.status)

    @api.exception_handler(QueueFull)
    async def busy(request: Request, e: QueueFull):
        metrics.errors.labels(_route(request), "queue_full").inc()
        body = wire.error_body(
            f"The {e.gate} queue is full; retry in {e.retry_after} s.", "rate_limit_error", "queue_full"
        )
        return JSONResponse(body, status_code=429, headers={"Retry-After": str(e.retry_after)})

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError):
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return await wire_error(request, wire.WireError(400, f"{where or 'body'}: {first.get('msg', 'invalid')}."))

    @api.exception_handler(LlmworksError)
    async def known(request: Request, e: LlmworksError):
        status, code = 400, None
        if isinstance(e, ContextWindowError):
            code = "context_length_exceeded"
        elif isinstance(e, MissingKeyError):
            status, code = 503, "provider_not_configured"  # the server's setup, not the client's request
        elif isinstance(e, (ProviderError, NetworkError, ModelOutputError)):
            status, code = 502, "upstream_error"  # the model or its provider failed, not the request
        return await wire_error(request, wire.WireError(status, str(e), "invalid_request_error", code))

    @api.get("/health")
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "queues": {g.name: {"running": g.running, "waiting": g.waiting} for g in gates.values()},
        }

    @api.get("/metrics", dependencies=[Depends(require_key)])
    async def prometheus() -> Response:
        return PlainTextResponse(metrics.text(), media_type="text/plain; version=0.0.4")

    @api.get("/v1/models", dependencies=[Depends(require_key)])
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [_model_card(n) for n in _listed(config)]}

    @api.get("/v1/models/{name:path}", dependencies=[Depends(require_key)])
    async def model(name: str) -> dict[str, Any]:
        if (config.models and name not in config.models) or not _known(name):
            raise wire.WireError(404, f"The model {name!r} is not served here.", code="model_not_found")
        return _model_card(name)

    @api.post("/v1/chat/completions", dependencies=[Depends(require_key)])
    async def chat_completions(body: wire.ChatRequest, request: Request):
        info = served(body.model)
        llm_request = wire.to_request(body)
        gate = gate_for(info)
        await gate.enter()
        started = time.perf_counter()
        call = Call(body.model, llm_request, stream_text=True).start()
        assert call.done is not None
        call.done.add_done_callback(lambda _: asyncio.ensure_future(gate.leave(time.perf_counter() - started)))
        events = call.events()
        completion = wire.Completion(body.model)
        try:
            first = await anext(events)  # an error before any text gets its own status code, not a broken stream
        except BaseException:
            call.cancel()
            raise
        if body.stream:
            usage_wanted = bool((body.stream_options or {}).get("include_usage"))
            return StreamingResponse(
                _sse(call, first, events, completion, usage_wanted, metrics),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        watcher = asyncio.create_task(_cancel_on_disconnect(request, call))
        try:
            response = first
            async for item in events:
                response = item
        finally:
            watcher.cancel()
        assert isinstance(response, llm.Response)
        metrics.usage(response.model, response.usage.input_tokens, response.usage.output_tokens, response.ttft_s)
        return JSONResponse(completion.whole(response))

    @api.post("/v1/embeddings", dependencies=[Depends(require_key)])
    async def embeddings(body: wire.EmbeddingRequest):
        texts = [body.input] if isinstance(body.input, str) else body.input
        if not texts or any(not t for t in texts):
            raise wire.WireError(400, "input must be one or more non-empty strings.")
        if len(texts) > 2048:
            raise wire.WireError(400, f"{len(texts)} inputs: at most 2048 per request.")
        info = served(body.model, embedding=True)
        out = await gate_for(info, "embed").run(llm.embed, texts, model=body.model)
        metrics.usage(out.model, out.usage.input_tokens, 0, None)
        return wire.embeddings(out.vectors, body.model, out.usage.input_tokens, body.encoding_format)

    from .apps_api import routes

    api.include_router(routes(config, gate_for, served), dependencies=[Depends(require_key)])
    return api


async def _sse(call: Call, first, events, completion: wire.Completion, usage_wanted: bool, metrics: Metrics):
    """Server-sent events in OpenAI's chunk format; the generation stops when the client goes away."""

    def data(obj: dict) -> str:
        return f"data: {json.dumps(obj)}\n\n"

    try:
        yield data(completion.chunk({"role": "assistant", "content": ""}))
        response = None
        item = first
        while True:
            if isinstance(item, Delta):
                yield data(completion.chunk({"content": item.text}))
            else:
                response = item
            try:
                item = await anext(events)
            except StopAsyncIteration:
                break
        if response is None:
            return
        if response.tool_calls:
            yield data(completion.tool_chunk(response))
        elif not call.stream_text and response.text:
            yield data(completion.chunk({"content": response.text}))
        yield data(completion.chunk({}, wire.finish_reason(response)))
        if usage_wanted:
            yield data(completion.usage_chunk(response))
        metrics.usage(response.model, response.usage.input_tokens, response.usage.output_tokens, response.ttft_s)
        yield "data: [DONE]\n\n"
    except LLMError as e:  # after the first byte the status is sent: the error goes in the stream, as OpenAI does
        yield data(wire.error_body(str(e), "server_error"))
    finally:
        call.cancel()


async def _cancel_on_disconnect(request: Request, call: Call) -> None:
    while not await request.is_disconnected():
        await asyncio.sleep(0.25)
    call.cancel()


def _route(request: Request) -> str:
    """The route's template (/v1/models/{name:path}), not the path: label values stay bounded."""
    return getattr(request.scope.get("route"), "path", "unmatched")


def _known(name: str) -> bool:
    try:
        llm.capabilities(name)
        return True
    except UnknownModelError:
        return False


def _listed(config: ServerConfig) -> list[str]:
    """The models to list: the configured ones, or every chat and embedding model usable now (no network probes)."""
    if config.models:
        return config.models
    from ..llm import catalog

    rows = catalog.MODELS + catalog.EMBEDDERS
    return [
        m.name
        for m in rows
        if (m.weights is not None or m.provider.name == "local" or (m.provider.key_env and m.provider.api_key()))
    ]


def _model_card(name: str) -> dict[str, Any]:
    owner = name.split("/", 1)[0]
    return {"id": name, "object": "model", "created": 0, "owned_by": owner}


class BodyLimit:
    """413 for a body over `limit` bytes: by Content-Length up front, or counted as a chunked body arrives."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send) -> None:
        body = json.dumps(
            wire.error_body(f"The request body is over {self.limit:,} bytes.", code="request_too_large")
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
