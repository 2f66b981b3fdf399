"""LoRA SFT for real: a few training steps on CPU on a tiny randomly initialised Llama built here (no download)."""

from __future__ import annotations

import json

import pytest

from llmworks.apps.pricer import load_pricer
from llmworks.apps.pricer.items import PricerError
from llmworks.apps.pricer.lora import LoRAConfig, LoRAPricer, price_examples, run_lora, train_lora


def test_examples_put_only_the_price_in_the_completion(items):
    example = price_examples(items[:1])[0]
    assert example["prompt"].endswith("Price is $") and example["prompt"] == items[0].test_prompt
    assert example["completion"] == f"{round(items[0].price)}.00"


def test_lora_loss_goes_down_and_the_adapter_loads(tiny_lm, tmp_path, make_items):
    import torch

    torch.set_num_threads(1)  # tiny matrices: threads only add overhead on a busy 2-core machine
    items = make_items(32)
    config = LoRAConfig(
        base_model=str(tiny_lm),
        out_dir=str(tmp_path / "adapter"),
        max_steps=12,
        batch_size=8,
        learning_rate=1e-2,
        lora_r=8,
        lora_alpha=16,
        lora_dropout=0.0,
        max_length=96,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"],
    )
    *progress, done = run_lora(items, config)  # training on a worker thread, its log lines as they come
    result = done.result
    first, last = result.losses[:3], result.losses[-3:]
    assert len(result.losses) == 12
    assert [p.text for p in progress] == [f"step {i}: loss {loss:.4f}" for i, loss in enumerate(result.losses, 1)]
    assert sum(last) / 3 < sum(first) / 3 - 0.3, result.losses  # it learns the price tokens
    adapter = tmp_path / "adapter"
    assert (adapter / "adapter_config.json").is_file()
    saved = json.loads((adapter / "adapter_config.json").read_text())
    assert saved["r"] == 8 and set(saved["target_modules"]) >= {"q_proj", "v_proj"}
    assert json.loads((adapter / "lora_config.json").read_text())["max_steps"] == 12
    pricer = load_pricer(adapter)
    assert isinstance(pricer, LoRAPricer)
    estimates = pricer.predict(items[:2])
    assert len(estimates) == 2 and all(e is None or e > 0 for e in estimates)


def test_missing_base_is_a_clear_error(tmp_path, items):
    with pytest.raises(PricerError, match="not a local folder"):
        train_lora(items[:4], LoRAConfig(base_model=str(tmp_path / "nowhere"), out_dir=str(tmp_path / "a")))
