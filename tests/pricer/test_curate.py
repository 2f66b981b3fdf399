"""Curation on a small raw fixture of Amazon-style metadata (tests/pricer/fixtures/raw_meta.jsonl)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llmworks.apps.pricer.curate import CurationConfig, balance, curate, regex_tokens, scrub
from llmworks.apps.pricer.items import PREFIX, QUESTION, Item, load_items

RAW = Path(__file__).parent / "fixtures" / "raw_meta.jsonl"
CONFIG = CurationConfig(min_tokens=40, max_tokens=60, min_chars=200, test_fraction=0.1, seed=7)


def test_scrub_drops_part_numbers_and_json_punctuation():
    assert scrub('{"Model": "XK-4711B", "Size": "10 inch"}') == "Model Size 10 inch"
    assert "ACM900001" not in scrub("Item model number ACM900001 fits")


def test_curate_drops_bad_records_for_the_right_reasons(tmp_path):
    result = curate(RAW, tmp_path, CONFIG)
    assert result.stats["raw"] == 45
    assert result.stats["dropped"] == {
        "no price": 1,
        "price out of range": 2,
        "too short": 1,
        "duplicate": 1,
        "balancing": 0,
    }
    items = result.train + result.test
    assert len(items) == 40
    assert all(0.5 <= i.price <= 999.49 for i in items)
    assert all(len(regex_tokens(i.text)) <= 60 for i in items)  # capped
    assert not any("XK-47" in i.text or "ACM9" in i.text for i in items)  # part numbers scrubbed
    assert any(isinstance(json.loads(l)["price"], str) for l in RAW.read_text().splitlines())  # "$12.34" parsed
    assert {i.category for i in items} == {"Automotive", "Tools_and_Home_Improvement", "Electronics"}


def test_curate_writes_jsonl_and_datasets_export(tmp_path):
    from datasets import load_from_disk

    result = curate(RAW, tmp_path, CONFIG)
    assert [i.title for i in load_items(tmp_path / "train.jsonl")] == [i.title for i in result.train]
    assert len(load_items(tmp_path / "test.jsonl")) == len(result.test) == 4
    ds = load_from_disk(str(tmp_path / "hf"))
    assert ds["train"].num_rows == 36 and ds["test"].num_rows == 4
    assert ds["train"][0]["text"].endswith(f"{PREFIX}{round(result.train[0].price)}.00")
    assert ds["test"][0]["text"].endswith(PREFIX)
    assert json.loads((tmp_path / "curation.json").read_text())["kept"] == 40


def test_a_failed_export_leaves_the_previous_one_in_place(tmp_path, monkeypatch):
    from datasets import load_from_disk

    curate(RAW, tmp_path, CONFIG)
    real = os.replace

    def fails_to_move_the_new_one_in(src, dst):
        if Path(src).name == "ds":
            raise OSError("disk trouble")
        real(src, dst)

    monkeypatch.setattr(os, "replace", fails_to_move_the_new_one_in)
    with pytest.raises(OSError):
        curate(RAW, tmp_path, CurationConfig(**{**CONFIG.__dict__, "seed": 8}))
    assert load_from_disk(str(tmp_path / "hf"))["train"].num_rows == 36  # the first export, whole
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hf.")]  # no temp folder left behind


def test_split_is_seeded():
    a, b = curate(RAW, None, CONFIG), curate(RAW, None, CONFIG)
    c = curate(RAW, None, CurationConfig(**{**CONFIG.__dict__, "seed": 8}))
    assert [i.title for i in a.test] == [i.title for i in b.test]
    assert [i.title for i in a.test] != [i.title for i in c.test]


def test_prompt_format_matches_the_course():
    item = Item(title="T", price=170.99, text="Moen light\nNice")
    assert item.prompt == f"{QUESTION}\n\nMoen light\nNice\n\nPrice is $171.00"
    assert item.test_prompt == f"{QUESTION}\n\nMoen light\nNice\n\nPrice is $"


def test_balance_caps_crowded_slots_and_down_weights_automotive():
    crowd = [Item(f"a{k}", 10.0, f"a{k}", "Automotive") for k in range(200)]
    crowd += [Item(f"e{k}", 10.2, f"e{k}", "Electronics") for k in range(200)]
    rare = [Item(f"x{k}", 500.0, f"x{k}", "Automotive") for k in range(300)]
    out = balance(crowd + rare, CurationConfig(slot_cap=100, full_from=240))
    cheap = [i for i in out if i.price < 100]
    assert len(cheap) == 100
    automotive = sum(i.category == "Automotive" for i in cheap)
    assert automotive < 35  # weight 1 against 5: about 1/6 expected, 1/2 without down-weighting
    assert sum(i.price == 500.0 for i in out) == 300  # expensive slots are kept whole
