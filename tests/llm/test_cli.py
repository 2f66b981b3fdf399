"""The core CLI as a plain function: `main(argv) -> exit code`."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import ExitStack

import pytest

from llmworks import llm
from llmworks.cli import main
from llmworks.llm.testing import ScriptedModel


@pytest.fixture
def scripted():
    """A scripted model answering to its name, test/scripted, as if it were a provider's model (llm.override)."""
    with ExitStack() as stack:
        yield lambda replies: stack.enter_context(llm.override(ScriptedModel(replies)))


def test_chat_streams_the_reply_with_system_prompt(scripted, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    model = scripted(["Bonjour tout le monde"])
    assert main(["chat", "Say hello", "-m", "test/scripted", "-s", "French only", "-u"]) == 0
    out, err = capsys.readouterr()
    assert out == "Bonjour tout le monde\n"
    assert "test/scripted" in err and "cost unknown" in err
    assert model.requests[0].messages[0] == {"role": "system", "content": "French only"}


def test_piped_stdin_becomes_part_of_the_prompt(scripted, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("The meeting moved to Friday."))
    model = scripted(["Moved to Friday."])
    assert main(["chat", "-m", "test/scripted", "-s", "Summarize"]) == 0
    assert model.requests[0].messages[-1]["content"] == "The meeting moved to Friday."


def test_interactive_chat_keeps_history_until_exit(scripted, capsys, monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Tty("My name is Ada.\nWhat is my name?\n/exit\n"))
    model = scripted(["Hello Ada.", "Your name is Ada."])
    assert main(["chat", "-m", "test/scripted"]) == 0
    second = model.requests[1].messages
    assert [m["content"] for m in second] == ["My name is Ada.", "Hello Ada.", "What is my name?"]


def test_a_failed_turn_is_one_line_and_the_conversation_goes_on(monkeypatch, capsys):
    from llmworks import llm
    from llmworks.llm.testing import FunctionModel

    class Tty(io.StringIO):
        def isatty(self):
            return True

    def flaky(request):
        if len(model.requests) == 1:
            raise llm.ProviderError("The provider timed out; try again.")
        return "Your name is Ada."

    model = FunctionModel(flaky, name="test/flaky")
    monkeypatch.setattr(sys, "stdin", Tty("My name is Ada.\nWhat is my name?\n/exit\n"))
    with llm.override(model):
        assert main(["chat", "-m", "test/flaky"]) == 0
    out, err = capsys.readouterr()
    assert "Error: The provider timed out; try again." in err and "Traceback" not in err
    assert out.count("Your name is Ada.") == 1
    assert [m["content"] for m in model.requests[1].messages] == ["What is my name?"]  # the failed turn is not kept


def test_unknown_model_is_one_clear_line_and_exit_1(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["chat", "hi", "-m", "opnai/gpt-4o"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: Unknown model 'opnai/gpt-4o'. Did you mean 'openai/gpt-4o'?")
    assert "Traceback" not in err


def test_models_lists_prices_and_readiness(capsys, monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", "gsk_test")
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    line = next(l for l in out.splitlines() if "openai/gpt-4.1-mini " in l)
    assert "0.4 / 1.6" in line and "set OPENAI_API_KEY" in line
    assert "yes" in next(l for l in out.splitlines() if "groq/" in l)
    assert "yes" in next(l for l in out.splitlines() if "local/smollm2" in l)


def test_logs_show_recent_calls(scripted, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    scripted(["one", "two"])
    main(["chat", "first", "-m", "test/scripted"])
    main(["chat", "second", "-m", "test/scripted"])
    capsys.readouterr()
    assert main(["logs", "-n", "1", "--full"]) == 0
    out = capsys.readouterr().out
    assert "second" in out and "two" in out and "first" not in out


def test_help_teaches_and_imports_nothing_heavy():
    out = subprocess.run([sys.executable, "-m", "llmworks", "--help"], capture_output=True, text=True, check=True)
    assert "Quick start" in out.stdout and "chat" in out.stdout
    # fast --help: no command module may import a heavy library at the top
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, llmworks.cli; print(sorted(m for m in ('gradio', 'torch', 'openai', "
            "'xllamacpp', 'chromadb', 'transformers', 'sklearn') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert heavy.stdout.strip() == "[]"


@pytest.mark.slow
def test_chat_on_the_embedded_model_end_to_end():
    out = subprocess.run(
        [sys.executable, "-m", "llmworks", "chat", "Name a color.", "-n", "12", "-u"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() and "local/smollm2" in out.stderr and "tok/s" in out.stderr
