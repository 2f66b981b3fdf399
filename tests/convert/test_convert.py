"""The verify-and-repair loop with a scripted model: real compiler, real sandbox, fake brain."""

from __future__ import annotations

import json

import pytest

from llmworks import llm
from llmworks.apps import convert
from llmworks.apps.convert import converter, toolchain
from llmworks.cli import main
from llmworks.errors import LlmworksError
from llmworks.events import Done, final
from llmworks.llm.testing import ScriptedModel
from llmworks.sandbox import Limits

pytestmark = pytest.mark.usefixtures("native")

BROKEN = "```cpp\nint main( { }\n```"
WRONG = '```cpp\n#include <cstdio>\nint main() { std::printf("Result: 3.0\\n"); }\n```'
LOOPS = "```cpp\nint main() { volatile long x = 0; for (;;) x++; }\n```"


def test_compile_error_then_wrong_output_then_pass_each_round_recorded(pi_file, pi_cpp):
    model = ScriptedModel([BROKEN, WRONG, pi_cpp])
    done = final(convert.run(pi_file, model=model, repairs=3, baseline=False))
    c = done.result
    assert [r.verdict for r in c.rounds] == ["compile-error", "wrong-output", "pass"]
    assert c.verdict == "pass" and c.native_s is not None and c.speedup > 1
    # what went wrong went back to the model: the compiler's error, then the differing line
    second, third = model.requests[1].messages[-1]["content"], model.requests[2].messages[-1]["content"]
    assert "error" in second and "main.cpp" in second
    assert "expected `Result: 3.14159515" in third and "got `Result: 3.0`" in third
    # the prompt carried the machine and the exact compile command
    prompt = model.requests[0].messages[1]["content"]
    assert toolchain.probe("cpp").command_text() in prompt and "cores" in prompt
    assert pi_file.with_suffix(".cpp").read_text() == c.code and "200000" in c.code
    assert done.usage.output_tokens > 0 and c.usage.output_tokens == done.usage.output_tokens


def test_an_output_failure_starts_afresh_told_every_mistake_and_the_numbers_to_fix(pi_file, pi_cpp):
    # the small model's slips: a constant copied with digits missing, then C++'s default 6-digit printing
    lost = pi_cpp.replace("200000", "2000")
    short = pi_cpp.replace("%.12f", "%g")
    assert lost != pi_cpp != short
    model = ScriptedModel([lost, short, pi_cpp])
    c = final(convert.run(pi_file, model=model, repairs=2, baseline=False)).result
    assert [r.verdict for r in c.rounds] == ["wrong-output", "wrong-output", "pass"]
    first = model.requests[0].messages
    second, third = model.requests[1].messages, model.requests[2].messages
    # no earlier program to copy back: the first prompt again, with what went wrong
    assert [m["role"] for m in second] == ["system", "user"] and second[1]["content"].startswith(first[1]["content"])
    assert "expected `Result: 3.14159515" in second[1]["content"]  # the diff, then the number to look at
    assert "- `200'000` (line 15: `result = calculate(200_000, 4, 1) * 4`)" in second[1]["content"]
    assert "200_000" in c.rounds[0].detail and "200'000" not in c.rounds[1].detail  # round 2 kept the constant
    told = third[1]["content"]
    assert "- `200'000`" in told  # each mistake so far, so a fix made once is not undone
    assert "Python prints `3.141595153583` (12 decimals) where yours prints `3.1416`" in told
    assert "std::fixed << std::setprecision(12)" in told


def test_an_integer_division_where_python_divides_with_slash_is_pointed_out(pi_file, pi_cpp):
    truncating = pi_cpp.replace("double j = i * 4.0 - 1", "long j = i * 4 - 1").replace("i * 4.0 + 1", "i * 4 + 1")
    assert truncating != pi_cpp
    model = ScriptedModel([truncating, pi_cpp])
    c = final(convert.run(pi_file, model=model, repairs=1, baseline=False)).result
    assert [r.verdict for r in c.rounds] == ["wrong-output", "pass"]
    told = model.requests[1].messages[1]["content"]
    assert "got `Result: 4.000000000000`" in told and "r -= 1 / j;" in told and "divides an integer literal" in told


def test_a_program_sent_back_unchanged_after_a_compile_error_is_followed_by_a_fresh_start(pi_file, pi_cpp):
    model = ScriptedModel([BROKEN, BROKEN, pi_cpp])
    c = final(convert.run(pi_file, model=model, repairs=2, baseline=False)).result
    assert [r.verdict for r in c.rounds] == ["compile-error", "compile-error", "pass"]
    second, third = model.requests[1].messages, model.requests[2].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]  # the program and its errors
    assert [m["role"] for m in third] == ["system", "user"]  # it came back unchanged: the first prompt again
    assert "An earlier translation failed: it does not compile" in third[1]["content"]


def test_repairs_run_out_and_the_last_verdict_stands(pi_file):
    model = ScriptedModel([BROKEN, BROKEN])
    c = final(convert.run(pi_file, model=model, repairs=1, baseline=False)).result
    assert c.verdict == "compile-error" and len(c.rounds) == 2 and c.speedup is None


