"""Product pricer: estimate a product's price from its description.

    from llmworks.apps.pricer import load_items, make_pricer, evaluate, holdout_split
    train, test = holdout_split(load_items("items_dev.jsonl"), 250)
    report = evaluate(make_pricer("ensemble").fit(train), test)
    report.error, report.rmsle, report.hit_rate

Modules: items (the Item, JSONL), curate (raw metadata → items), tester (metrics, plot), baselines / classic /
neighbours / llm_pricers / ensemble (the pricers), splits (hold-out, weighted extras), workflow (CLI/UI jobs),
finetune_openai (OpenAI jobs), lora (LoRA/QLoRA SFT and its pricer).
"""

from .base import PRICERS, Pricer, load_pricer, make_pricer
from .curate import CurationConfig, curate
from .items import Item, PricerError, item_from_description, load_items, save_items
from .splits import holdout_split, weighted_extras
from .tester import Report, evaluate

__all__ = [
    "PRICERS",
    "CurationConfig",
    "Item",
    "Pricer",
    "PricerError",
    "Report",
    "curate",
    "evaluate",
    "holdout_split",
    "item_from_description",
    "load_items",
    "load_pricer",
    "make_pricer",
    "save_items",
    "weighted_extras",
]
