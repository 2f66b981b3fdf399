"""`llmworks` command line: one Typer app, one module of commands per application under `commands/`.

Command modules import only typer at the top and load their application inside each command, so `--help` is fast.
"""

from __future__ import annotations

import os
import sys

import typer

from .commands import COMMAND_MODULES

app = typer.Typer(
    name="llmworks",
    help=(
        "An LLM-engineering workbench: chat, apps, RAG and pricing on any model, offline by default.\n\n"
        "Quick start:\n\n"
        '  llmworks chat "Tell me a joke"            # embedded local/qwen2.5-1.5b, no key needed\n\n'
        "  llmworks chat -m openai/gpt-4.1-mini      # any provider/model (llmworks models)\n\n"
        "  llmworks ui                               # the web workbench on http://127.0.0.1:7860"
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _register() -> None:
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(f"llmworks.commands.{module}").register(app)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code. Every failure becomes one red line naming its fix, never a traceback."""
    from .errors import explain

    try:
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool):  # typer.Exit(n), --help: typer returns the code
            return code
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except SystemExit as e:
        if isinstance(e.code, str):  # sys.exit("message")
            _error(e.code)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except typer.Exit as e:
        return e.exit_code
    except typer.TyperException as e:  # usage errors (typer's own click): usage, one "Error:" line, exit code 2
        if hasattr(e, "show"):
            e.show()
        else:
            typer.secho(f"Error: {e.format_message()}", fg="red", err=True)
        return e.exit_code
    except Exception as e:
        known = explain(e)
        if known is None and _raise_unexpected():
            raise
        _error(
            str(known)
            if known
            else f"unexpected failure: {str(e) or 'no details'} (set LLMWORKS_RAISE_ERRORS=1 for the traceback)"
        )
        return 1
    return 0


def _raise_unexpected() -> bool:
    # Tests calling main() in-process want the traceback; the robustness suite runs a subprocess to see what users see.
    flag = os.environ.get("LLMWORKS_RAISE_ERRORS", "")
    return flag not in ("", "0") or ("pytest" in sys.modules and flag != "0")


def _error(text: str) -> None:
    from .text import one_line

    try:
        from .llm.log import redact  # a provider's error body may echo a key: never print one

        text = redact(text)
    except Exception:
        pass
    # one line, whatever the message held, and no control characters (a URL or name may carry ESC sequences)
    typer.secho(f"Error: {one_line(text)}", fg="red", err=True)


def cli_exit() -> None:
    sys.exit(main())
