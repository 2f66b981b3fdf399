"""The thin layers: `llmworks rag …` commands, the plot file, the workbench tab, and the embedder's contract."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

from llmworks.apps.rag import FaissStore
from llmworks.apps.rag.plot import figure, write_html
from llmworks.cli import main
from llmworks.errors import LlmworksError
from llmworks.llm.testing import ScriptedModel


def test_cli_ingest_eval_json_and_plot(corpus, embedder, tmp_path, capsys):
    db = str(tmp_path / "db")
    assert main(["rag", "ingest", str(corpus), "--db", db]) == 0
    assert "5 added" in capsys.readouterr().out
    assert main(["rag", "ingest", str(corpus), "--db", db]) == 0
    assert "5 unchanged; 0 chunks embedded" in capsys.readouterr().out

    tests = tmp_path / "tests.jsonl"
    tests.write_text(
        json.dumps(
            {
                "question": "Who received the IIOTY award?",
                "keywords": ["Zebulon"],
                "reference_answer": "Maxine Zebulon",
                "category": "direct_fact",
            }
        )
        + "\n"
    )
    assert main(["rag", "eval", str(tests), "--db", db, "-k", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n"] == 1 and data["k"] == 3 and data["coverage"] == 1.0 and "direct_fact" in data["by_category"]
    assert main(["rag", "eval", str(tests), "--docs", str(corpus), "--json"]) == 0  # in-memory FAISS, same result
    assert json.loads(capsys.readouterr().out)["coverage"] == 1.0
    assert main(["rag", "eval", str(tests), "--db", db]) == 0
    table = capsys.readouterr().out
    assert "direct_fact" in table and "overall" in table and "1.000" in table

    out = tmp_path / "map.html"
    assert main(["rag", "plot", "--db", db, "--out", str(out)]) == 0
    assert out.is_file() and "employees" in out.read_text()


def test_cli_ask_streams_the_answer_then_sources_or_prints_json(corpus, embedder, tmp_path, capsys):
    from llmworks import llm

    db = str(tmp_path / "db")
    assert main(["rag", "ingest", str(corpus), "--db", db]) == 0
    capsys.readouterr()
    model = ScriptedModel(["Maxine Zebulon got the IIOTY award [1]."] * 2, name="test/scripted")
    question = "Who received the IIOTY award?"
    with llm.override(model):
        assert main(["rag", "ask", question, "--db", db, "-m", "test/scripted", "-k", "3", "-u"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["Maxine Zebulon got the IIOTY award [1].", "Sources: employees/Maxine Zebulon.md"]
    assert "Retrieving passages…" in err and err.splitlines()[-1].startswith("[test/scripted: ")  # the usage line
    with llm.override(model):
        assert main(["rag", "ask", question, "--db", db, "-m", "test/scripted", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out) == {
        "answer": "Maxine Zebulon got the IIOTY award [1].",
        "known": True,
        "reason": "",
        "sources": ["employees/Maxine Zebulon.md"],
        "query": question,
    }


def test_cli_errors_are_one_line_with_the_fix(tmp_path, embedder, capsys):
    assert main(["rag", "eval", str(tmp_path / "none.jsonl"), "--db", str(tmp_path / "db")]) == 1
    assert "No tests file" in capsys.readouterr().err
    assert main(["rag", "ask", "hello?", "--db", str(tmp_path / "db")]) == 1
    assert "llmworks rag ingest" in capsys.readouterr().err


def test_cli_help_lists_every_command(capsys):
    assert main(["rag", "--help"]) == 0
    text = capsys.readouterr().out
    assert all(name in text for name in ("ingest", "ask", "plot", "eval"))


def _store_with_two_types(n=12):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    store = FaissStore()
    store.add(
        [f"c{i}" for i in range(n)],
        vectors / np.linalg.norm(vectors, axis=1, keepdims=True),
        [f"chunk <{i}>" for i in range(n)],
        [
            {"source": f"{'a' if i % 2 else 'b'}/doc{i}.md", "doc_type": "alpha" if i % 2 else "beta", "position": 0}
            for i in range(n)
        ],
    )
    return store


@pytest.mark.parametrize("dims", [2, 3])
def test_plot_file_has_one_trace_per_doc_type(tmp_path, dims):
    fig = figure(_store_with_two_types(), dims=dims)
    assert sorted(t.name for t in fig.data) == ["alpha", "beta"]
    assert all(len(t.x) == 6 for t in fig.data)
    assert (fig.data[0].type == "scatter3d") == (dims == 3)
    path = write_html(fig, tmp_path / "out" / "map.html")
    html = path.read_text()
    hover = " ".join(text for trace in fig.data for text in trace.text)
    assert "<b>a/doc1.md</b>" in hover and "chunk &lt;1&gt;" in hover  # source and (escaped) chunk text
    assert "doc1.md" in html and "alpha" in html
    assert 'src="https://cdn.plot.ly' not in html and len(html) > 1_000_000  # JS inlined: opens offline
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp file left behind


def test_plot_errors(tmp_path):
    with pytest.raises(LlmworksError, match="2 or 3"):
        figure(_store_with_two_types(), dims=4)
    with pytest.raises(LlmworksError, match="at least 3 chunks"):
        figure(_store_with_two_types(2))


def test_ui_tab_builds_and_shows_chunks_beside_the_answer(corpus, embedder, tmp_path, monkeypatch):
    import gradio as gr

    from llmworks.config import reset_settings
    from llmworks.ui import rag as rag_ui

    monkeypatch.setenv("LLMWORKS_UI_ALLOWED_DIRS", str(tmp_path))  # the workbench reads only allowed folders
    reset_settings()

    with gr.Blocks():
        rag_ui.tab()
    db = str(tmp_path / "db")
    assert "5 added" in rag_ui.ingest_folder(str(corpus), db)
    model = ScriptedModel(
        ["Maxine Zebulon got the IIOTY award [1].", '{"question": "When did Maxine get it?"}', "In 2023 [1]."]
    )
    *steps, (history, chunks, status, box, chat) = rag_ui.respond("Who received the IIOTY award?", [], db, model, 3)
    assert list(dict.fromkeys(s[2] for s in steps)) == ["Retrieving passages…", "Answering from 3 passage(s)…"]
    assert box == "" and history[-1]["role"] == "assistant" and "Maxine Zebulon" in history[-1]["content"]
    assert "employees/Maxine Zebulon.md" in history[-1]["content"]  # sources under the answer
    assert "[1] employees/Maxine Zebulon.md" in chunks and "IIOTY" in chunks
    assert status.startswith("Last answer: test/scripted")
    # the session's Chat keeps the conversation (answers without the sources line the chatbot shows)
    *_, (history, _, _, _, same) = rag_ui.respond("When did she get it?", history, db, model, 3, chat)
    assert same is chat
    assert chat.history[1] == {"role": "assistant", "content": "Maxine Zebulon got the IIOTY award [1]."}
    assert "Maxine Zebulon got the IIOTY award [1]." in model.requests[1].messages[-1]["content"]  # the rewrite saw it
    *_, (history, chunks, status, _, _) = rag_ui.respond("Anything?", [], str(tmp_path / "empty-db"), model, 3)
    assert "llmworks rag ingest" in status and "⚠️" in history[-1]["content"]


def test_openai_embeddings_use_the_catalog_key_and_url(monkeypatch):
    import respx

    from llmworks.embed import embed

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("LLMWORKS_OPENAI_BASE_URL", "https://example.test/v1")
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post("https://example.test/v1/embeddings").mock(
            return_value=httpx.Response(
                200,
                json={
                    "object": "list",
                    "model": "text-embedding-3-small",
                    "data": [
                        {"object": "embedding", "index": 1, "embedding": [0.0, 2.0]},
                        {"object": "embedding", "index": 0, "embedding": [3.0, 4.0]},
                    ],
                    "usage": {"prompt_tokens": 4, "total_tokens": 4},
                },
            )
        )
        vectors = embed(["first", "second"], model="openai/text-embedding-3-small")
    request = route.calls[0].request
    assert request.headers["authorization"] == "Bearer sk-test"
    assert json.loads(request.content)["input"] == ["first", "second"]
    assert np.allclose(vectors, [[0.6, 0.8], [0.0, 1.0]])  # in input order, unit length


def test_embedding_model_errors(monkeypatch):
    from llmworks.embed import embed
    from llmworks.llm import MissingKeyError, UnknownModelError

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir("/")  # no .env with a key
    with pytest.raises(MissingKeyError, match="OPENAI_API_KEY"):
        embed(["x"], model="openai/text-embedding-3-small")
    with pytest.raises(UnknownModelError, match="local/minilm"):
        embed(["x"], model="openai/gpt-4o")
    with pytest.raises(UnknownModelError):
        embed(["x"], model="local/other")


@pytest.mark.slow
def test_local_embeddings_are_unit_vectors_and_meaningful(no_network):
    from llmworks.embed import dimensions, embed

    vectors = embed(["The cat sat on the mat.", "A kitten rested on the rug.", "Quarterly tax filing deadline"])
    assert vectors.shape == (3, dimensions()) == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    one = embed(["The cat sat on the mat."])  # the one-thread query path gives the same vector
    assert float(one[0] @ vectors[0]) > 0.999
