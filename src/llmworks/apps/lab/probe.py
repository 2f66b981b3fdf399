"""One measured run of one model on one runtime, in a process of its own so that its peak memory is its own.

    python -m llmworks.apps.lab.probe '{"backend": "llama.cpp", "gguf": "…/SmolLM2.gguf", "prompt": "Hi", …}'

Prints JSON lines on stdout: {"delta": text} while the reply streams, then {"result": {...}} (see inference.Row).
Perplexity is teacher-forced on the same token ids in both runtimes: llama.cpp reports the log-probability of a
token forced by logit_bias from the raw logits, so one 1-token completion a position (its prefix cached) scores it.
"""

from __future__ import annotations

import json
import math
import resource
import sys
import threading
import time
from collections.abc import Callable

CTX = 2048
FORCE = 100.0
"""logit_bias that makes the sampler pick the scored token; its reported log-probability is from the raw logits."""


def rss_mb() -> float:
    """Peak resident memory of this process so far, MB. Linux's VmHWM starts afresh at exec; ru_maxrss (the
    fallback elsewhere) would carry over the parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def perplexity(logprobs: list[float]) -> float:
    return math.exp(-sum(logprobs) / len(logprobs))


def run(args: dict, emit: Callable[[dict], None]) -> dict:
    """Load, generate (streaming each delta through `emit`), score the perplexity text; the measured row."""
    ids = args.get("ppl_ids") or []  # tokenized by the parent: the llama.cpp process never imports transformers
    base = rss_mb()
    runner = LlamaCpp if args["backend"] == "llama.cpp" else Transformers
    t0 = time.perf_counter()
    engine = runner(args["gguf"], args.get("threads") or 2)
    load_s = time.perf_counter() - t0
    messages = [{"role": "user", "content": args["prompt"]}]
    t0 = time.perf_counter()
    first, pieces = None, []
    for piece in engine.stream(messages, args["max_tokens"]):
        if first is None:
            first = time.perf_counter()
        pieces.append(piece)
        emit({"delta": piece})
    end = time.perf_counter()
    text = "".join(pieces)
    n_out = engine.output_tokens
    speed = (n_out - 1) / (end - first) if first is not None and n_out > 1 and end > first else None
    ppl = perplexity(engine.score(ids)) if len(ids) > 1 else None
    return {
        "load_s": load_s,
        "base_rss_mb": base,
        "peak_rss_mb": rss_mb(),
        "ttft_s": None if first is None else first - t0,
        "tokens_per_s": speed,
        "output_tokens": n_out,
        "perplexity": ppl,
        "ppl_tokens": max(0, len(ids) - 1),
        "text": text,
    }


class LlamaCpp:
    """The GGUF as it is (quantized), on llama.cpp through xllamacpp."""

    def __init__(self, path: str, threads: int):
        import xllamacpp as xlc

        params = xlc.CommonParams()
        params.model.path = path
        params.n_ctx = CTX
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
        params.n_parallel = 1
        params.warmup = False
        params.verbosity = -1
        self.server = xlc.Server(params)
        self.output_tokens = 0

    def stream(self, messages: list[dict], max_tokens: int):
        import queue

        chunks: queue.Queue = queue.Queue()
        payload = {"messages": messages, "max_tokens": max_tokens, "temperature": 0, "stream": True}
        worker = threading.Thread(
            target=lambda: (
                self.server.handle_chat_completions(payload, lambda c: chunks.put(c) and False),
                chunks.put(None),
            ),
            daemon=True,
        )
        worker.start()
        while (chunk := chunks.get()) is not None:
            if "error" in chunk:
                raise RuntimeError(chunk["error"].get("message", chunk["error"]))
            delta = ((chunk.get("choices") or [{}])[0].get("delta") or {}).get("content")
            if delta:
                yield delta
            if chunk.get("timings"):
                self.output_tokens = chunk["timings"].get("predicted_n", self.output_tokens)
        worker.join()

    def score(self, ids: list[int]) -> list[float]:
        out = []
        for i in range(1, len(ids)):
            r = self.server.handle_completions(
                {
                    "prompt": ids[:i],
                    "max_tokens": 1,
                    "temperature": 0,
                    "logprobs": 1,
                    "logit_bias": {str(ids[i]): FORCE},
                }
            )
            if "error" in r:
                raise RuntimeError(r["error"].get("message", r["error"]))
            token = r["choices"][0]["logprobs"]["content"][0]
            if token["id"] != ids[i]:
                raise RuntimeError(f"llama.cpp did not take the forced token {ids[i]} (took {token['id']})")
            out.append(token["logprob"])
        return out


class Transformers:
    """The GGUF dequantized to float32 weights in transformers (PyTorch on the CPU)."""

    def __init__(self, path: str, threads: int):
        import os
        from pathlib import Path

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForCausalLM
        from transformers.utils import logging

        from .tokenizers import tokenizer

        logging.set_verbosity_error()
        logging.disable_progress_bar()
        torch.set_num_threads(threads)
        self.torch = torch
        self.tok = tokenizer(path).backend
        p = Path(path)
        self.model = AutoModelForCausalLM.from_pretrained(str(p.parent), gguf_file=p.name, dtype=torch.float32).eval()
        self.output_tokens = 0

    def stream(self, messages: list[dict], max_tokens: int):
        from transformers import TextIteratorStreamer

        ids = self.tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        streamer = TextIteratorStreamer(self.tok, skip_prompt=True, skip_special_tokens=True)
        result: dict = {}

        def work():
            with self.torch.inference_mode():
                result["out"] = self.model.generate(
                    **ids,
                    max_new_tokens=max_tokens,
                    do_sample=False,
                    streamer=streamer,
                    pad_token_id=self.tok.eos_token_id,
                )

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        yield from (piece for piece in streamer if piece)
        worker.join()
        self.output_tokens = int(result["out"].shape[1] - ids["input_ids"].shape[1])

    def score(self, ids: list[int]) -> list[float]:
        torch = self.torch
        with torch.inference_mode():
            logits = self.model(torch.tensor([ids])).logits[0, :-1].float()
        logprobs = torch.log_softmax(logits, dim=-1)
        return logprobs[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].tolist()


def main() -> None:
    args = json.loads(sys.argv[1])

    def emit(item: dict) -> None:
        print(json.dumps(item), flush=True)

    try:
        emit({"result": run(args, emit)})
    except Exception as e:  # reported to the parent, which turns it into a warning row
        emit({"error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
