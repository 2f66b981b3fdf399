"""`llmworks ui`: serve the Gradio workbench."""

from __future__ import annotations

import os
from typing import Optional

import typer

AUTH_ENV = "LLMWORKS_UI_AUTH"


def register(app: typer.Typer) -> None:
    app.command("ui")(ui)


def ui(
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind; 0.0.0.0 exposes it to your network"),
    port: int = typer.Option(7860, "--port", help="port to serve on"),
    auth: Optional[str] = typer.Option(
        None, "--auth", help=f"user:password login (better: set {AUTH_ENV}=user:password, kept out of shell history)"
    ),
    share: bool = typer.Option(False, "--share", help="also open a temporary public gradio.live link"),
) -> None:
    """Start the web workbench: one tab per app, plus a plain Chat tab.

    Example: LLMWORKS_UI_AUTH=me:secret llmworks ui --host 0.0.0.0 --port 8080
    """
    from llmworks.ui import launch

    credentials = parse_auth(auth or os.environ.get(AUTH_ENV))
    if (share or host not in ("127.0.0.1", "localhost", "::1")) and credentials is None:
        where = "a public share link" if share else host
        typer.secho(f"Warning: serving on {where} without a login: anyone who reaches it can spend your API keys. "
                    f"Set {AUTH_ENV}=user:password.", fg="yellow", err=True)
    launch(host=host, port=port, share=share, auth=credentials)


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:password' → (user, password); None when unset. The password may contain ':'."""
    if not value:
        return None
    from llmworks.llm import LLMError

    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise LLMError(f"--auth / {AUTH_ENV} must be user:password.")
    return user, password
