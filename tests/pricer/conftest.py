"""Fixtures of the pricer tests: small synthetic-but-realistic items, a raw metadata fixture, a tiny local LM."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from llmworks.apps.pricer.items import Item

FIXTURES = Path(__file__).parent / "fixtures"

# (product noun, brand, base price): prices follow the noun, so a text model has something real to learn
_PRODUCTS = [
    ("usb cable", "Anker", 9),
    ("phone case", "Spigen", 14),
    ("sticker pack", "Generic", 5),
    ("car floor mats", "WeatherTech", 120),
    ("brake pads", "Bosch", 45),
    ("cordless drill", "DeWalt", 160),
    ("bluetooth speaker", "JBL", 80),
    ("vanity light", "Moen", 170),
    ("guitar amplifier", "Fender", 300),
    ("laser printer", "Brother", 250),
    ("board game", "Hasbro", 30),
    ("espresso machine", "Breville", 600),
]
_FILLER = [
    "durable",
    "compact",
    "premium",
    "lightweight",
    "easy to install",
    "black",
    "stainless steel",
    "for home and office",
    "two year warranty",
    "high performance",
    "ergonomic design",
    "wireless",
]


def make_items(n: int, seed: int = 0) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for k in range(n):
        noun, brand, base = rng.choice(_PRODUCTS)
        price = round(base * rng.uniform(0.8, 1.25), 2)
        words = " ".join(rng.sample(_FILLER, 5))
        title = f"{brand} {noun} model {k}"
        details = {
            "Brand": brand,
            "Item Weight": f"{round(base / 20 + 0.2, 1)} pounds",
            "Best Sellers Rank": {"Everything": rng.randint(1000, 90000)},
        }
        items.append(
            Item(
                title=title,
                price=price,
                text=f"{title}\n{brand} {noun}, {words}. Brand {brand}",
                category="Electronics" if base < 100 else "Tools_and_Home_Improvement",
                details=json.dumps(details),
            )
        )
    return items


@pytest.fixture(name="make_items")
def make_items_fixture():
    return make_items


@pytest.fixture
def raw_path() -> Path:
    return FIXTURES / "raw_meta.jsonl"


@pytest.fixture
def tiny_lm(tmp_path_factory, make_items) -> Path:
    return build_tiny_lm(tmp_path_factory.mktemp("tiny_lm"), [i.prompt for i in make_items(64)])


@pytest.fixture
def items() -> list[Item]:
    return make_items(160)


@pytest.fixture
def items_file(tmp_path, items) -> Path:
    from llmworks.apps.pricer.items import save_items

    return save_items(items, tmp_path / "items.jsonl")


@pytest.fixture(autouse=True)
def private_embedding_cache(tmp_path_factory, monkeypatch):
    """The machine's embedding cache (embedding_cache.py) lives outside the data dir: each test gets its own."""
    monkeypatch.setenv("LLMWORKS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def bag_of_words(texts):
    import hashlib

    import numpy as np

    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
    return out + 1e-6  # an empty text still has a direction


@pytest.fixture
def fake_embed():
    """Deterministic bag-of-words unit vectors instead of MiniLM: the kNN/RAG logic is what these tests check
    (the real encoder is exercised by the slow tests). Its `.batches` are the texts it was asked to embed."""
    from llmworks import llm
    from llmworks.llm.testing import FunctionEmbedder

    embedder = FunctionEmbedder(bag_of_words, dimensions=64)
    with llm.override({"local/minilm": embedder}):
        yield embedder


def build_tiny_lm(directory: Path, texts: list[str]) -> Path:
    """A randomly initialised 2-layer Llama (~0.2M parameters) and a BPE tokenizer trained here: no download."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<unk>", "<s>", "</s>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(texts, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>", pad_token="</s>"
    )
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=512,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(directory)
    fast.save_pretrained(directory)
    return directory
