"""Synthetic test data: rows that follow a schema and its rules, with a quality report.

from llmworks.apps import synth
spec = synth.load("orders.json")                                     # JSON Schema (+ unique, rules) or module:Model
for event in synth.generate(spec, 500, "orders.jsonl", seed=7): ...  # Progress…, Done(Synthesis)
spec = synth.result(synth.propose("orders of a bike shop"))          # a spec proposed by the model, to edit
report = synth.check_rows(synth.read("orders.csv", spec), spec)      # the report of any data file
"""

from ...events import result
from .export import read, write
from .generator import BATCH, Synthesis, generate
from .propose import propose
from .report import Report, check_rows, markdown
from .spec import Spec, load

__all__ = [
    "BATCH",
    "Report",
    "Spec",
    "Synthesis",
    "check_rows",
    "generate",
    "load",
    "markdown",
    "propose",
    "read",
    "result",
    "write",
]
