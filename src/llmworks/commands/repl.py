"""The interactive loop shared by chat-like commands: read lines until /exit or Ctrl-D; /reset forgets."""

from __future__ import annotations

from collections.abc import Callable

import typer


def repl(banner: str, on_line: Callable[[str], None], on_reset: Callable[[], None]) -> None:
    typer.secho(f"{banner} - /exit or Ctrl-D to leave, /reset to forget the conversation.", dim=True, err=True)
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            break
        if line in ("/exit", "/quit"):
            break
        if line == "/reset":
            on_reset()
        elif line:
            on_line(line)
