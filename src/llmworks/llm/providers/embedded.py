"""Embedded GGUF models run in-process by llama.cpp (the `xllamacpp` binding: prebuilt wheels, no compiling).

The model files ship inside PyPI packages (catalog.MODELS says which), so `local/...` models work offline.
Tool choice and structured output use JSON-schema constrained decoding: even a 135M model then returns valid JSON.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from .. import catalog
from ..errors import ContextWindowError, LLMError, ModelOutputError
from ..types import Completion, Message, Request, ToolCall
from . import Model

ANSWER = "answer_directly"
"""The pseudo-tool the model picks when no tool fits (tool_choice='auto')."""
_streams: dict[threading.Thread, threading.Event] = {}
"""Generations in flight. At exit they are stopped and awaited: llama.cpp aborts the process ("exception not
rethrown") if the interpreter shuts down under a generating thread."""
_slot: dict = {}
"""The one resident engine: {"key": (path, n_ctx, threads), "server": xllamacpp.Server}. Two 1.5B engines would
double the memory, and two cores cannot run two generations faster than one after the other."""
_busy = threading.Lock()
"""Held for each generation and while the slot changes model: a switch waits for the reply in flight to end
(every embedded reply is capped) instead of pulling the engine from under it."""
ANTI_LOOP = {"dry_multiplier": 0.8, "dry_base": 1.75, "dry_allowed_length": 2}
"""llama.cpp's DRY sampler for free text: penalizes extending a span that already occurred, the loop small models
fall into, without the repeat penalty's harm to ordinary repeated words. Not for JSON: its keys must repeat."""


@atexit.register
def _stop_streams() -> None:
    for thread, stop in list(_streams.items()):
        stop.set()
        thread.join(timeout=10)


def model_file(short_name: str) -> Path:
    """Path of a local model: a catalog model by short name (its parts joined once if need be), or a .gguf path."""
    if short_name.endswith(".gguf"):
        path = Path(short_name).expanduser()
    else:
        from ...config import get_settings
        from ..weights import locate

        info = catalog.find(f"local/{short_name}")
        if info.weights is None:
            raise LLMError(f"local/{short_name} names no embedded model; see `llmworks models`.")
        path = locate(info.weights, get_settings().models_path)
    if not path.is_file():
        raise LLMError(f"Model file not found: {path}")
    return path


def resident() -> str | None:
    """Path of the model file loaded now, if any."""
    key = _slot.get("key")
    return key[0] if key else None


def _load(path: str, n_ctx: int, threads: int | None):
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = path
    params.n_ctx = n_ctx
    # llama.cpp's threads spin while they wait for each other: more threads than free cores is much slower
    threads = threads or max(1, min(4, os.cpu_count() or 1))
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.n_parallel = 1
    params.warmup = False
    params.verbosity = -1  # llama.cpp logs every slot event otherwise
    return xlc.Server(params)


class EmbeddedModel(Model):
    streams_cheaply = True

    def __init__(
        self, name: str, context_window: int = 8192, *, threads: int | None = None, max_output: int | None = None
    ):
        self.name = name
        self.context_window = context_window
        self.threads = threads
        self.max_output = max_output or catalog.find(name).max_output or catalog.LOCAL_CAP
        self.path = model_file(name.split("/", 1)[1])

    def _server(self):
        """This model's engine, loaded into the one slot (the previous model freed first). Call with _busy held."""
        key = (str(self.path), self.context_window, self.threads)
        if _slot.get("key") != key:
            _slot.clear()
            gc.collect()  # the old engine's memory goes back before the new one maps its weights
            _slot.update(key=key, server=_load(*key))
        return _slot["server"]

    @property
    def _engine(self):
        """(server, lock) with this model resident; generate only while holding the lock."""
        with _busy:
            return self._server(), _busy

    # -- requests -------------------------------------------------------------------------------------------

    def _payload(self, request: Request, messages: list[Message], schema: dict | None) -> dict:
        # the client fills in the cap; this default covers callers of the provider itself
        payload: dict = {"messages": messages, "max_tokens": request.max_tokens or self.max_output}
        if request.temperature is not None:
            payload["temperature"] = request.temperature
        if schema is not None:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": _grammar_safe(schema)},
            }
        else:
            payload.update(ANTI_LOOP)
        return payload

    def _run(self, payload: dict, callback=None) -> dict:
        with _busy:  # one engine: requests from UI threads take turns
            server = self._server()
            result = (
                server.handle_chat_completions(payload, callback)
                if callback
                else server.handle_chat_completions(payload)
            )
        if isinstance(result, dict) and "error" in result:
            self._raise(result["error"])
        return result

    def _raise(self, error: dict):
        if error.get("type") == "exceed_context_size_error":
            raise ContextWindowError(self.name, int(error.get("n_prompt_tokens", 0)), int(error.get("n_ctx", 0)))
        raise LLMError(f"{self.name}: {error.get('message', error)}")

    def complete(self, request: Request) -> Completion:
        if request.tools and request.tool_choice != "none":
            return self._choose_tool(request)
        messages = _plain_messages(request.messages)
        result = self._run(self._payload(request, messages, request.schema))
        choice = result["choices"][0]
        usage = result.get("usage", {})
        return Completion(
            text=choice["message"].get("content") or "",
            input_tokens=usage.get("prompt_tokens", 0),
            output_tokens=usage.get("completion_tokens", 0),
            finish_reason=choice.get("finish_reason"),
        )

    def stream(self, request: Request) -> Iterator[str | Completion]:
        if request.tools and request.tool_choice != "none":
            yield from super().stream(request)
            return
        payload = self._payload(request, _plain_messages(request.messages), request.schema)
        payload["stream"] = True
        chunks: queue.Queue = queue.Queue()
        stop = threading.Event()
        done = object()

        def on_chunk(chunk) -> bool:
            chunks.put(chunk)
            return stop.is_set()  # True asks llama.cpp to stop generating (the reader went away)

        def work():
            try:
                self._run(payload, on_chunk)
            except BaseException as e:  # handed to the reader
                chunks.put(e)
            finally:
                _streams.pop(threading.current_thread(), None)
            chunks.put(done)

        worker = threading.Thread(target=work, daemon=True, name="llmworks-embedded")
        _streams[worker] = stop
        worker.start()
        completion = Completion()
        try:
            while (chunk := chunks.get()) is not done:
                if isinstance(chunk, BaseException):
                    raise chunk
                if "error" in chunk:
                    self._raise(chunk["error"])
                choice = (chunk.get("choices") or [{}])[0]
                delta = (choice.get("delta") or {}).get("content")
                if delta:
                    completion.text += delta
                    completion.output_tokens += 1
                    yield delta
                if choice.get("finish_reason"):
                    completion.finish_reason = choice["finish_reason"]
                timings = chunk.get("timings")
                if timings:
                    completion.input_tokens = timings.get("prompt_n", 0) + timings.get("cache_n", 0)
                    completion.output_tokens = timings.get("predicted_n", completion.output_tokens)
        finally:
            stop.set()
        yield completion

    # -- tools ----------------------------------------------------------------------------------------------

    def _choose_tool(self, request: Request) -> Completion:
        """Two constrained steps: pick a tool name (or answer_directly), then fill that tool's arguments.
        One combined any-of schema made SmolLM2 pick the first tool for everything (46/46 requests, measured)."""
        tools = request.tools
        if request.tool_choice not in ("auto", "required"):
            tools = [t for t in tools if t.name == request.tool_choice]
            if not tools:
                raise LLMError(f"tool_choice {request.tool_choice!r} is not one of the tools given")
        messages = _plain_messages(request.messages)
        spent = Completion()
        if len(tools) == 1 and request.tool_choice != "auto":
            tool = tools[0]
        else:
            names = [t.name for t in tools] + ([ANSWER] if request.tool_choice == "auto" else [])
            listing = "\n".join(f"- {t.name}: {t.description}" for t in tools)
            if request.tool_choice == "auto":
                listing += f"\n- {ANSWER}: no tool fits; reply to the user yourself"
            hint = "Pick the action that serves the user's last message."
            if request.tool_choice == "auto" and any(m.get("role") == "tool" for m in request.messages):
                hint += f" If the tool results already answer it, pick {ANSWER}."
            picked = self._constrained(
                messages + [{"role": "system", "content": f"{hint}\nActions:\n{listing}"}],
                {"type": "object", "properties": {"action": {"enum": names}}, "required": ["action"]},
                spent,
            )
            if picked["action"] == ANSWER:
                answer = self.complete(
                    Request(messages=request.messages, temperature=request.temperature, max_tokens=request.max_tokens)
                )
                answer.input_tokens += spent.input_tokens
                answer.output_tokens += spent.output_tokens
                return answer
            tool = next(t for t in tools if t.name == picked["action"])
        guide = {
            "role": "system",
            "content": f"Call {tool.name} ({tool.description}). Fill in its arguments from the user's words.",
        }
        arguments = self._constrained(messages + [guide], _closed(tool.parameters), spent)
        call = ToolCall(name=tool.name, arguments=arguments, id="call_0")
        return Completion(
            tool_calls=[call],
            finish_reason="tool_calls",
            input_tokens=spent.input_tokens,
            output_tokens=spent.output_tokens,
        )

    def _constrained(self, messages: list[Message], schema: dict, spent: Completion) -> dict:
        """One greedy, schema-constrained reply parsed as JSON; its tokens added to `spent`."""
        reply = self.complete(Request(messages, temperature=0.0, max_tokens=256, schema=schema))
        spent.input_tokens += reply.input_tokens
        spent.output_tokens += reply.output_tokens
        raw = reply.text
        try:
            return json.loads(raw)
        except json.JSONDecodeError as e:  # constrained decoding cut short by max_tokens
            raise ModelOutputError(f"{self.name} returned unfinished JSON: {raw[:200]!r}") from e


