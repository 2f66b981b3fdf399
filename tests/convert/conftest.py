"""Fixtures of the converter's tests; those that compile and run code skip (saying why) without a sandbox or g++."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llmworks import sandbox

HERE = Path(__file__).parent
PI_CPP = r"""
#include <cstdio>
int main() {
    double r = 1.0;
    for (long i = 1; i <= 200000; i++) { double j = i * 4.0 - 1; r -= 1 / j; j = i * 4.0 + 1; r += 1 / j; }
    std::printf("Result: %.12f\n", r * 4);
    std::printf("Execution Time: %.6f seconds\n", 0.000123);
}
"""


@pytest.fixture
def native():
    if not sandbox.available():
        pytest.skip("no sandbox on this machine (bubblewrap)")
    if shutil.which("g++") is None and shutil.which("clang++") is None:
        pytest.skip("no C++ compiler")


@pytest.fixture
def pi_file(tmp_path) -> Path:
    target = tmp_path / "pi_small.py"
    shutil.copyfile(HERE / "pi_small.py", target)
    return target


@pytest.fixture
def pi_cpp() -> str:
    """A model's reply holding a correct C++ translation of pi_small.py."""
    return f"Here it is:\n```cpp\n{PI_CPP.strip()}\n```\n"
