"""Output comparison: timing masked, floats within tolerance, integers exact, everything else strict."""

from llmworks.apps.convert.hints import integer_division, lost_constants
from llmworks.apps.convert.translators import extract_code
from llmworks.apps.convert.verify import differences, precision_note


def test_timing_lines_are_masked_but_results_are_not():
    python = "Result: 3.141592658589\nExecution Time: 8.612345 seconds\n"
    assert differences(python, "Result: 3.141592658589\nExecution Time: 0.21 seconds") == []
    float32 = "Result: 3.141592741013\nExecution Time: 0.21 seconds"  # a float where Python had a double
    assert differences(python, float32)[0].startswith("line 1: expected `Result: 3.141592658589`")


def test_floats_compare_with_a_tolerance_and_any_notation():
    assert differences("0.30000000000000004 1e+16 [1.5, 2.0]", "0.3 1e16 [1.5, 2]") == []
    assert differences("3.141592658589", "3.141592658590") == []  # the last printed digit rounded otherwise
    assert differences("0.3333333333333333", "0.333333") != []  # C++'s default 6 digits are not Python's repr


def test_integers_compare_exactly_so_overflow_shows():
    assert differences("sum: 9223372036854775808", "sum: -9223372036854775808") != []
    assert differences("sum: 12345678901234567890", "sum: 12345678901234567891") != []


def test_words_spacing_and_missing_lines():
    assert differences("a  b\n\n", "a b") == []
    assert differences("True", "true") != []
    diff = differences("one\ntwo\nthree", "one")
    assert diff == [
        "line 2: expected `two`, got nothing (the output ends early)",
        "line 3: expected `three`, got nothing (the output ends early)",
    ]
    assert differences("x", "x\ny") == ["line 2: expected nothing more, got `y`"]


def test_the_program_is_taken_from_the_reply():
    reply = "Sure!\n```cpp\nint main() {}\n```\nThis is fast because..."
    assert extract_code(reply, "cpp") == "int main() {}\n"
    cut_off = '```rust\nfn main() {\n    println!("hi");'  # the token cap ended the reply inside the block
    assert extract_code(cut_off, "rust").startswith("fn main()")
    assert extract_code("int main() { return 0; }", "cpp") == "int main() { return 0; }\n"


def test_compiler_feedback_names_missing_headers_and_drops_include_chains():
    from llmworks.apps.convert.converter import compiler_feedback

    gcc = """In file included from /usr/include/c++/12/ext/atomicity.h:35,
                 from main.cpp:1:
main.cpp: In function 'int main()':
main.cpp:21:51: error: 'setprecision' is not a member of 'std'
   21 |     std::cout << std::setprecision(12) << result;
main.cpp:22:9: error: 'accumulate' is not a member of 'std'
note: 'std::vector' is defined in header '<vector>'; did you forget to '#include <vector>'?"""
    feedback = compiler_feedback(gcc)
    assert feedback.splitlines()[0] == "Missing headers: #include <iomanip> #include <numeric> #include <vector>"
    assert "In file included" not in feedback and "from main.cpp:1" not in feedback
    assert "main.cpp:21:51: error: 'setprecision' is not a member of 'std'" in feedback


def test_lost_constants_are_the_large_python_integers_no_literal_equals():
    python = "N = 100_000_000\nM = 0x7FFFFFFF\nfor i in range(1, 2_000_001):\n    x = i * 48271 % 1000\n"
    assert lost_constants(python, "long N = 100'000'000LL; int M = 0x7fffffff; i <= 2000000; 48271u; 1000;") == []
    assert (
        lost_constants(python, "double N = 1e8; uint32_t M = 2147483647; i < 2000001; let a: u64 = 48_271 % 1_000;")
        == []
    )
    assert lost_constants(python, "long N = 1000000; int M = 0x7FFFFFFF; i <= 2000000; 48271 % 1000;") == [
        ("100_000_000", "line 1: `N = 100_000_000`")
    ]
    assert lost_constants(python, "") == [  # at most three, in line order; 1 is too small to name
        ("100_000_000", "line 1: `N = 100_000_000`"),
        ("0x7FFFFFFF", "line 2: `M = 0x7FFFFFFF`"),
        ("2_000_001", "line 3: `for i in range(1, 2_000_001):`"),
    ]
    assert lost_constants("x = (", "") == []  # Python that does not parse has nothing to say


def test_a_float_printed_short_is_named_with_the_decimals_python_prints():
    python = "Result: 3.141592658589\nExecution Time: 8.6 seconds\n"
    assert precision_note(python, "Result: 3.14159\nExecution Time: 0 seconds") == (
        "Python prints `3.141592658589` (12 decimals) where yours prints `3.14159`: "
        "print it with std::fixed << std::setprecision(12)."
    )
    assert "with {:.2}." in precision_note("x 2.25", "x 2.2", "rust")
    assert precision_note(python, "Result: 3.141593153589\n") == ""  # same digits, another value: not precision
    assert precision_note("a 0.1", "a 0.10000000149") == "" and precision_note("n 3", "n 4") == ""


def test_an_integer_literal_divided_is_named_where_python_divides_with_slash():
    python = "r = 1.0\nfor j in range(1, 9):\n    r -= 1 / j\n"
    note = integer_division(python, "double r = 1.0;\nfor (long j = 1; j < 9; j++) {\n    r -= 1 / j;\n}")
    assert note.startswith("`r -= 1 / j;` divides an integer literal") and "`1.0 / j`" in note
    assert integer_division(python, "r -= 1.0 / j; x = n / 2; y = 10 / 3.0; z = 1'000 / 4.0;") == ""
    assert integer_division("q = a // b\n", "r -= 1 / j;") == ""  # floor division: C++'s `/` is not the suspect
