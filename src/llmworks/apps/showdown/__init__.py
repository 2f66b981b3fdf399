"""Model showdown: one prompt set with checks across several models; quality with a 95 % interval, speed, cost,
errors, and statistical ties marked by a paired test.

    from llmworks.apps import showdown
    from llmworks.events import result
    table = result(showdown.run(["local/smollm2", "local/qwen2.5-0.5b"], showdown.load_prompts("set.yaml")))
    showdown.write(table, "showdown.md")
"""

from .export import to_csv, to_json, to_markdown, write
from .prompts import Check, PromptItem, default_prompts, load_prompts
from .showdown import REPEATS, Row, Run, ShowdownResult, run

__all__ = [
    "REPEATS",
    "Check",
    "PromptItem",
    "Row",
    "Run",
    "ShowdownResult",
    "default_prompts",
    "load_prompts",
    "run",
    "to_csv",
    "to_json",
    "to_markdown",
    "write",
]
