"""The model lab: tokenizers side by side, quantized vs dequantized local inference, and the pipeline tasks.

result(explore("The year 2024 had 365 days."))            # TokenReport: tokens, number splits, templates, costs
result(run("Name three colours.", ["local/smollm2"]))     # LabReport: one Row per model and runtime
result(pipe("sentiment", "I loved it."))                  # PipeResult: output and the backend that answered
result(evaluate("ner"))                                   # Evaluation: scores on the built-in labelled set
"""

from .evaluate import Evaluation, evaluate
from .explorer import TokenReport, explore
from .inference import LabReport, Row, run
from .pipelines import TASKS, PipeResult, pipe
from .tokenizers import Tokenizer, tokenizer

__all__ = [
    "TASKS",
    "Evaluation",
    "LabReport",
    "PipeResult",
    "Row",
    "TokenReport",
    "Tokenizer",
    "evaluate",
    "explore",
    "pipe",
    "run",
    "tokenizer",
]
