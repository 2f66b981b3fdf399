"""Load a folder of documents (markdown, text, PDF, HTML) into plain text with the metadata chunks need."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ...llm.errors import LLMError

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf"}


@dataclass(frozen=True)
class Document:
    source: str
    """Path relative to the ingested folder, with forward slashes: the document's identity in the store."""
    doc_type: str
    """Top-level folder name under the ingested folder ("root" for files directly in it)."""
    title: str
    text: str
    """Markdown-ish text: headings start with '#', so the chunker can follow them."""
    sha256: str
    """Hash of the file's bytes: re-ingesting skips files whose hash is unchanged."""


def find_files(root: Path) -> list[Path]:
    """Every loadable file under `root`, recursively, in a stable order; hidden files and folders skipped."""
    root = Path(root)
    if not root.is_dir():
        raise LLMError(f"Not a folder: {root}. Pass the folder holding your documents (e.g. llmworks rag ingest ./docs).")
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_file(path: Path, root: Path, *, sha256: str | None = None) -> Document:
    path, root = Path(path), Path(root)
    rel = path.relative_to(root)
    doc_type = rel.parts[0] if len(rel.parts) > 1 else "root"
    suffix = path.suffix.lower()
    title = path.stem.replace("_", " ").strip()
    if suffix in TEXT_SUFFIXES:
        text = path.read_text(encoding="utf-8", errors="replace")
    elif suffix in HTML_SUFFIXES:
        html_title, text = _html_to_text(path.read_text(encoding="utf-8", errors="replace"))
        title = html_title or title
    elif suffix == ".pdf":
        pdf_title, text = _pdf_to_text(path)
        title = pdf_title or title
    else:
        raise LLMError(f"Cannot load {path}: supported files are {', '.join(sorted(SUFFIXES))}.")
    return Document(rel.as_posix(), doc_type, title, text, sha256 or file_hash(path))


def _html_to_text(html: str) -> tuple[str | None, str]:
    """HTML → text that keeps headings as markdown '#' lines (so chunks still know their section)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "template"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    if soup.title:
        soup.title.decompose()
    for level in range(1, 7):
        for h in soup.find_all(f"h{level}"):
            h.replace_with(f"\n\n{'#' * level} {h.get_text(' ', strip=True)}\n\n")
    for li in soup.find_all("li"):
        li.insert_before("\n- ")
    for block in soup.find_all(["p", "div", "br", "tr", "section", "article"]):
        block.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return title or None, text.strip()


def _pdf_to_text(path: Path) -> tuple[str | None, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except (PdfReadError, OSError, ValueError) as e:
        raise LLMError(f"Cannot read PDF {path}: {e}. Check the file opens in a PDF viewer.") from e
    return title, "\n\n".join(p.strip() for p in pages if p.strip())
