"""Tokenizers by model name, offline: the embedded models' own (read from their GGUF by transformers), OpenAI's and
Llama 3's encodings (byte-identical to tiktoken, shipped by the `quicktok-v1` package), or a local Hugging Face folder.

    tok = tokenizer("local/smollm2")
    tok.encode("1234567")            # [33, 34, 35, 36, 37, 38, 39]: SmolLM2 splits numbers into digits
    tok.pieces(tok.encode("Hi!"))    # ['Hi', '!']
    tok.chat("Be brief.", "Hi", "Hello!")   # the model's chat template rendered, special tokens as they are
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...errors import LlmworksError

ENCODINGS = {
    "openai/gpt-4o": "o200k_base",
    "openai/gpt-4.1": "o200k_base",
    "openai/gpt-5": "o200k_base",
    "openai/gpt-4": "cl100k_base",
    "openai/gpt-3.5-turbo": "cl100k_base",
    "meta/llama-3": "llama3",
}
"""Model families whose encoding ships offline; a catalog name matches its family by prefix (gpt-4.1-mini → gpt-4.1).
OpenAI's tiktoken files and Llama 3's are in quicktok-v1 (tiktoken itself would download them on first use)."""
DEFAULT = ("local/smollm2", "local/qwen2.5-1.5b", "openai/gpt-4o", "openai/gpt-4", "meta/llama-3")
"""Shown when the user names none: both embedded tokenizer families and three public encodings."""


@dataclass
class Tokenizer:
    """One tokenizer: `encode` (no special tokens added), `pieces` (each id's text), and the chat template if any."""

    name: str
    source: str
    """Where it came from: 'GGUF <file>', 'quicktok o200k_base', 'Hugging Face <folder>'."""
    backend: Any
    kind: str
    """'hf' (a transformers tokenizer) or 'quicktok' (a tiktoken-style encoding)."""
    path: str | None = None
    """The GGUF file it was read from, if any."""

    def encode(self, text: str) -> list[int]:
        if self.kind == "quicktok":
            return list(self.backend.encode_ordinary(text))
        return list(self.backend.encode(text, add_special_tokens=False))

    def count(self, text: str) -> int:
        return len(self.encode(text))

    def pieces(self, ids: list[int]) -> list[str]:
        """Each token's text; a token that holds part of a UTF-8 character shows its bytes, e.g. '<e2 9c>'."""
        if self.kind == "quicktok":
            return [_text_of(self.backend.decode_bytes([i])) for i in ids]
        return [_text_of(_hf_bytes(self.backend, i)) for i in ids]

    @property
    def has_template(self) -> bool:
        return self.kind == "hf" and bool(getattr(self.backend, "chat_template", None))

    def chat(self, system: str, user: str, assistant: str) -> str | None:
        """The conversation as the model reads it (its own chat template), or None when it has no template."""
        if not self.has_template:
            return None
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
            {"role": "assistant", "content": assistant},
        ]
        return self.backend.apply_chat_template(messages, tokenize=False)

    def special_ids(self, text: str) -> list[int]:
        """Ids of `text` with its special tokens (<|im_start|> …) read as such, as the runtime reads a prompt."""
        if self.kind == "quicktok":
            return list(self.backend.encode(text, allowed_special="all"))
        return list(self.backend.encode(text, add_special_tokens=False, split_special_tokens=False))


def tokenizer(name: str) -> Tokenizer:
    """The tokenizer of a model name (see ENCODINGS and the catalog's local models), a .gguf file or an HF folder."""
    return _load(_resolve(name))


def known() -> list[str]:
    """Names `tokenizer` takes besides paths: the embedded models and the encodings' families."""
    from ...llm import catalog

    return [m.name for m in catalog.MODELS if m.weights] + list(ENCODINGS)


def _resolve(name: str) -> str:
    """A canonical key: 'gguf:<path>', 'hf:<folder>' or 'quicktok:<encoding>'."""
    from ...llm import catalog

    path = Path(os.path.expanduser(name.removeprefix("local/") if name.endswith(".gguf") else name))
    if name.endswith(".gguf"):
        if not path.is_file():
            raise LlmworksError(f"No GGUF file at {path}.", "Check the path.")
        return f"gguf:{path.resolve()}"
    if path.is_dir():
        if not (path / "tokenizer.json").is_file() and not (path / "tokenizer_config.json").is_file():
            raise LlmworksError(f"{path} holds no Hugging Face tokenizer.", "Point at a folder with tokenizer.json.")
        return f"hf:{path.resolve()}"
    encoding = _encoding_of(name)
    if encoding:
        return f"quicktok:{encoding}"
    try:
        info = catalog.find(name)
    except Exception:
        info = None
    if info is not None and info.weights is not None:
        from ...llm.providers.embedded import model_file

        return f"gguf:{model_file(info.name.split('/', 1)[1])}"
    raise LlmworksError(
        f"No offline tokenizer for {name!r}.",
        f"Choose one of {', '.join(known())}, a .gguf file, or a Hugging Face folder with tokenizer.json.",
    )


def _encoding_of(name: str) -> str | None:
    if name in ("cl100k_base", "o200k_base", "llama3"):
        return name
    family = max((f for f in ENCODINGS if name == f or name.startswith(f + "-")), key=len, default=None)
    return ENCODINGS[family] if family else None


@lru_cache(maxsize=8)
def _load(key: str) -> Tokenizer:
    kind, _, where = key.partition(":")
    if kind == "quicktok":
        import quicktok

        return Tokenizer(key, f"quicktok {where}", quicktok.get_encoding(where), "quicktok")
    _quiet_transformers()
    from transformers import AutoTokenizer

    if kind == "hf":
        return Tokenizer(key, f"Hugging Face {where}", AutoTokenizer.from_pretrained(where), "hf")
    gguf = Path(where)
    cache = _cache_dir(gguf)
    if (cache / "tokenizer_config.json").is_file():
        tok = AutoTokenizer.from_pretrained(cache)
    else:  # converting a GGUF vocabulary takes seconds (150k entries for Qwen): once, then from the saved copy
        tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        from ...files import atomic_path

        with atomic_path(cache) as tmp:
            tok.save_pretrained(tmp)
    return Tokenizer(key, f"GGUF {gguf.name}", tok, "hf", str(gguf))


def _cache_dir(gguf: Path) -> Path:
    from ...files import data_dir

    st = gguf.stat()
    return data_dir("lab", "tokenizers") / f"{gguf.stem}-{st.st_size}"


def _quiet_transformers() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a folder path must never turn into a Hub download
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte-level alphabet, reversed: 'Ġ' → 0x20 (the tokens of byte-level BPE vocabularies)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def _hf_bytes(tok, token_id: int) -> bytes:
    piece = tok.convert_ids_to_tokens(token_id)
    table = _byte_decoder()
    if piece in tok.all_special_tokens or not all(ch in table for ch in piece):
        return tok.decode([token_id]).encode("utf-8")  # a special or non-byte-level token: its text
    return bytes(table[ch] for ch in piece)


def _text_of(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "<" + " ".join(f"{b:02x}" for b in raw) + ">"
