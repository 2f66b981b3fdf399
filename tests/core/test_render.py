"""The two renderers: one app's events shown by the terminal and by the workbench, with one usage line."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pytest
from rich.console import Console

from llmworks import llm
from llmworks.commands.render import _finished_blocks, render, usage_line
from llmworks.events import Delta, Done, Progress, ToolStep, app
from llmworks.llm.testing import ScriptedModel
from llmworks.ui.render import chat_messages, markdown


@dataclass
class Reply:
    text: str
    response: llm.Response | None = None


@app
def two_calls(model):
    """A small app: a structured-looking call, progress, a tool step, then a streamed reply."""
    yield Progress("Looking things up")
    llm.chat("pick", model=model)
    yield ToolStep("get_price", {"city": "Paris"}, "$899")
    yield Progress("no cache", warning=True)
    stream = llm.stream("write", model=model)
    for delta in stream:
        yield Delta(delta)
    yield Done(Reply(stream.response.text, stream.response))


def consoles():
    out, err = io.StringIO(), io.StringIO()
    return out, err, Console(file=out, width=60), Console(file=err, width=60)


def test_terminal_progress_and_tools_on_stderr_reply_on_stdout_usage_summed():
    out, err, out_console, err_console = consoles()
    model = ScriptedModel(["one two three", "The price is $899 for Paris, a long reply that wraps " * 3])
    done = render(two_calls(model), usage=True, console=out_console, err_console=err_console)
    assert out.getvalue() == done.result.text + "\n"  # raw text, unwrapped, when stdout is not a terminal
    lines = err.getvalue().splitlines()
    assert lines[:3] == ["Looking things up", "→ get_price(city='Paris') = $899", "Warning: no cache"]
    [line] = lines[3:]
    usage = done.usage
    assert usage.input_tokens > done.result.response.usage.input_tokens  # both calls, not only the reply
    assert (
        line.startswith(
            f"[test/scripted: {usage.input_tokens:,} in / {usage.output_tokens:,} out tokens "
            "over 2 calls, cost unknown, "
        )
        and "tok/s" in line
    )


def test_usage_line_is_the_chat_line_and_names_a_reply_cut_by_the_cap():
    usage = llm.Usage(1200, 5, 0.0012)
    response = llm.Response(
        "Five words and then cut", "openai/gpt-4.1-mini", usage, 0.5, ttft_s=0.1, finish_reason="length"
    )
    assert usage_line(Done(Reply(response.text, response), usage, calls=1)) == (
        "[openai/gpt-4.1-mini: 1,200 in / 5 out tokens, $0.001200, 0.50 s, first token 0.10 s, 10.0 tok/s, "
        "ended by length]"
    )
    assert usage_line(Done(None, usage, calls=3)) == "[3 model calls: 1,200 in / 5 out tokens, $0.001200]"


def test_json_output_is_only_the_result_and_never_nan():
    out, err, out_console, err_console = consoles()
    render(
        two_calls(ScriptedModel(["a", "streamed text"])),
        as_json=lambda r: {"text": r.text},
        console=out_console,
        err_console=err_console,
    )
    assert json.loads(out.getvalue()) == {"text": "streamed text"}
    with pytest.raises(ValueError):
        render(
            two_calls(ScriptedModel(["a", "b"])),
            as_json=lambda r: {"price": float("nan")},
            console=out_console,
            err_console=err_console,
        )


def test_control_characters_never_reach_the_terminal():
    out, _, out_console, err_console = consoles()

    @app
    def rude():
        yield Delta("safe\x1b]0;pwned\x07 text")
        yield Done(None)

    render(rude(), console=out_console, err_console=err_console)
    assert out.getvalue() == "safe]0;pwned text\n"


def test_on_a_terminal_the_reply_is_markdown_written_block_by_block():
    out = io.StringIO()
    tty = Console(file=out, width=60, force_terminal=True, color_system="standard")

    @app
    def md():
        for piece in [
            "# Ti",
            "tle\n\nSome **bold",
            "** text.\n\n```py\nx = 1\n\n",
            "y = 2\n```\n\n",
            "A long paragraph " * 10 + "\n\nend",
        ]:
            yield Delta(piece)
        yield Done(None)

    render(md(), console=tty, err_console=Console(file=io.StringIO()))
    shown = out.getvalue()
    assert "Some \x1b[1mbold\x1b[0m text." in shown and "```" not in shown  # rendered, not raw
    assert shown.count("\x1b[2K") >= 2  # the block being written was redrawn in place, not appended
    assert shown.rfind("\x1b[?25h") > shown.rfind("\x1b[?25l")  # the live view ended: the cursor is back
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    assert max(len(line) for line in plain.splitlines()) <= 60  # wrapped at words, not left to the terminal


def test_blocks_are_cut_at_blank_lines_outside_code_fences():
    assert _finished_blocks("para one\n\npara tw") == ("para one\n\n", "para tw")
    assert _finished_blocks("intro\n\n```\ncode\n\nmore") == ("intro\n\n", "```\ncode\n\nmore")
    assert _finished_blocks("```\na\n\nb\n```\n\nnext") == ("```\na\n\nb\n```\n\n", "next")


def test_workbench_chat_grows_the_reply_and_collapses_tool_steps():
    model = ScriptedModel(["one two three", "Paris costs $899."])
    history = [{"role": "user", "content": "Paris?"}]
    views = list(chat_messages(two_calls(model), history))
    assert [v.status for v in views[:2]] == ["Looking things up", "Looking things up"]
    assert views[2].status == "⚠️ no cache"
    last = views[-1]
    assert last.messages[0] == history[0] and history == [{"role": "user", "content": "Paris?"}]  # untouched
    tool, reply = last.messages[1:]
    assert tool["metadata"]["title"] == "🛠️ Used tool get_price" and "$899" in tool["content"]
    assert reply == {"role": "assistant", "content": "Paris costs $899."}
    assert len({v.messages[-1]["content"] for v in views if len(v.messages) == 3}) > 2  # grew chunk by chunk
    assert last.done is not None and last.status.startswith("test/scripted · ")
    assert "over 2 calls" in last.status


def test_workbench_errors_are_a_message_and_a_status_not_a_traceback():
    @app
    def failing():
        yield Delta("Half a rep")
        raise llm.ProviderError("The provider is down.")

    *_, last = chat_messages(failing(), [])
    assert last.messages[-1]["content"] == "⚠️ The provider is down." and last.done is None
    assert last.status == "**Error:** The provider is down."


def test_workbench_markdown_keeps_a_progress_log_and_ends_with_usage():
    views = list(markdown(two_calls(ScriptedModel(["x", "# Brochure"])), progress_log=True))
    text, status, done = views[-1]
    assert text == "# Brochure" and done.result.text == "# Brochure"
    log = status.splitlines()
    assert log[:3] == ["- Looking things up", "- 🛠️ `get_price(city='Paris')`", "- ⚠️ no cache"]
    assert log[-1].startswith("- test/scripted · ")


def test_text_after_a_tool_step_is_a_new_message_below_it():
    @app
    def talk_tool_talk():
        yield Delta("Let me check.")
        yield ToolStep("lookup", {"q": "x"}, error="no such flight")
        yield Delta("Sorry, no such flight.")
        yield Done(None)

    *_, last = chat_messages(talk_tool_talk(), [])
    assert [m["content"] for m in last.messages][::2] == ["Let me check.", "Sorry, no such flight."]
    assert last.messages[1]["metadata"]["title"] == "⚠️ Used tool lookup"
    assert "Error: no such flight" in last.messages[1]["content"]
