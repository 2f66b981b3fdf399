"""One streamed chat completion against an OpenAI-compatible server, timed as vLLM's benchmark client times it
(vllm/benchmarks/lib/endpoint_request_func.py, `async_request_openai_chat_completions`), over httpx."""

from __future__ import annotations

import json
import time

import httpx

from .metrics import RequestOutput

ERROR_CHARS = 300


def chat_url(url: str) -> str:
    """The chat-completions endpoint from a server URL: 'http://h:8000', '…/v1' or the endpoint itself."""
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return url + ("/chat/completions" if url.endswith("/v1") else "/v1/chat/completions")


def models_url(url: str) -> str:
    return chat_url(url).removesuffix("/chat/completions") + "/models"


def payload(
    model: str,
    prompt: str,
    max_tokens: int,
    *,
    ignore_eos: bool = False,
    temperature: float | None = None,
    extra_body: dict | None = None,
) -> dict:
    """vLLM's request body; `max_tokens` is sent under both names (older servers read only the old one);
    `extra_body`: server-specific fields added as they are (e.g. llama.cpp's sampler settings)."""
    body = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "max_completion_tokens": max_tokens,
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if temperature is not None:  # 0: the same tokens from two servers of one model, for a like-for-like run
        body["temperature"] = temperature
    if ignore_eos:  # vLLM and llama.cpp: generate exactly max_tokens, for a fixed output length
        body["ignore_eos"] = True
    return {**body, **(extra_body or {})}


async def request(client: httpx.AsyncClient, url: str, body: dict, headers: dict[str, str]) -> RequestOutput:
    """Send one request and time its stream; any failure is recorded on the output, never raised."""
    out = RequestOutput()
    start = last = time.perf_counter()
    try:
        async with client.stream("POST", url, json=body, headers=headers) as response:
            if response.status_code != 200:
                text = (await response.aread()).decode("utf-8", "replace")
                out.error = f"HTTP {response.status_code}: {' '.join(text.split())[:ERROR_CHARS]}"
                return out
            async for line in response.aiter_lines():
                line = line.strip()
                if not line.startswith("data:"):  # blank separators, ': ping' comments, 'event:' fields
                    continue
                data = line.removeprefix("data:").strip()
                if data == "[DONE]":
                    break
                now = time.perf_counter()
                message = json.loads(data)
                if message.get("error"):
                    out.error = f"server error mid-stream: {json.dumps(message['error'])[:ERROR_CHARS]}"
                    return out
                if choices := message.get("choices"):
                    if out.success:
                        out.itl.append(now - last)
                    else:  # the first message with choices, even one whose text is empty, ends the TTFT
                        out.success, out.ttft = True, now - start
                    last = now  # only token messages move the end; the trailing usage message does not
                    out.text += (choices[0].get("delta") or {}).get("content") or ""
                if usage := message.get("usage"):
                    out.output_tokens = usage.get("completion_tokens") or out.output_tokens
                    out.prompt_tokens = usage.get("prompt_tokens") or out.prompt_tokens
        if not out.success:
            out.error = "the stream ended without a single token"
        out.latency = last - start
    except (httpx.HTTPError, json.JSONDecodeError, OSError) as e:
        out.success = False
        out.error = f"{type(e).__name__}: {e}"[:ERROR_CHARS] if str(e) else type(e).__name__
    return out
