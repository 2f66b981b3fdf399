"""Terminal input for chat-like commands: the interactive loop (read lines until /exit or Ctrl-D; /reset forgets;
a failed turn is one red line and the conversation goes on), and `utf8`, which makes text typed or passed in a
non-UTF-8 encoding safe to send to a model."""

from __future__ import annotations

from collections.abc import Callable

import typer

from ..errors import LlmworksError


def utf8(text: str, source: str = "the input") -> str:
    """`text` with bytes that were not UTF-8 replaced by U+FFFD, and a one-line warning when there were any.

    Python hands such bytes over as lone surrogates (argv, or stdin in a C locale); a model's tokenizer refuses them
    ("str is not valid UTF-8: surrogates not allowed")."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        typer.secho(
            f"Warning: {source} is not UTF-8; undecodable bytes were replaced with \ufffd. Set a UTF-8 "
            "locale (e.g. LANG=C.UTF-8) or convert the text first.",
            fg="yellow",
            err=True,
        )
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def repl(banner: str, on_line: Callable[[str], None], on_reset: Callable[[], None]) -> None:
    typer.secho(f"{banner} - /exit or Ctrl-D to leave, /reset to forget the conversation.", dim=True, err=True)
    while True:
        try:
            line = utf8(input("> ").strip(), "that line")
        except EOFError:
            break
        except UnicodeDecodeError:  # a strict UTF-8 stdin met other bytes: skip the line, keep the conversation
            typer.secho(
                "That line was not UTF-8 text; check the terminal's encoding and type it again.", fg="yellow", err=True
            )
            continue
        if line in ("/exit", "/quit"):
            break
        if line == "/reset":
            on_reset()
        elif line:
            try:
                on_line(line)
            except LlmworksError as e:  # a timeout or a refused request: say so, keep the conversation
                typer.secho(f"Error: {e}", fg="red", err=True)
