"""The workbench renderer: any app's events as Gradio updates, the same way for every tab.

    for view in chat_messages(bot.run(message), chatbot_history):
        yield view.messages, view.status            # chatbot messages, the status line
    for view in markdown(summarize.run(url)):
        yield view.text, view.status                 # markdown output, the status line

A delta grows the reply; a tool step is a collapsible message ("🛠️ Used tool …"); progress is the status
line; text after a tool step or a progress line starts a new message (the next speaker in a debate). At the
end the status is the usage line (the CLI's, `commands.render.usage_parts`) and `view.done` the app's Done
(None before that, and after an error). An error ends the stream as an "**Error:** …" status (and a "⚠️ …"
reply in a chat), never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from ..events import Delta, Done, Progress, ToolStep
from .common import error_markdown, error_message

TOOL_TEXT_CHARS = 2000  # a tool's result in its bubble; the rest is cut (a page of JSON helps nobody)


class ChatView(NamedTuple):
    messages: list[dict]
    status: str
    done: Done | None = None


class MarkdownView(NamedTuple):
    text: str
    status: str
    done: Done | None = None


def usage_text(done: Done) -> str:
    """The CLI's usage line for a status bar: 'local/smollm2 · 120 in / 45 out tokens · $0.000000 · …'."""
    from ..commands.render import usage_parts

    who, parts = usage_parts(done)
    return " · ".join([who, *parts])


def tool_message(step: ToolStep) -> dict:
    """A collapsed chat message for one tool call: the title names the tool, the body its arguments and
    result."""
    args = ", ".join(f"{k}={v!r}" for k, v in step.arguments.items())
    outcome = f"Error: {step.error}" if step.error is not None else str(step.result)
    if len(outcome) > TOOL_TEXT_CHARS:
        outcome = outcome[:TOOL_TEXT_CHARS] + "…"
    mark = "⚠️" if step.error is not None else "🛠️"
    return {
        "role": "assistant",
        "content": f"`{step.name}({args})`\n\n{outcome}",
        "metadata": {"title": f"{mark} Used tool {step.name}", "status": "done"},
    }


def chat_messages(events: Iterable, history: list[dict] | None = None) -> Iterator[ChatView]:
    """Chatbot messages (`history` + what the app says) and a status line, updated at every event."""
    messages = list(history or [])
    reply: dict | None = None  # the assistant message being written
    wrote, status = False, "…"
    try:
        for event in events:
            if isinstance(event, Delta):
                wrote = True
                if reply is None:
                    reply = {"role": "assistant", "content": ""}
                    messages.append(reply)
                reply = {"role": "assistant", "content": reply["content"] + event.text}
                messages[-1] = reply  # a new dict: Gradio compares values to find what changed
            elif isinstance(event, ToolStep):
                messages.append(tool_message(event))
                reply = None  # text after a tool call is a new message, below the step
            elif isinstance(event, Progress):
                status = ("⚠️ " if event.warning else "") + event.text
                reply = None  # a new step (the next speaker, say): its text is a new message
            elif isinstance(event, Done):
                if not wrote and _result_text(event.result):  # a reply that came whole, not streamed
                    messages.append({"role": "assistant", "content": _result_text(event.result)})
                yield ChatView(list(messages), usage_text(event), event)
                return
            yield ChatView(list(messages), status)
    except Exception as e:  # shown in the tab, never as a traceback
        messages.append({"role": "assistant", "content": f"⚠️ {error_message(e)}"})
        yield ChatView(messages, error_markdown(e))


def markdown(events: Iterable, *, progress_log: bool = False) -> Iterator[MarkdownView]:
    """The reply as markdown and a status line; with `progress_log` the status keeps every progress line as a
    list (what a long pipeline did), the usage line last."""
    text, log = "", []
    status = "…"
    try:
        for event in events:
            if isinstance(event, Delta):
                text += event.text
            elif isinstance(event, ToolStep):
                log.append(f"🛠️ {tool_message(event)['content'].splitlines()[0]}")
                status = _status(log, progress_log)
            elif isinstance(event, Progress):
                log.append(("⚠️ " if event.warning else "") + event.text)
                status = _status(log, progress_log)
            elif isinstance(event, Done):
                log.append(usage_text(event))
                yield MarkdownView(text or _result_text(event.result), _status(log, progress_log), event)
                return
            yield MarkdownView(text, status)
    except Exception as e:
        log.append(error_markdown(e))
        yield MarkdownView(text, _status(log, progress_log) if progress_log else error_markdown(e))


def _status(log: list[str], keep: bool) -> str:
    return "\n".join(f"- {line}" for line in log) if keep else log[-1]


def _result_text(result: Any) -> str:
    """An app that streamed nothing may still have a text result (a non-streaming reply)."""
    text = getattr(result, "text", result)
    return text if isinstance(text, str) else ""
