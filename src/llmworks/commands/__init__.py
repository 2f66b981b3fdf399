"""Command modules: each has `register(app)` adding its commands or sub-group to the `llmworks` Typer app."""

COMMAND_MODULES = [
    "core",
    "ui",
    "web",
    "airline",
    "rag",
    "pricer",
    "showdown",
    "bench",
    "serve",
    "minutes",
    "deals",
    "convert",
    "synth",
    "lab",
]
