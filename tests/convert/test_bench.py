"""`convert bench` with scripted model doubles: the loop, the rows and their rates, without a real model."""

from __future__ import annotations

import json

import pytest

from llmworks import llm
from llmworks.apps.convert.bench import bench, programs
from llmworks.apps.convert.correctness import humaneval
from llmworks.cli import main
from llmworks.events import final
from llmworks.llm.testing import FunctionModel, ScriptedModel

NQUEENS_CPP = """```cpp
#include <cstdio>
int solve(int n, int row, unsigned cols, unsigned d1, unsigned d2) {
    if (row == n) return 1;
    int count = 0;
    unsigned free_ = ~(cols | d1 | d2) & ((1u << n) - 1);
    while (free_) { unsigned bit = free_ & -free_; free_ ^= bit;
        count += solve(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1); }
    return count;
}
int main() { for (int n = 4; n < 11; n++) std::printf("%d-queens: %d solutions\\n", n, solve(n, 0, 0, 0, 0)); }
```"""
BROKEN = "```cpp\nint main( {\n```"


def test_the_bundled_set_leads_with_the_course_programs_and_has_twenty_more():
    names = list(programs())
    assert names[:2] == ["pi", "max_subarray"] and len(names) >= 22


def test_the_correctness_set_has_over_100_problems_with_their_tests_as_prints():
    tasks = humaneval()
    assert len(tasks) >= 100
    first = tasks[0]
    assert first.name == "HumanEval/0" and first.program.count("print(show(has_close_elements(") == first.cases


@pytest.mark.usefixtures("native")
def test_rows_count_first_try_and_repaired_passes():
    good = FunctionModel(lambda request: NQUEENS_CPP, name="test/good")
    repairs_once = ScriptedModel([BROKEN, NQUEENS_CPP], name="test/repairs")
    report = final(bench([good, repairs_once], only=["nqueens"], repairs=1, baseline=False)).result
    g, r = report.rows
    assert (g.model, g.runs, g.compiled_first, g.passed_first, g.passed) == ("test/good", 1, 1, 1, 1)
    assert (r.model, r.compiled_first, r.passed_first, r.passed) == ("test/repairs", 0, 0, 1)
    assert g.median_speedup is not None and g.usage.output_tokens > 0
    assert report.as_json()["rows"][1]["pass@1"] == 0.0 and report.as_json()["rows"][1]["pass_repaired"] == 1.0


@pytest.mark.usefixtures("native")
def test_cli_bench_runs_a_correctness_problem_through_the_same_loop(capsys):
    with llm.override(FunctionModel(lambda request: BROKEN, name="test/broken")):
        code = main(["convert", "bench", "--limit", "0", "--tasks", "1", "--repairs", "0", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["programs"] == ["HumanEval/0"]
    (row,) = report["rows"]
    assert row["model"] == "test/broken" and row["compile@1"] == 0.0 and row["verdicts"] == {"compile-error": 1}


def test_an_unknown_program_name_is_refused_with_the_choices():
    with pytest.raises(Exception, match="Choose from: pi, max_subarray"):
        final(bench([ScriptedModel([])], only=["nope"]))


def _oracle(request) -> str:
    """A perfect translator: runs the prompt's Python (HumanEval's reference code) and writes C++ printing that."""
    import re
    import subprocess
    import sys

    python = re.search(r"```python\n(.*?)```", request.messages[1]["content"], re.S).group(1)
    lines = subprocess.run([sys.executable, "-c", python], capture_output=True, text=True, check=True).stdout
    prints = "".join(f"    std::puts({json.dumps(line)});\n" for line in lines.splitlines())
    return f"```cpp\n#include <cstdio>\nint main() {{\n{prints}}}\n```"


@pytest.mark.usefixtures("native")
def test_correctness_problems_count_as_passes_but_add_no_speed_up():
    oracle = FunctionModel(_oracle, name="test/oracle")
    report = final(bench([oracle], limit=0, tasks=2, repairs=0, baseline=False)).result
    (row,) = report.rows
    assert (row.runs, row.passed_first, row.passed) == (2, 2, 2)
    assert row.speedups == [] and row.median_speedup is None
