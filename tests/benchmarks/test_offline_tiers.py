"""benchmarks/offline_tiers.py: its rubrics, its runners on scripted models, and that one failing app or model
leaves an error in its cell instead of ending the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from llmworks.llm.testing import FunctionModel
from llmworks.llm.types import Completion

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(autouse=True)
def benchmark_modules(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))


@pytest.fixture
def data(tmp_path) -> Path:
    """A tiny stand-in for the shared data folder: the pages the speed probe reads."""
    kb = tmp_path / "data" / "insurellm" / "knowledge-base"
    (kb / "products").mkdir(parents=True)
    for name in ("Carllm", "Homellm", "Lifellm", "Rellm"):
        (kb / "products" / f"{name}.md").write_text(f"# {name}\n\n" + f"{name} insures things well. " * 200)
    return tmp_path / "data"


def last_user(request) -> str:
    return [m["content"] for m in request.messages if m["role"] == "user"][-1]


def test_persona_rubric_reads_stance_markers():
    from tiers_apps import persona_kept

    snark = "Oh please, that is nonsense. You are wrong about cars."
    kind = "That's a good point, and I agree we can find common ground. Thank you!"
    assert persona_kept(snark, "argumentative") and not persona_kept(snark, "polite")
    assert persona_kept(kind, "polite") and not persona_kept(kind, "argumentative")
    assert not persona_kept("Cities have cars.", "argumentative")
    assert not persona_kept("Cities have cars.", "polite")
    # "I don't agree" is arguing, not agreeing
    assert persona_kept("I don't agree with that at all.", "argumentative")
    assert not persona_kept("I don't agree with that at all.", "polite")


def test_translation_rubric_folds_accents_and_needs_every_word():
    from tiers_apps import translation_ok

    assert translation_ok("¡Buenos días, amigo mío!", [r"buenos dias", r"amig"])
    assert not translation_ok("Buenos días", [r"buenos dias", r"amig"])
    assert not translation_ok("Hello world", [r"bonjour|salut", r"monde"])


def test_rag_recall_counts_only_keywords_the_question_does_not_give():
    from tiers_apps import answer_keywords, keyword_recall

    question = "By what percentage has Lisa Anderson increased qualified leads?"
    keywords = answer_keywords(question, ["65%", "Lisa"])
    assert keywords == ["65%"]
    assert keyword_recall("Lisa Anderson increased them by 65% [1].", keywords) == 1.0
    assert keyword_recall("Lisa Anderson did very well.", keywords) == 0.0
    assert answer_keywords("Who is Lisa?", ["Lisa"]) == ["Lisa"]  # nothing new: all of them


def test_translation_runner_scores_right_words_that_end_by_themselves(tmp_path):
    from tiers_apps import SENTENCES, Context, translation

    def translator(request):
        sentence = last_user(request)
        language = request.messages[0]["content"].removeprefix("Translate to ")
        words = [w.split("|")[0].replace(r"\b", "") for w in SENTENCES[sentence][language]]
        if language == "German":  # runs away: right words, but cut by the cap
            return Completion(text=" ".join(words) * 20, output_tokens=64, finish_reason="length")
        return " ".join(words)

    ctx = Context(insurellm=tmp_path, pricer_items=tmp_path)
    cell = translation(FunctionModel(translator), 6, ctx, lambda: None)
    assert cell.figure == pytest.approx(4 / 6)  # 2 sentences x (French, Spanish); the 2 German ones ran away
    assert cell.extra["ended"] == 4
    assert cell.n == "6 sentences"


def test_debate_runner_scores_each_persona(tmp_path):
    from tiers_apps import Context, debate

    def speaker(request):  # Alex keeps the argumentative persona, Blake ignores the polite one
        return (
            "That is nonsense, you are wrong."
            if "You are Alex" in request.messages[0]["content"]
            else "Oh please, that's ridiculous."
        )

    cell = debate(FunctionModel(speaker), 4, Context(insurellm=tmp_path, pricer_items=tmp_path), lambda: None)
    assert cell.figure == 0.5
    assert cell.extra["argumentative"] == "2/2" and cell.extra["polite"] == "0/2"


def test_speed_probe_prompts_are_calibrated_and_distinct(data):
    from tiers_apps import PROBE_TOKENS, Context, speed

    seen = []

    def model(request):  # a tokenizer of 3 characters a token, plus 5 tokens of chat template
        seen.append(last_user(request))
        return Completion(
            text="ok", input_tokens=len(last_user(request)) // 3 + 5, output_tokens=1, finish_reason="stop"
        )

    ctx = Context(insurellm=data / "insurellm", pricer_items=data)
    result = speed(FunctionModel(model), 3, ctx, lambda: None)
    probes = seen[2:]  # after the load call and the calibration call
    assert len(set(probes)) == 3
    assert all(abs(len(p) // 3 + 5 - PROBE_TOKENS) < 10 for p in probes)  # by the model's count, not 4 chars
    assert result["n"] == 3 and result["input_tokens"] == pytest.approx(PROBE_TOKENS, abs=10)


def test_a_failing_app_leaves_an_error_cell_and_the_next_app_runs(data, monkeypatch):
    import offline_tiers
    import tiers_apps

    def broken(model, n, ctx, tick):
        raise RuntimeError("the site is down\nsecond line")

    monkeypatch.setitem(tiers_apps.APPS, "brochure", broken)
    monkeypatch.setitem(offline_tiers.APPS, "brochure", broken)
    ctx = tiers_apps.Context(insurellm=data / "insurellm", pricer_items=data)
    result = offline_tiers.run_model(FunctionModel(lambda r: "Bonjour le monde"), ["brochure", "translation"], 3, ctx)
    assert result["cells"]["brochure"]["text"] == "error: the site is down second line"
    assert result["cells"]["translation"]["n"] == "3 sentences"
    assert result["speed"]["n"] == 3 and result["peak_rss_mb"] > 0
    table = offline_tiers.table([result], ["brochure", "translation"])
    assert "| error: the site is down second line |" in table


def test_a_model_that_cannot_load_fills_its_row_with_errors(data, tmp_path):
    """End to end through the CLI: the per-model subprocess fails on every app, the table still prints."""
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "offline_tiers.py"),
            "--models",
            "local/no-such-model",
            "--apps",
            "translation",
            "--limit",
            "1",
            "--data",
            str(data),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    row = [line for line in proc.stdout.splitlines() if line.startswith("| local/no-such-model")][0]
    assert row.count("error: Unknown model 'local/no-such-model'") == 2  # the speed probe and the app
    saved = json.loads(out.read_text())
    assert saved["results"][0]["cells"]["translation"]["figure"] is None


def test_a_model_process_that_dies_keeps_what_it_saved(data, monkeypatch):
    """A crash (llama.cpp abort, out of memory) mid-run: the cells saved so far stay, the rest say why."""
    import argparse

    import offline_tiers

    def dies_after_translation(cmd, **kwargs):
        out = Path(cmd[cmd.index("--out") + 1])
        out.write_text(
            json.dumps(
                {
                    "model": "m",
                    "speed": {"n": 3, "input_tokens": 500},
                    "cells": {
                        "translation": {
                            "figure": 1.0,
                            "text": "1.00 (2/2)",
                            "n": "2 sentences",
                            "extra": {},
                            "seconds": 1,
                        }
                    },
                }
            )
        )
        return subprocess.CompletedProcess(cmd, -9)

    monkeypatch.setattr(offline_tiers.subprocess, "run", dies_after_translation)
    args = argparse.Namespace(models="m", data=data, limit=2, threads=0, model_timeout=60)
    [result] = offline_tiers.run_all(args, ["translation", "debate"], Console(stderr=True, quiet=True))
    assert result["cells"]["translation"]["text"] == "1.00 (2/2)"
    assert result["cells"]["debate"]["text"] == "error: model process exited with code -9"
    assert "debate: n/a" in offline_tiers.rests_on([result], ["translation", "debate"])


def test_peak_memory_is_the_model_process_own_not_its_parents():
    """A parent holding 400 MB (as after the RAG ingest) must not raise what its child reports."""
    child = (
        f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r}); import offline_tiers; print(offline_tiers.peak_rss_mb())"
    )
    parent = (
        f"import subprocess, sys; held = b'x' * (400 << 20); "
        f"print(subprocess.run([sys.executable, '-c', {child!r}], capture_output=True, text=True).stdout)"
    )
    out = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=60)
    assert 5 < float(out.stdout) < 200, out.stderr
