"""The terminal renderer: any app's events, shown the same way for every command.

    done = render(summarize.run(url), usage=True)       # progress on stderr, the reply streamed to stdout

Progress and tool steps go to stderr (dim; warnings yellow) so stdout holds only the reply and can be piped
to a file. On a terminal the reply is shown as markdown while it streams; otherwise it is the raw text. The
usage line is formatted here once (`usage_parts`), for the CLI and the workbench alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..events import Delta, Done, Progress, ToolStep
from ..text import one_line, printable

PLAIN = {"markup": False, "highlight": False, "soft_wrap": True}  # as it is: no [tags], colours or wrapping
TOOL_RESULT_CHARS = 80  # a tool step is one line: the gist of its result, not a page of JSON


def render(
    events: Iterable,
    *,
    usage: bool = False,
    as_json: Callable[[Any], Any] | None = None,
    console=None,
    err_console=None,
) -> Done:
    """Show an app's events; return its Done. With `as_json`, stdout gets only `as_json(result)` as JSON."""
    from rich.console import Console

    out = console or Console(highlight=False, soft_wrap=True)
    err = err_console or Console(stderr=True, highlight=False, soft_wrap=True)
    reply = _Reply(out, markdown=out.is_terminal) if as_json is None else None
    done = None
    try:
        for event in events:
            if isinstance(event, Delta):
                if reply:
                    reply.add(event.text)
                continue
            if reply:  # progress and tool lines start on a fresh line, after what was written so far
                reply.end()
            if isinstance(event, Progress):
                if event.warning:  # the word, not only the colour: stderr is often a log file
                    err.print(one_line(f"Warning: {event.text}"), style="yellow", **PLAIN)
                else:
                    err.print(one_line(event.text), style="dim", **PLAIN)
            elif isinstance(event, ToolStep):
                err.print(tool_line(event), style="dim" if event.error is None else "yellow", **PLAIN)
            elif isinstance(event, Done):
                done = event
    finally:  # an error or Ctrl-C mid-reply: keep what was written, end its line, stop the live view
        if reply:
            reply.end()
    if done is None:
        raise RuntimeError("the app ended without a Done event")  # a bug in the app, not the user's doing
    if as_json is not None:
        out.print(json.dumps(as_json(done.result), allow_nan=False), **PLAIN)
    if usage:
        err.print(usage_line(done), style="dim", **PLAIN)
    return done


def tool_line(step: ToolStep) -> str:
    """'→ get_price(city='Paris') = $899', one line; an error step shows '! the error' instead."""
    args = ", ".join(f"{k}={v!r}" for k, v in step.arguments.items())
    outcome = f"! {step.error}" if step.error is not None else f"= {step.result}"
    line = one_line(f"→ {step.name}({args}) {outcome}")
    limit = len(step.name) + len(args) + 6 + TOOL_RESULT_CHARS
    return line if len(line) <= limit else line[: limit - 1] + "…"


def usage_parts(done: Done) -> tuple[str, list[str]]:
    """(who, details) of the usage line: tokens and cost summed over every model call the app made; the model,
    timing and speed of its reply when the result carries that reply as `.response` (an `llm.Response`)."""
    r = getattr(done.result, "response", None)
    model = getattr(r, "model", None)
    u = done.usage if done.calls or r is None else r.usage  # not metered: the reply's own usage
    who = model or ("no model call" if not done.calls else f"{done.calls} model calls")
    parts = [f"{u.input_tokens:,} in / {u.output_tokens:,} out tokens", u.cost_text(6)]
    if model and done.calls > 1:
        parts[0] += f" over {done.calls} calls"
    if r is not None and getattr(r, "duration_s", None) is not None:
        parts.append(f"{r.duration_s:.2f} s")
        if r.ttft_s is not None:
            parts.append(f"first token {r.ttft_s:.2f} s")
        if r.tokens_per_s:
            parts.append(f"{r.tokens_per_s:.1f} tok/s")
        # why a reply ended, when it was not the model's own choice: 'length' (the max_tokens cap),
        # 'repetition' (the loop guard), 'cancelled'
        if r.finish_reason not in (None, "stop", "tool_calls"):
            parts.append(f"ended by {r.finish_reason}")
    return who, parts


def usage_line(done: Done) -> str:
    """'[local/smollm2: 36 in / 17 out tokens, $0.000000, 0.62 s, first token 0.05 s, 40.1 tok/s]'."""
    who, parts = usage_parts(done)
    return one_line(f"[{who}: {', '.join(parts)}]")


class _Reply:
    """The reply on stdout. As markdown on a terminal: finished blocks (paragraphs, lists, closed code fences)
    are printed once and only the block being written is redrawn live, so a long reply never redraws the
    screen."""

    def __init__(self, console, *, markdown: bool):
        self.console, self.markdown = console, markdown
        self.pending, self.live, self.wrote = "", None, False

    def add(self, text: str) -> None:
        text = printable(text)  # a model echoing ESC sequences must not drive the terminal
        if not text:
            return
        self.wrote = True
        if not self.markdown:
            self.console.file.write(text)
            self.console.file.flush()
            self.pending = text[-1:]
            return
        self.pending += text
        done, self.pending = _finished_blocks(self.pending)
        if done:
            self._close_live()
            self._print(done)
        if self.pending.strip():
            from rich.live import Live
            from rich.markdown import Markdown

            if self.live is None:
                self.live = Live(console=self.console, auto_refresh=False, transient=True, vertical_overflow="visible")
                self.live.start()
            self.live.update(Markdown(self.pending), refresh=True)

    def end(self) -> None:
        """The reply (or this part of it) is over: the last line is finished."""
        if not self.wrote:
            return
        if self.markdown:
            self._close_live()
            if self.pending.strip():
                self._print(self.pending)
        elif self.pending != "\n":
            self.console.file.write("\n")
            self.console.file.flush()
        self.pending, self.wrote = "", False

    def _print(self, text: str) -> None:
        from rich.markdown import Markdown

        self.console.print(Markdown(text), soft_wrap=False)  # wrapped at word boundaries, not by the terminal

    def _close_live(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None


_FENCE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)


def _finished_blocks(text: str) -> tuple[str, str]:
    """Split markdown into (complete blocks, the block still being written) at the last blank line outside a
    code fence."""
    cut = 0
    for m in re.finditer(r"\n[ \t]*\n", text):
        if len(_FENCE.findall(text[: m.start()])) % 2 == 0:  # not inside an open ``` block
            cut = m.end()
    return text[:cut], text[cut:]
