"""Loading every supported file type, and chunking that follows headings and keeps each document's context."""

from __future__ import annotations

import pytest

from llmworks.apps.rag.chunking import chunk_document
from llmworks.apps.rag.loaders import Document, UnreadableFile, find_files, load_file
from llmworks.errors import LlmworksError


def test_find_files_recursive_sorted_and_skips_hidden_and_unknown(corpus):
    (corpus / ".git").mkdir()
    (corpus / ".git" / "notes.md").write_text("hidden")
    (corpus / "image.png").write_bytes(b"\x89PNG")
    (corpus / "top.md").write_text("# Top\nat the root")
    rel = [p.relative_to(corpus).as_posix() for p in find_files(corpus)]
    assert rel == sorted(rel)
    assert set(rel) == {
        "employees/Maxine Zebulon.md",
        "employees/Ravi Okafor.md",
        "products/Claimbot.md",
        "company/history.txt",
        "company/culture.html",
        "top.md",
    }


def test_find_files_on_missing_folder_says_how_to_fix(tmp_path):
    with pytest.raises(LlmworksError, match="Not a folder"):
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


@pytest.mark.parametrize("content", [b"%PDF-1.4 this is not really a pdf", b"", b"%PDF-1.7\n1 0 obj\n<< /Type"])
def test_broken_pdf_is_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match="Cannot read PDF bad.pdf"):
        load_file(path, tmp_path)


def test_binary_renamed_as_text_is_refused_but_latin1_and_utf16_text_are_read(tmp_path):
    import random

    noise = random.Random(0).randbytes(20_000)
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + noise)
    with pytest.raises(UnreadableFile, match="image.md looks binary .*NUL bytes"):
        load_file(tmp_path / "image.md", tmp_path)
    (tmp_path / "noise.txt").write_bytes(noise.replace(b"\x00", b"\x01"))  # no NUL: judged by its control bytes
    with pytest.raises(UnreadableFile, match="noise.txt looks binary .*control bytes"):
        load_file(tmp_path / "noise.txt", tmp_path)
    (tmp_path / "page.html").write_bytes(b"<html>" + noise)
    with pytest.raises(UnreadableFile, match="page.html looks binary"):
        load_file(tmp_path / "page.html", tmp_path)

    (tmp_path / "cyrillic.txt").write_bytes("Привет, это текст в кодировке cp1251. ".encode("cp1251") * 20)
    with pytest.raises(UnreadableFile, match="cyrillic.txt is not UTF-8 text .*iconv"):
        load_file(tmp_path / "cyrillic.txt", tmp_path)

    french = (
        "# Notes\n\nThe team met in Geneva to plan the next release of the claims portal. Le déjeuner était "
        "long, but the plan is clear: ship the new forms in March and retire the old ones by June.\n"
    )
    (tmp_path / "latin1.md").write_bytes(french.encode("latin-1"))  # wrong encoding, but mostly readable: kept
    assert "d\ufffdjeuner" in load_file(tmp_path / "latin1.md", tmp_path).text
    (tmp_path / "utf16.txt").write_bytes(french.encode("utf-16"))
    assert load_file(tmp_path / "utf16.txt", tmp_path).text == french


def test_file_without_text_is_refused(tmp_path, minimal_pdf):
    (tmp_path / "blank.md").write_text("  \n\n ")
    with pytest.raises(UnreadableFile, match="blank.md has no text"):
        load_file(tmp_path / "blank.md", tmp_path)
    (tmp_path / "scan.pdf").write_bytes(minimal_pdf(""))
    with pytest.raises(UnreadableFile, match="scan.pdf has no text .*OCR"):
        load_file(tmp_path / "scan.pdf", tmp_path)


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
    # every next piece starts with the end of the one before it: the overlap, whole sentences up to 60 characters
    bodies = [c.text.split("\n", 1)[1] for c in chunks]
    for before, after in zip(bodies, bodies[1:]):
        shared = max(n for n in range(len(after) + 1) if before.endswith(after[:n]))
        assert 20 <= shared <= 60, (before[-80:], after[:80])


@pytest.mark.parametrize(
    "size,overlap,match",
    [
        (50, 0, "chunk-size 50 is out of range"),
        (0, 0, "use 100 to"),
        (50_000, 0, "out of range"),
        (500, 300, "overlap"),
        (500, -1, "overlap"),
        (1000, 2000, "between 0 and half"),
    ],
)
def test_bad_chunk_settings_are_clear_errors(size, overlap, match):
    with pytest.raises(LlmworksError, match=match):
        chunk_document(_doc("# Guide\ntext"), chunk_size=size, chunk_overlap=overlap)
