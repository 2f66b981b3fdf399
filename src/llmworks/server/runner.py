"""A model call on a worker thread, read from the event loop: text deltas as they come, then the Response.

Stopping is cooperative: when the client goes away the reader sets `cancel`, and the worker closes the llm stream
at its next delta. Closing the stream is what stops the embedded engine (the provider's generator is closed), so a
dropped connection frees the one engine within a token instead of at the reply's cap.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass

from .. import llm
from ..llm import Request, Response


@dataclass
class Delta:
    text: str


class Call:
    """One running model call. Iterate for Delta then the final Response; `cancel()` stops it early."""

    def __init__(self, model: str, request: Request, *, stream_text: bool):
        self.model, self.request = model, request
        # free text streams token by token; tools and schemas are decided whole (constrained decoding, tool choice)
        self.stream_text = (
            stream_text and request.schema is None and not (request.tools and request.tool_choice != "none")
        )
        self._cancel = threading.Event()
        self._queue: asyncio.Queue = asyncio.Queue()
        self.done: asyncio.Future | None = None

    def start(self) -> Call:
        loop = asyncio.get_running_loop()
        put = lambda item: loop.call_soon_threadsafe(self._queue.put_nowait, item)  # noqa: E731
        self.done = loop.run_in_executor(None, self._work, put)
        return self

    def _work(self, put) -> None:
        try:
            if not self.stream_text:
                put(llm.complete(self.request, model=self.model))
                return
            stream = llm.Stream(llm.get_model(self.model), self.request)
            parts = iter(stream)
            for text in parts:
                put(Delta(text))
                if self._cancel.is_set():
                    parts.close()  # GeneratorExit reaches the provider: generation stops
                    break
            if stream.response is not None:
                put(stream.response)
        except BaseException as e:  # handed to the reader, who turns it into an HTTP error
            put(e)
        finally:
            put(None)

    def cancel(self) -> None:
        self._cancel.set()

    async def events(self) -> AsyncIterator[Delta | Response]:
        while (item := await self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
