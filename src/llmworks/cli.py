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
        "  llmworks chat \"Tell me a joke\"            # embedded local/smollm2, no key needed\n\n"
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
    """Run the CLI; return the exit code. User-facing errors become one red line, not a traceback."""
    from .llm.errors import LLMError

    try:
        app(args=argv, standalone_mode=False)
    except LLMError as e:
        typer.secho(f"Error: {e}", fg="red", err=True)
        return 1
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except SystemExit as e:
        return int(e.code or 0)
    except Exception as e:  # click usage errors carry their own exit code
        import click

        if isinstance(e, click.ClickException):
            e.show()
            return e.exit_code
        if os.environ.get("LLMWORKS_RAISE_ERRORS") or "pytest" in sys.modules:
            raise
        typer.secho(f"Error: {type(e).__name__}: {e}", fg="red", err=True)
        return 1
    return 0


def cli_exit() -> None:
    sys.exit(main())
