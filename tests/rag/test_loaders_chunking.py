"""Loading every supported file type, and chunking that follows headings and keeps each document's context."""

from __future__ import annotations

import pytest

from llmworks.apps.rag.chunking import chunk_document
from llmworks.apps.rag.loaders import Document, find_files, load_file
from llmworks.llm.errors import LLMError


def test_find_files_recursive_sorted_and_skips_hidden_and_unknown(corpus):
    (corpus / ".git").mkdir()
    (corpus / ".git" / "notes.md").write_text("hidden")
    (corpus / "image.png").write_bytes(b"\x89PNG")
    (corpus / "top.md").write_text("# Top\nat the root")
    rel = [p.relative_to(corpus).as_posix() for p in find_files(corpus)]
    assert rel == sorted(rel)
    assert set(rel) == {"employees/Maxine Zebulon.md", "employees/Ravi Okafor.md", "products/Claimbot.md",
                        "company/history.txt", "company/culture.html", "top.md"}


def test_find_files_on_missing_folder_says_how_to_fix(tmp_path):
    with pytest.raises(LLMError, match="Not a folder"):
        find_files(tmp_path / "nope")


def test_markdown_metadata(corpus):
    doc = load_file(corpus / "employees/Maxine Zebulon.md", corpus)
    assert (doc.source, doc.doc_type, doc.title) == ("employees/Maxine Zebulon.md", "employees", "Maxine Zebulon")
    assert "IIOTY" in doc.text and len(doc.sha256) == 64
    (corpus / "top.md").write_text("# Top\nat the root")
    assert load_file(corpus / "top.md", corpus).doc_type == "root"


def test_html_keeps_headings_and_drops_scripts_styles_navigation(corpus):
    doc = load_file(corpus / "company/culture.html", corpus)
    assert doc.title == "Our culture"
    assert "# Culture" in doc.text and "## Rituals" in doc.text
    assert "- Friday demo hour" in doc.text and "candour" in doc.text
    assert "secret" not in doc.text and "color" not in doc.text and "Home | About" not in doc.text


def test_pdf_text_and_title(tmp_path, minimal_pdf):
    (tmp_path / "reports").mkdir()
    path = tmp_path / "reports" / "q3.pdf"
    path.write_bytes(minimal_pdf("Claims fell 8 percent in Q3", title="Quarterly report"))
    doc = load_file(path, tmp_path)
    assert doc.title == "Quarterly report" and doc.doc_type == "reports"
    assert "Claims fell 8 percent in Q3" in doc.text


def test_broken_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(LLMError, match="Cannot read PDF"):
        load_file(path, tmp_path)


def _doc(text: str, title: str = "Guide", doc_type: str = "manuals") -> Document:
    return Document(f"{doc_type}/{title}.md", doc_type, title, text, "0" * 64)


def test_chunks_carry_title_type_and_heading_path(corpus):
    doc = load_file(corpus / "employees/Maxine Zebulon.md", corpus)
    chunks = chunk_document(doc, chunk_size=120, chunk_overlap=20)
    assert len(chunks) >= 2
    for i, chunk in enumerate(chunks):
        assert chunk.text.startswith("Maxine Zebulon (employees)")
        assert (chunk.position, chunk.source, chunk.doc_type) == (i, doc.source, "employees")
    awards = next(c for c in chunks if "IIOTY" in c.text)
    assert "Awards" in awards.section and awards.text.splitlines()[0].endswith("Awards")
    assert len({c.id for c in chunks}) == len(chunks)


def test_small_sections_are_packed_and_every_line_kept():
    sections = [f"## Part {i}\nLine number {i} of the guide." for i in range(12)]
    doc = _doc("# Guide\n\n" + "\n\n".join(sections))
    chunks = chunk_document(doc, chunk_size=200, chunk_overlap=0)
    assert 1 < len(chunks) < 12  # packed, not one chunk per tiny section
    joined = "\n".join(c.text for c in chunks)
    for i in range(12):
        assert f"Line number {i} of the guide." in joined
        assert f"Part {i}" in joined  # each packed section keeps its heading


def test_long_section_split_within_size_with_overlap():
    sentences = [f"Sentence {i} talks about topic {i * 7}." for i in range(80)]
    doc = _doc("# Guide\n\n## Long\n" + " ".join(sentences))
    chunks = chunk_document(doc, chunk_size=300, chunk_overlap=60)
    assert len(chunks) > 5
    header = len("Guide (manuals) › Long\n")
    assert all(len(c.text) <= 300 + header for c in chunks)
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)
    # consecutive pieces share text (the overlap)
    bodies = [c.text.split("\n", 1)[1] for c in chunks]
    assert any(bodies[i][-30:].split()[-1] in bodies[i + 1][:120] for i in range(len(bodies) - 1))


@pytest.mark.parametrize("size,overlap,match", [(50, 0, "too small"), (500, 300, "overlap"), (500, -1, "overlap")])
def test_bad_chunk_settings_are_clear_errors(size, overlap, match):
    with pytest.raises(LLMError, match=match):
        chunk_document(_doc("# Guide\ntext"), chunk_size=size, chunk_overlap=overlap)
