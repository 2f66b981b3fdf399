"""The local inference lab: one prompt on each embedded model as shipped (quantized GGUF on llama.cpp) and on a
dequantized float32 copy in transformers, with what each costs and saves: load time, peak memory, time to first
token, speed, and perplexity on a fixed paragraph.

    report = result(run("Name three colours.", ["local/smollm2"]))
    for row in report.rows: print(row.model, row.runtime, row.peak_rss_mb, row.perplexity)

Each run is a child process (probe.py), so every peak memory figure is that run's own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from ...errors import LlmworksError
from ...events import Delta, Done, Event, Progress, app
from .tokenizers import tokenizer

MODELS = ("local/smollm2", "local/qwen2.5-0.5b")
"""Run by default: the 1.5B's float32 copy needs ~6 GB and minutes to dequantize on two cores (pass it with -m)."""
MAX_TOKENS = 48
PARAGRAPH = (
    "The library opens at nine in the morning and closes at six in the evening. Visitors may borrow up to five "
    "books at a time for three weeks. Books that are returned late are charged a small fee for each day. The "
    "reading room on the second floor is kept quiet, and laptops are welcome there. Children's books are on the "
    "ground floor, next to the café, where story time is held every Saturday morning."
)
"""The fixed paragraph perplexity is measured on: plain English, written for this lab (no licence needed)."""
RUNTIMES = ("llama.cpp", "transformers")


@dataclass
class Row:
    """One model on one runtime."""

    model: str
    runtime: str
    weights: str
    """'Q4_1 (98 MB)', 'float32 (538 MB)': what the runtime computes with."""
    load_s: float | None = None
    base_rss_mb: float | None = None
    """The process before the model loaded (Python, the runtime's libraries)."""
    peak_rss_mb: float | None = None
    ttft_s: float | None = None
    tokens_per_s: float | None = None
    output_tokens: int = 0
    perplexity: float | None = None
    ppl_tokens: int = 0
    text: str = ""
    error: str | None = None


@dataclass
class LabReport:
    prompt: str
    rows: list[Row]


@app
def run(
    prompt: str,
    models: list[str] | None = None,
    *,
    gguf: list[str] | None = None,
    runtimes: tuple[str, ...] = RUNTIMES,
    max_tokens: int = MAX_TOKENS,
    paragraph: str | None = PARAGRAPH,
    threads: int | None = None,
) -> Iterator[Event]:
    """Run `prompt` on each model (catalog names) and GGUF file, on each runtime; stream the replies as they come."""
    if not prompt.strip():
        raise LlmworksError("No prompt given.", 'Pass one, e.g. llmworks lab run "Name three colours."')
    unknown = set(runtimes) - set(RUNTIMES)
    if unknown:
        raise LlmworksError(f"Unknown runtime {sorted(unknown)[0]!r}.", f"Choose from {', '.join(RUNTIMES)}.")
    targets = [(m, _path_of(m)) for m in (models if models is not None or gguf else MODELS) or []]
    targets += [(Path(p).name, _gguf_file(p)) for p in gguf or []]
    if not targets:
        raise LlmworksError("No model to run.", "Pass -m local/smollm2 or --gguf PATH.")
    rows = []
    for name, path in targets:
        ids = []
        if paragraph:
            yield Progress(f"{name}: tokenizing the perplexity paragraph")
            ids = tokenizer(str(path)).encode(paragraph)  # the same ids for both runtimes
        for runtime in runtimes:
            yield Progress(f"{name} on {runtime}: loading {_weights(path, runtime)}")
            row = Row(name, runtime, _weights(path, runtime))
            args = {
                "backend": runtime,
                "gguf": str(path),
                "prompt": prompt,
                "max_tokens": max_tokens,
                "ppl_ids": ids,
                "threads": threads,
            }
            yield from _probe(args, row)
            if row.error:
                yield Progress(f"{name} on {runtime} failed: {row.error}", warning=True)
            rows.append(row)
    yield Done(LabReport(prompt, rows))


def _probe(args: dict, row: Row) -> Iterator[Event]:
    """Run probe.py in a child process; stream its deltas, fill `row` from its result line."""
    cmd = [sys.executable, "-m", "llmworks.apps.lab.probe", json.dumps(args)]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            for line in child.stdout:
                try:
                    item = json.loads(line)
                except ValueError:
                    continue  # a library printing to stdout
                if "delta" in item:
                    yield Delta(item["delta"])
                elif "result" in item:
                    known = {f.name for f in fields(Row)}
                    for key, value in item["result"].items():
                        if key in known:
                            setattr(row, key, value)
                elif "error" in item:
                    row.error = item["error"]
        finally:
            if child.poll() is None:  # the caller stopped listening: stop the run too
                child.kill()
        stderr = child.stderr.read() if child.stderr else ""
    if row.peak_rss_mb is None and row.error is None:
        row.error = (stderr.strip().splitlines() or ["the run ended without a result"])[-1]


def _path_of(model: str) -> Path:
    from ...llm import catalog
    from ...llm.providers.embedded import model_file

    info = catalog.find(model)
    if not info.embedded:
        raise LlmworksError(
            f"{model} is not an embedded model: the lab runs local GGUF files.",
            "Pick local/smollm2, local/qwen2.5-0.5b or local/qwen2.5-1.5b, or pass --gguf PATH.",
        )
    return model_file(info.name.split("/", 1)[1])


def _gguf_file(path: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_file() or p.suffix != ".gguf":
        raise LlmworksError(f"No GGUF file at {p}.", "Pass the path of a .gguf model file.")
    return p


def _weights(path: Path, runtime: str) -> str:
    quant, params = _gguf_facts(str(path))
    if runtime == "llama.cpp":
        return f"{quant} ({path.stat().st_size / 1e6:,.0f} MB)"
    return f"float32 ({params * 4 / 1e6:,.0f} MB)"


@lru_cache(maxsize=16)
def _gguf_facts(path: str) -> tuple[str, int]:
    """(quantization type, parameter count) from the GGUF header."""
    from gguf import GGUFReader, LlamaFileType

    reader = GGUFReader(path)
    field = reader.fields.get("general.file_type")
    quant = LlamaFileType(int(field.parts[field.data[0]][0])).name.removeprefix("MOSTLY_") if field else "?"
    return quant, sum(int(t.n_elements) for t in reader.tensors)
