"""`llmworks rag …` with the bad inputs from issue 10, through the real CLI in a subprocess: each failure is one line
without a class name, and the index is byte for byte what it was (its chunk count too)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# the RAG tests' corpus and fast stand-in embedder, loaded by path (tests are not a package)
_spec = importlib.util.spec_from_file_location("rag_conftest", Path(__file__).parents[1] / "rag" / "conftest.py")
rag = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rag)


def _open(db: Path):
    from chromadb.api.shared_system_client import SharedSystemClient

    from llmworks.apps.rag import open_store

    SharedSystemClient.clear_system_cache()  # read it as a new process would
    return open_store(db)


def _count(db: Path) -> int:
    return _open(db).count()


def _content(db: Path) -> tuple:
    """Every chunk, the settings and the collections: what an ingest that had to open the index may not change
    (Chroma itself records each open in its SQLite file, so its bytes are no measure)."""
    store = _open(db)
    chunks = store.all()
    return (
        sorted(c.name for c in store._client.list_collections()),
        store.info(),
        chunks.ids,
        chunks.texts,
        chunks.metadatas,
    )


@pytest.fixture
def index(tmp_path, monkeypatch):
    """A knowledge base folder and a Chroma index of it (built here with the stand-in embedder)."""
    import llmworks.embed
    from llmworks.apps.rag import KnowledgeBase

    monkeypatch.setattr(llmworks.embed, "embed", rag.fake_embed)
    docs, db = rag.write_corpus(tmp_path / "kb"), tmp_path / "db"
    KnowledgeBase.open(db).ingest(docs)
    return docs, db


@pytest.mark.parametrize(
    "options,mentions",
    [
        (["--chunk-overlap", "2000"], "--chunk-overlap must be between 0 and half the chunk size (500)"),
        (["--chunk-size", "0"], "--chunk-size 0 is out of range"),
        (["--chunk-size", "-5"], "--chunk-size -5 is out of range"),
        (["--chunk-size", "300", "--chunk-overlap", "150"], "--chunk-overlap must be between 0 and half"),
    ],
)
def test_bad_ingest_options_change_nothing(index, options, mentions, cli, clean_failure, snapshot):
    docs, db = index
    count, before = _count(db), snapshot(db)
    clean_failure(cli("rag", "ingest", str(docs), "--db", str(db), *options), mentions=mentions)
    assert snapshot(db) == before and _count(db) == count > 0


def test_a_missing_folder_or_one_with_nothing_readable_changes_nothing(index, tmp_path, cli, clean_failure, snapshot):
    docs, db = index
    content, before = _content(db), snapshot(db)
    clean_failure(cli("rag", "ingest", str(tmp_path / "no-such-folder"), "--db", str(db)), mentions="Not a folder")
    assert snapshot(db) == before  # refused before the index was opened
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "report.pdf").write_bytes(b"%PDF-1.4 cut short")
    (bad / "notes.md").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)  # a program renamed .md
    line = clean_failure(
        cli("rag", "ingest", str(bad), "--db", str(db), "--chunk-size", "300", "--chunk-overlap", "50"),
        mentions="None of the 2 files",
    )
    assert "notes.md looks binary" in line and "Cannot read PDF report.pdf" in line
    assert _content(db) == content and len(content[2]) > 0


def test_a_read_only_index_names_its_path_and_a_safe_next_step(index, cli, clean_failure, snapshot, make_readonly):
    docs, db = index
    before = snapshot(db)
    make_readonly(db)
    for args in (
        ("rag", "ask", "Who won the IIOTY award?", "--db", str(db)),
        ("rag", "ingest", str(docs), "--db", str(db)),
        ("rag", "ingest", str(docs), "--db", str(db), "--chunk-size", "300", "--chunk-overlap", "50"),
    ):
        line = clean_failure(cli(*args, readonly=True), mentions=str(db))
        assert "read-only" in line and "chmod -R u+w" in line and "delete" not in line.lower()
    assert snapshot(db) == before


def test_a_damaged_index_or_a_file_as_index_is_one_line_without_delete(tmp_path, cli, clean_failure, snapshot):
    db = tmp_path / "damaged"
    db.mkdir()
    (db / "chroma.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    before = snapshot(db)
    line = clean_failure(cli("rag", "ask", "anything?", "--db", str(db)), mentions=str(db))
    assert "Move that folder aside" in line and "delete" not in line.lower()
    assert snapshot(db) == before
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not an index")
    clean_failure(cli("rag", "ask", "anything?", "--db", str(a_file)), mentions="is a file, not an index folder")
    assert a_file.read_text() == "not an index"


@pytest.mark.slow
def test_bad_files_are_skipped_with_a_warning_and_the_rest_ingested(tmp_path, cli, minimal_pdf):
    """The real embedder: exit 0, one warning line per bad file (before the summary), the good files in."""
    docs, db = rag.write_corpus(tmp_path / "kb"), tmp_path / "db"
    (docs / "reports").mkdir()
    (docs / "reports" / "broken.pdf").write_bytes(b"%PDF-1.4 cut short")
    (docs / "reports" / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16)
    (docs / "reports" / "q3.pdf").write_bytes(minimal_pdf("Claims fell 8 percent in Q3"))
    result = cli("rag", "ingest", str(docs), "--db", str(db), timeout=300)
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 2 and "Traceback" not in result.err
    assert "reports/broken.pdf: Cannot read PDF" in warnings[0] and "reports/photo.md looks binary" in warnings[1]
    assert result.out.startswith("6 added, 0 updated, 0 removed, 0 unchanged, 2 skipped;")
    assert _count(db) >= 6


@pytest.fixture(name="minimal_pdf")
def _minimal_pdf():
    return rag.minimal_pdf
