"""`llmworks ui`: serve the Gradio workbench."""

from __future__ import annotations

import typer

AUTH_ENV = "LLMWORKS_UI_AUTH"


def register(app: typer.Typer) -> None:
    app.command("ui")(ui)


def ui(
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind; 0.0.0.0 exposes it to your network"),
    port: int = typer.Option(7860, "--port", help="port to serve on"),
    auth: str | None = typer.Option(
        None, "--auth", help=f"user:password login (better: set {AUTH_ENV}=user:password, kept out of shell history)"
    ),
    share: bool = typer.Option(False, "--share", help="also open a temporary public gradio.live link"),
    insecure_no_auth: bool = typer.Option(
        False,
        "--insecure-no-auth",
        help="serve beyond this machine without a login (anyone who reaches it can use the data dir and your API keys)",
    ),
) -> None:
    """Start the web workbench: one tab per app, plus a plain Chat tab.

    Beyond 127.0.0.1 it needs a login (failed logins are rate-limited); server folders typed into it stay inside
    the data dir and LLMWORKS_UI_ALLOWED_DIRS.

    Example: LLMWORKS_UI_AUTH=me:secret llmworks ui --host 0.0.0.0 --port 8080
    """
    from llmworks.config import get_settings
    from llmworks.hosts import is_loopback
    from llmworks.ui import launch

    credentials = parse_auth(auth or get_settings().ui_auth)  # the setting reads the env and ./.env
    if insecure_no_auth and credentials is None and (share or not is_loopback(host)):
        typer.secho(
            f"Warning: serving on {'a public share link' if share else host} without a login (--insecure-no-auth).",
            fg="yellow",
            err=True,
        )
    launch(host=host, port=port, share=share, auth=credentials, insecure_no_auth=insecure_no_auth)


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:password' → (user, password); None when unset. The password may contain ':'."""
    if not value:
        return None
    from llmworks.llm import LLMError

    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise LLMError(f"--auth / {AUTH_ENV} must be user:password.")
    return user, password
