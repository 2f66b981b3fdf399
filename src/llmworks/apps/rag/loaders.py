"""Load a folder of documents (markdown, text, PDF, HTML) into plain text with the metadata chunks need."""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import DataError, LlmworksError

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
        raise LlmworksError(
            f"Not a folder: {root}.", "Pass the folder holding your documents (e.g. llmworks rag ingest ./docs)."
        )
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


MAX_CONTROL = 0.01
"""Text files hold almost no control bytes (tab, newlines and form feed aside); binary data is ~12 % of them."""
MAX_UNDECODABLE = 0.10
"""Share of undecodable characters above which a file is judged not UTF-8 text: indexing it would store mostly
U+FFFD. Latin-1 prose stays well under it (a few accented letters per hundred), and is indexed as it was."""
_CONTROL = re.compile(b"[\\x00-\\x08\\x0e-\\x1f\\x7f]")


class UnreadableFile(DataError):
    """A file that cannot be indexed (binary, broken PDF, no text): ingest reports it and goes on with the rest."""


def decode_text(data: bytes, name: str) -> str:
    """Bytes of a .md/.txt/.html file as text; UnreadableFile when they are not text at all."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    kind = "NUL" if b"\x00" in data else "control" if len(_CONTROL.findall(data)) > MAX_CONTROL * len(data) else ""
    if kind:
        raise UnreadableFile(f"{name} looks binary (it holds {kind} bytes), not text.")
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    if bad > MAX_UNDECODABLE * len(text):
        raise UnreadableFile(
            f"{name} is not UTF-8 text ({bad / len(text):.0%} of it cannot be decoded); convert "
            f"it first (e.g. iconv -f latin1 -t utf-8)."
        )
    return text


def load_file(path: Path, root: Path, *, sha256: str | None = None, data: bytes | None = None) -> Document:
    """`data`: the file's bytes when the caller has read them already (ingest hashes them first)."""
    path, root = Path(path), Path(root)
    rel = path.relative_to(root)
    doc_type = rel.parts[0] if len(rel.parts) > 1 else "root"
    suffix = path.suffix.lower()
    title = path.stem.replace("_", " ").strip()
    if suffix not in SUFFIXES:
        raise DataError(f"Cannot load {path}: supported files are {', '.join(sorted(SUFFIXES))}.")
    if data is None:
        data = path.read_bytes()
    if suffix in TEXT_SUFFIXES:
        text = decode_text(data, rel.as_posix())
    elif suffix in HTML_SUFFIXES:
        html_title, text = _html_to_text(decode_text(data, rel.as_posix()))
        title = html_title or title
    else:
        pdf_title, text = _pdf_to_text(data, rel.as_posix())
        title = pdf_title or title
    if not text.strip():
        hint = " (a scanned PDF needs OCR first)" if suffix == ".pdf" else ""
        raise UnreadableFile(f"{rel.as_posix()} has no text{hint}.")
    return Document(rel.as_posix(), doc_type, title, text, sha256 or hashlib.sha256(data).hexdigest())


def _html_to_text(html: str) -> tuple[str | None, str]:
    """HTML → markdown text (headings kept as '#' lines, so chunks still know their section), by the web layer's
    extractor: local documents read like fetched pages."""
    from llmworks.web.extract import html_text

    title, text = html_text(html)
    return title or None, text


def _pdf_to_text(data: bytes, name: str) -> tuple[str | None, str]:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a broken file is reported once, as a skip, not as log noise

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except Exception as e:  # pypdf fails on broken files in many ways (its own errors, KeyError, RecursionError…)
        raise UnreadableFile(
            f"Cannot read PDF {name}: {e or 'damaged file'}. Check the file opens in a PDF viewer."
        ) from e
    return title, "\n\n".join(p.strip() for p in pages if p.strip())
