"""An OpenAI-compatible HTTP server over `llmworks.llm` and the apps (`llmworks serve`).

    from llmworks.server import ServerConfig, create_app, serve
    app = create_app(ServerConfig(api_key="k"))    # a FastAPI app: mount it, or test it
    serve(host="127.0.0.1", port=8000)             # uvicorn, after refusing an exposed server without a key

Routes: POST /v1/chat/completions (stream, usage, json_schema, tools), POST /v1/embeddings, GET /v1/models,
GET /health, GET /metrics (Prometheus), POST /v1/llmworks/pricer/estimate, POST /v1/llmworks/rag/ask.
"""

from __future__ import annotations

from ..errors import LlmworksError
from ..hosts import is_loopback
from .app import ServerConfig, create_app

__all__ = ["ServerConfig", "check_bind", "create_app", "serve"]


def check_bind(host: str, api_key: str | None) -> None:
    """Refuse to listen beyond loopback without a key: anyone reaching the port could spend the provider keys."""
    if api_key is None and not is_loopback(host):
        raise LlmworksError(
            f"Refusing to serve on {host} without an API key: anyone who reaches it could use your models and keys.",
            "Pass --api-key KEY (or set LLMWORKS_SERVER_KEY), or bind to 127.0.0.1.",
        )


def serve(config: ServerConfig | None = None, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    config = config or ServerConfig()
    check_bind(host, config.api_key)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
