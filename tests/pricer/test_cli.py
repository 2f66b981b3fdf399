"""`llmworks pricer …` end to end on small files (offline models only)."""

from __future__ import annotations

import json

import pytest

from llmworks.cli import main


def test_eval_json_holds_out_and_scores(items_file, capsys, fake_embed):
    assert main(["pricer", "eval", "--pricer", "tfidf", "--data", str(items_file), "--n", "40", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"model", "n", "error", "rmsle", "hit_rate"}
    assert result["model"] == "tfidf" and result["n"] == 40
    assert 0 < result["error"] < 60 and 0 <= result["hit_rate"] <= 1


def test_train_then_eval_saved_model_with_listing_and_plot(items_file, tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["pricer", "train", "--pricer", "features", "--data", str(items_file), "--out", str(out)]) == 0
    assert (out / "pricer.json").is_file()
    plot = tmp_path / "scatter.png"
    assert (
        main(["pricer", "eval", "--pricer", str(out), "--data", str(items_file), "--n", "5", "--plot", str(plot)]) == 0
    )
    text = capsys.readouterr().out
    assert text.count("truth $") == 5 and "error=$" in text and "hits=" in text
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_leaderboard_table_and_files(items_file, tmp_path, capsys):
    assert (
        main(
            [
                "pricer",
                "leaderboard",
                "--data",
                str(items_file),
                "--n",
                "30",
                "--pricers",
                "random,constant,tfidf",
                "--out",
                str(tmp_path / "lb"),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    table = [line for line in text.splitlines() if line.startswith("| ") and "model" not in line]
    assert [row.split("|")[1].strip() for row in table] == ["tfidf", "constant", "random"]  # best first
    csv = (tmp_path / "lb" / "leaderboard.csv").read_text().splitlines()
    assert csv[0].startswith("model,error,rmsle,hit_rate") and len(csv) == 4


def test_curate_command(tmp_path, raw_path, capsys):
    assert (
        main(["pricer", "curate", str(raw_path), "--out", str(tmp_path), "--min-tokens", "40", "--max-tokens", "60"])
        == 0
    )
    assert "45 raw records" in capsys.readouterr().out
    assert (tmp_path / "train.jsonl").is_file() and (tmp_path / "hf").is_dir()


def test_user_errors_are_one_red_line(tmp_path, capsys):
    assert main(["pricer", "eval", "--pricer", "tfidf", "--data", str(tmp_path / "missing.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "No such data file" in err and "Traceback" not in err
    assert main(["pricer", "eval", "--pricer", "nope", "--data", str(tmp_path / "missing.jsonl")]) == 1


def test_estimate_uses_the_saved_ensemble(items_file, capsys, fake_embed):
    assert (
        main(
            [
                "pricer",
                "train",
                "--pricer",
                "ensemble",
                "--data",
                str(items_file),
                "--set",
                'members=["tfidf","knn"]',
                "--set",
                "folds=3",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["pricer", "estimate", "Fender guitar amplifier, 40 watts, two year warranty. Brand Fender"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("$") and out[1].strip().startswith("tfidf: $") and out[2].strip().startswith("knn: $")
    assert 150 < float(out[0][1:].replace(",", "")) < 500  # amplifiers cost ~$300 in the fixture


def test_ui_tab_shows_members_and_errors(items_file, fake_embed):
    from llmworks.apps.pricer.workflow import train_and_save
    from llmworks.ui.pricer import estimate_markdown

    assert "No trained 'ensemble' pricer" in estimate_markdown("a thing", "ensemble")
    train_and_save("ensemble", items_file, options={"members": ["tfidf", "knn"], "folds": 3})
    md = estimate_markdown("JBL bluetooth speaker, compact, wireless. Brand JBL", "ensemble")
    assert md.startswith("## $") and "| tfidf |" in md and "| knn |" in md
    assert "Error" in estimate_markdown("   ", "ensemble")


def test_ui_builds_with_the_pricer_tab():
    from llmworks.ui import TABS

    assert ("Pricer", "pricer") in TABS
    import gradio as gr

    from llmworks.ui.pricer import tab

    with gr.Blocks() as demo, gr.Tab("Pricer"):
        tab()
    labels = {getattr(c, "label", None) for c in demo.blocks.values()}
    assert {"Product description", "Saved pricer"} <= labels


@pytest.mark.parametrize("price", [-3, 0, "NaN", "Infinity", "1e999", None, True])
def test_impossible_prices_are_refused_with_file_and_line(items_file, capsys, price):
    lines = items_file.read_text().splitlines()
    lines[4] = json.dumps({**json.loads(lines[4]), "price": price})
    items_file.write_text("\n".join(lines) + "\n")
    assert main(["pricer", "eval", "--pricer", "constant", "--data", str(items_file), "--n", "5", "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and f"{items_file}:5: " in err and "above 0" in err
    assert "ValueError" not in err and "math domain" not in err


def test_load_errors_carry_path_and_line(tmp_path):
    from llmworks.apps.pricer import PricerError
    from llmworks.apps.pricer.items import load_items
    from llmworks.errors import DataError

    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"price": 5, "text": "ok"}\n' + "caf\u00e9".encode("latin-1") + b"\n")
    with pytest.raises(PricerError) as info:  # a PricerError (an LlmworksError) and a DataError
        load_items(path)
    assert isinstance(info.value, DataError) and (info.value.path, info.value.line) == (path, 2)
    assert "not UTF-8" in str(info.value)
    path.write_bytes(b"\xef\xbb\xbf" + b'{"price": 5, "text": "ok"}\n')  # a BOM from a Windows editor is fine
    assert load_items(path)[0].price == 5


def test_evaluate_refuses_impossible_truths_and_scores_only_finite_guesses():
    from llmworks.apps.pricer import Item, PricerError, evaluate

    class Fixed:
        name = "fixed"

        def predict(self, items):
            return [float("nan"), float("inf"), -5.0]

    good = [Item("a", 10.0, "a"), Item("b", 20.0, "b"), Item("c", 30.0, "c")]
    report = evaluate(Fixed(), good)
    assert report.missing == 2 and report.rows[2].scored_guess == 0.0
    json.dumps(report.summary(), allow_nan=False)  # what --json prints: never NaN
    for bad in (float("nan"), -1.0, 0.0, float("inf")):
        with pytest.raises(PricerError, match="above 0"):
            evaluate(Fixed(), [*good[:2], Item("c", bad, "c")])
    with pytest.raises(PricerError, match="No items"):
        evaluate(Fixed(), [])


def test_one_flag_vocabulary_and_the_old_spellings_with_a_hint(items_file, capsys):
    from llmworks import llm
    from llmworks.llm.testing import ScriptedModel

    model = ScriptedModel(['{"price": 42}'] * 6, name="openai/gpt-4.1-mini")  # the llm pricer's language model
    new = [
        "pricer",
        "eval",
        "--pricer",
        "llm",
        "-m",
        "openai/gpt-4.1-mini",
        "--data",
        str(items_file),
        "--n",
        "3",
        "--json",
    ]
    with llm.override({"openai/gpt-4.1-mini": model}):
        assert main(new) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["model"] == "llm (openai/gpt-4.1-mini)" and "deprecated" not in err
    assert len(model.requests) == 3
    old = [
        "pricer",
        "eval",
        "--model",
        "llm",
        "--llm",
        "openai/gpt-4.1-mini",
        "--data",
        str(items_file),
        "--n",
        "3",
        "--json",
    ]
    with llm.override({"openai/gpt-4.1-mini": model}):
        assert main(old) == 0  # what users scripted before: --model was the pricer, --llm the language model
    out, err = capsys.readouterr()
    assert json.loads(out)["model"] == "llm (openai/gpt-4.1-mini)" and len(model.requests) == 6
    assert "use --pricer llm" in err and "use -m/--model openai/gpt-4.1-mini" in err
    assert main(["pricer", "leaderboard", "--data", str(items_file), "--n", "30", "--models", "constant"]) == 0
    out, err = capsys.readouterr()
    assert "| constant |" in out and "use --pricers constant" in err
    assert main(["pricer", "eval", "--data", str(items_file)]) == 1
    assert "--pricer NAME" in capsys.readouterr().err


def test_train_and_estimate_are_typed_results(items_file):
    from llmworks.apps.pricer.workflow import Estimate, estimate, run_train
    from llmworks.events import Done, Progress

    events = list(run_train("constant", items_file))
    assert isinstance(events[0], Progress) and events[0].text.startswith("Fitting constant on")
    trained = events[-1].result
    assert isinstance(events[-1], Done) and (trained.path / "pricer.json").is_file()
    found = estimate("A thing", "constant")
    assert isinstance(found, Estimate) and found.price == trained.pricer.price_ and found.members == {}
