"""Python → C++ / Rust converter that proves its output: toolchain probe, sandboxed runs, output check with timing
masked and a float tolerance, a repair loop, and a Cython baseline.

from llmworks.apps import convert
for event in convert.run("pi.py", to="cpp"): ...          # Progress, Delta (the code as written)…, Done(Conversion)
convert.run("pi.py", model="py2many")                     # the rule-based transpiler under the same checks
for event in convert.bench(["local/qwen2.5-1.5b"], limit=3): ...   # Done(BenchReport): one row per model
"""

from .converter import REPAIRS, VERDICTS, Conversion, Round, run
from .translators import PY2MANY

__all__ = ["PY2MANY", "REPAIRS", "VERDICTS", "Conversion", "Round", "run"]