def test_a_translation_that_never_ends_is_a_timeout(pi_file, monkeypatch):
    monkeypatch.setattr(converter, "native_limits", lambda expected: Limits(wall_s=3, cpu_s=1))
    c = final(convert.run(pi_file, model=ScriptedModel([LOOPS]), repairs=0, baseline=False)).result
    assert c.verdict == "timeout"


def test_a_missing_toolchain_is_env_and_the_model_is_never_asked(pi_file, monkeypatch):
    monkeypatch.setattr(toolchain, "_probe", lambda lang: toolchain.Toolchain(lang, problem="no C++ compiler here"))
    model = ScriptedModel([])  # any call would fail the test
    c = final(convert.run(pi_file, model=model, baseline=False)).result
    assert c.verdict == "env" and c.rounds == [] and "no C++ compiler" in c.detail and model.requests == []


def test_a_missing_library_header_is_env_not_the_models_fault(pi_file):
    reply = "```cpp\n#include <boost/multiprecision/cpp_int.hpp>\nint main() {}\n```"
    c = final(convert.run(pi_file, model=ScriptedModel([reply]), repairs=0, baseline=False)).result
    assert c.verdict == "env"


def test_missing_standard_headers_are_added_and_the_program_compiled_again(pi_file):
    no_iomanip = """```cpp
#include <iostream>
int main() {
    double r = 1.0;
    for (long i = 1; i <= 200000; i++) { double j = i * 4.0 - 1; r -= 1 / j; j = i * 4.0 + 1; r += 1 / j; }
    std::cout << "Result: " << std::fixed << std::setprecision(12) << r * 4 << "\\n";
    std::cout << "Execution Time: 0.000123 seconds\\n";
}
```"""
    c = final(convert.run(pi_file, model=ScriptedModel([no_iomanip]), repairs=0, baseline=False)).result
    assert c.verdict == "pass" and len(c.rounds) == 1
    assert c.code.startswith("#include <iomanip>\n") and pi_file.with_suffix(".cpp").read_text() == c.code


def test_a_misnamed_standard_header_is_the_models_error(pi_file):
    reply = "```cpp\n#include <stdint>\nint main() {}\n```"  # SmolLM2 wrote this: <cstdint> or <stdint.h> exist
    c = final(convert.run(pi_file, model=ScriptedModel([reply]), repairs=0, baseline=False)).result
    assert c.verdict == "compile-error"


def test_bad_input_is_refused_with_the_fix(tmp_path):
    broken = tmp_path / "bad.py"
    broken.write_text("print(1/0)\n")
    with pytest.raises(LlmworksError, match="fails under Python"):
        final(convert.run(broken, model=ScriptedModel([]), baseline=False))
    with pytest.raises(LlmworksError, match="not a Python file"):
        final(convert.run(tmp_path / "x.txt", model=ScriptedModel([])))
    with pytest.raises(LlmworksError, match="Unknown target language"):
        final(convert.run(broken, to="go", model=ScriptedModel([])))


def test_cli_json_has_the_promised_fields(pi_file, pi_cpp, capsys):
    with llm.override(ScriptedModel([pi_cpp])):
        code = main(["convert", str(pi_file), "--json", "--no-baseline", "--out", str(pi_file.parent / "x.cc")])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert {"verdict", "rounds", "python_s", "native_s", "speedup", "tokens", "cost_usd"} <= result.keys()
    assert result["verdict"] == "pass" and result["rounds"] == 1 and result["tokens"] > 0
    assert (pi_file.parent / "x.cc").exists()


def test_cli_exit_code_says_the_translation_failed(pi_file, capsys):
    with llm.override(ScriptedModel([WRONG])):
        assert main(["convert", str(pi_file), "--repairs", "0", "--no-baseline"]) == 1
    out = capsys.readouterr().out
    assert "wrong-output" in out and "Result: 3.0" in out


def test_rust_translation_is_compiled_and_checked(pi_file):
    if toolchain.probe("rust").problem:
        pytest.skip(toolchain.probe("rust").problem)
    rust = """```rust
fn main() {
    let mut r: f64 = 1.0;
    for i in 1..=200000i64 { let j = (i * 4 - 1) as f64; r -= 1.0 / j; let j = (i * 4 + 1) as f64; r += 1.0 / j; }
    println!("Result: {:.12}", r * 4.0);
    println!("Execution Time: 0.000001 seconds");
}
```"""
    events = list(convert.run(pi_file, to="rust", model=ScriptedModel([rust]), baseline=False))
    c = events[-1].result
    assert isinstance(events[-1], Done) and c.verdict == "pass" and pi_file.with_suffix(".rs").exists()


def test_the_cython_baseline_row_is_measured_on_the_unmodified_file(pi_file, pi_cpp):
    pytest.importorskip("Cython")
    c = final(convert.run(pi_file, model=ScriptedModel([pi_cpp]), repairs=0)).result
    assert c.baseline is not None and c.baseline.verdict == "pass" and c.baseline.native_s > 0
    assert c.as_json()["baseline"]["speedup"] is not None