def _closed(schema: dict) -> dict:
    """The tool's argument schema for llama.cpp's grammar: no extra keys (keeps a small model on the rails), and
    regex shorthands it ignores with only a warning (\\d, \\w, \\s) spelled out."""
    return _grammar_safe(dict(schema, additionalProperties=False) if schema.get("type") == "object" else schema)


_SHORTHANDS = {r"\d": "[0-9]", r"\w": "[A-Za-z0-9_]", r"\s": "[ \t\n]"}


def _grammar_safe(node):
    if isinstance(node, dict):
        out = {k: _grammar_safe(v) for k, v in node.items()}
        if isinstance(out.get("pattern"), str):
            for short, spelled in _SHORTHANDS.items():
                out["pattern"] = out["pattern"].replace(short, spelled)
        return out
    if isinstance(node, list):
        return [_grammar_safe(v) for v in node]
    return node


def _plain_messages(messages: list[Message]) -> list[Message]:
    """Tool turns rewritten for small models, whose chat templates know only system/user/assistant: the calls are
    dropped and their results appended to the user's message as facts to answer from."""
    out: list[Message] = []
    facts: list[str] = []
    calls: dict[str, str] = {}
    for m in messages:
        role = m.get("role")
        if role == "assistant" and m.get("tool_calls"):
            for c in m["tool_calls"]:
                calls[c.get("id", "")] = f"{c['function']['name']}({c['function'].get('arguments', '')})"
        elif role == "tool":
            call = calls.get(m.get("tool_call_id", ""), m.get("name", "tool"))
            facts.append(f"- {call} returned: {m.get('content', '')}")
        else:
            _flush(out, facts)
            out.append({"role": role, "content": m.get("content") or ""})
    _flush(out, facts)
    return out


def _flush(out: list[Message], facts: list[str]) -> None:
    if not facts:
        return
    note = "\n\nTool results (answer from these):\n" + "\n".join(facts)
    last_user = next((m for m in reversed(out) if m["role"] == "user"), None)
    if last_user is None:
        out.append({"role": "user", "content": note.strip()})
    else:
        last_user["content"] += note
    facts.clear()
