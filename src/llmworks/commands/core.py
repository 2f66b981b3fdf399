"""Commands for this application (placeholder until it lands)."""

import typer


def register(app: typer.Typer) -> None:
    pass
