"""`--model PATH`: any local Hugging Face folder runs through transformers' own pipeline (a tiny random model here:
the wiring is under test, not its quality)."""

from __future__ import annotations

import pytest

from llmworks.apps.lab.pipelines import pipe
from llmworks.events import result

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "ada", "lovelace", "lived", "in", "london", "great", "film"]


def _folder(tmp_path, head: str, labels: list[str], favour: int | None = None):
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    raw = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    raw.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tok = transformers.PreTrainedTokenizerFast(
        tokenizer_object=raw, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]"
    )
    config = transformers.BertConfig(
        vocab_size=len(WORDS),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    model = getattr(transformers, head)(config)
    if favour is not None:  # a random model predicts anything: make it predict this label everywhere
        model.classifier.bias.data[favour] = 20.0
    model.save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    return str(tmp_path)


def test_sentiment_on_a_local_folder_names_transformers_as_its_backend(tmp_path):
    folder = _folder(tmp_path, "BertForSequenceClassification", ["NEGATIVE", "POSITIVE"])
    out = result(pipe("sentiment", "great film", model=folder))
    assert out.backend == f"transformers text-classification ({folder})"
    assert out.output["label"] in ("negative", "positive") and 0 <= out.output["score"] <= 1


def test_ner_on_a_local_folder_returns_spans_of_the_text(tmp_path):
    folder = _folder(tmp_path, "BertForTokenClassification", ["O", "B-PER", "I-PER", "B-LOC"], favour=3)
    text = "ada lovelace lived in london"
    out = result(pipe("ner", text, model=folder))
    assert out.backend.startswith("transformers token-classification")
    assert [e["text"] for e in out.output] == text.split() and {e["type"] for e in out.output} == {"LOC"}
    assert all(text[e["start"] : e["end"]] == e["text"] for e in out.output)
