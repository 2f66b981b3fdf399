"""`llmworks pricer …` with bad item files and damaged saved pricers, through the real CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(autouse=True)
def private_embedding_cache(tmp_path_factory, monkeypatch):
    """The child processes embed with the real MiniLM: into a cache of their own, not the machine's."""
    monkeypatch.setenv("LLMWORKS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _row(k: int, price) -> str:
    return json.dumps(
        {"title": f"Anker usb cable {k}", "price": price, "text": f"Anker usb cable {k}, durable."}, allow_nan=True
    )


@pytest.fixture
def items(tmp_path):
    """A valid items file of 30 cheap cables."""
    path = tmp_path / "items.jsonl"
    path.write_text("".join(_row(k, 9 + k % 5) + "\n" for k in range(30)))
    return path


BAD_LINES = {
    "negative": _row(99, -3),  # was "ValueError: math domain error"
    "zero": _row(99, 0),  # was scored silently
    "nan": _row(99, float("nan")),  # was scored silently, then --json printed NaN
    "infinity": _row(99, float("inf")),
    "nan-string": _row(99, "NaN"),
    "no-price": json.dumps({"title": "x", "text": "x"}),
    "bool-price": _row(99, True),
    "not-json": "{title: x",
    "json-array": "[1, 2, 3]",
}


@pytest.mark.parametrize(
    "kind, command",
    [(kind, "eval") for kind in BAD_LINES]
    + [("nan", command) for command in ("train", "finetune-export", "leaderboard")],
)
def test_bad_item_line_is_named_by_file_and_line(cli, clean_failure, snapshot, home, tmp_path, items, kind, command):
    bad = tmp_path / "bad.jsonl"
    lines = items.read_text().splitlines()
    lines.insert(6, BAD_LINES[kind])  # line 7
    bad.write_text("\n".join(lines) + "\n")
    args = {
        "eval": ("eval", "--pricer", "constant", "--data", str(bad), "--n", "5", "--json"),
        "train": ("train", "--pricer", "constant", "--data", str(bad)),
        "finetune-export": ("finetune", "export", "--data", str(bad), "--out", str(tmp_path / "ft.jsonl")),
        "leaderboard": ("leaderboard", "--data", str(bad), "--n", "5", "--pricers", "constant"),
    }[command]
    before = snapshot(home)
    result = cli("pricer", *args)
    line = clean_failure(result, mentions=f"{bad}:7:")
    assert result.out == ""  # nothing half-printed, no NaN "JSON"
    if kind in ("negative", "zero", "nan", "infinity", "nan-string", "bool-price"):
        assert "above 0" in line
    assert snapshot(home) == before and not (tmp_path / "ft.jsonl").exists()


@pytest.mark.parametrize(
    "content, mentions",
    [
        (bytes(range(256)) * 20, "binary"),  # was "UnicodeDecodeError"
        (_row(1, 5).replace("cable", "c\u00e2ble").encode("latin-1") + b"\n", "UTF-8"),
        (b"\x00" * 100 + b"\n", "binary"),
        (b"\n\n  \n", "no items"),
    ],
)
def test_unreadable_item_files_fail_cleanly(cli, clean_failure, tmp_path, content, mentions):
    path = tmp_path / "items.jsonl"
    path.write_bytes(content)
    clean_failure(cli("pricer", "eval", "--pricer", "constant", "--data", str(path), "--json"), mentions=mentions)


def test_json_output_is_strict_json(cli, items):
    result = cli("pricer", "eval", "--pricer", "constant", "--data", str(items), "--n", "5", "--json")
    assert result.code == 0, result.err
    json.loads(result.out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))


def test_curate_names_a_binary_raw_file(cli, clean_failure, tmp_path):
    raw = tmp_path / "raw.jsonl"
    raw.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    clean_failure(cli("pricer", "curate", str(raw), "--out", str(tmp_path / "out")), mentions=f"{raw}:1:")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("damage", ["json-garbage", "json-list", "joblib-garbage", "joblib-empty"])
def test_damaged_saved_pricer_fails_cleanly(cli, clean_failure, snapshot, home, items, damage):
    trained = cli("pricer", "train", "--pricer", "constant", "--data", str(items))
    assert trained.code == 0, trained.err
    folder = home / "pricer" / "models" / "constant"
    target = {"json": folder / "pricer.json", "joblib": folder / "pricer.joblib"}
    kind, how = damage.split("-")
    assert target[kind].is_file()  # damage the real file, not a new one beside it
    target[kind].write_bytes({"garbage": b"\x80\x04garbage\xff" * 10, "list": b"[1, 2]", "empty": b""}[how])
    before = snapshot(home)
    clean_failure(cli("pricer", "estimate", "Anker usb cable", "--pricer", "constant"), mentions="constant")
    clean_failure(cli("pricer", "eval", "--pricer", str(folder), "--data", str(items), "--n", "5"))
    assert snapshot(home) == before


@pytest.mark.parametrize(
    "args, mentions",
    [
        (("estimate", ""), "description"),
        (("estimate", "a thing", "--pricer", "never-trained"), "never-trained"),
        (("eval", "--pricer", "nope", "--data", "items.jsonl"), "items.jsonl"),
        (("train", "--pricer", "tfidf", "--data", "missing.jsonl"), "missing.jsonl"),
        (("train", "--pricer", "constant", "--data", "{items}", "--set", "novalue"), "key=value"),
    ],
)
def test_bad_arguments_fail_cleanly(cli, clean_failure, items, args, mentions):
    args = tuple(a.replace("{items}", str(items)) for a in args)
    clean_failure(cli("pricer", *args), mentions=mentions)
