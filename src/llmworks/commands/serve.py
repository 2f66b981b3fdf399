"""`llmworks serve`: the OpenAI-compatible HTTP server."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind; beyond loopback an API key is required"),
    port: int = typer.Option(8000, "--port", help="port to serve on"),
    api_key: str | None = typer.Option(
        None, "--api-key", help="bearer key clients must send (better: LLMWORKS_SERVER_KEY, kept out of shell history)"
    ),
    models: list[str] = typer.Option(
        [], "--models", "-m", help="serve only these models (repeat); default: every model the catalog resolves"
    ),
    queue: int = typer.Option(8, "--queue", min=0, help="requests that may wait for the embedded engine (then 429)"),
    max_body_mb: float = typer.Option(4.0, "--max-body-mb", min=0.001, help="largest request body (then 413)"),
    rag_db: str | None = typer.Option(None, "--rag-db", help="the index /v1/llmworks/rag/ask answers from"),
) -> None:
    """Serve models and apps over the OpenAI API: any OpenAI SDK, LangChain or curl can use them.

    \b
    Routes: /v1/chat/completions (stream, usage, json_schema, tools), /v1/embeddings, /v1/models, /health,
    /metrics (Prometheus), /v1/llmworks/pricer/estimate, /v1/llmworks/rag/ask.
    The embedded models share one engine: one reply at a time, --queue more wait, the rest get 429 + Retry-After.

    \b
    Examples:
      llmworks serve                                   # http://127.0.0.1:8000/v1, offline models, no key
      LLMWORKS_SERVER_KEY=s3cret llmworks serve --host 0.0.0.0 -m local/qwen2.5-1.5b -m local/minilm
      curl localhost:8000/v1/chat/completions -H 'Content-Type: application/json' \\
        -d '{"model": "local/qwen2.5-1.5b", "messages": [{"role": "user", "content": "Hi"}]}'
    """
    from llmworks.config import get_settings
    from llmworks.server import ServerConfig, check_bind
    from llmworks.server import serve as run

    key = api_key or get_settings().server_key
    check_bind(host, key)  # before the banner: a refused start prints one error line only
    config = ServerConfig(
        api_key=key, models=models, queue=queue, max_body=int(max_body_mb * 1024 * 1024), rag_db=rag_db
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.echo(f"Serving on http://{shown}:{port}/v1 ({'key required' if key else 'no key'}); Ctrl+C stops.", err=True)
    run(config, host=host, port=port)
