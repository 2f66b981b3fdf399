"""Split documents into chunks that follow headings and paragraphs, each carrying its document's context.

Every chunk starts with a context line, `Title (doc_type) › Heading › Subheading`, so a chunk about "2022
performance" still says whose record it is: the vector, the BM25 index and the answering model all see it.
Small neighbouring sections are packed together up to `chunk_size` characters; long ones are split on
paragraphs, then lines, then sentences, with `chunk_overlap` characters shared between pieces.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ...errors import LlmworksError
from .loaders import Document

DEFAULT_CHUNK_SIZE = 1000  # characters; all-MiniLM-L6-v2 reads 256 word pieces (~1,000 characters) and cuts the rest
DEFAULT_CHUNK_OVERLAP = 150
MIN_CHUNK_SIZE = 100  # smaller chunks are mostly the context line
MAX_CHUNK_SIZE = 20_000  # the embedder reads ~1,000; beyond this a chunk's vector says nothing about most of it
_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")]


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    """Context line + body: what is embedded, searched, shown and handed to the model."""
    source: str
    doc_type: str
    title: str
    position: int
    """0-based order of the chunk within its document."""
    section: str
    """Heading path of the chunk's first section, e.g. "HR Record › Alex Harper › Summary"."""

    @property
    def metadata(self) -> dict:
        return {
            "source": self.source,
            "doc_type": self.doc_type,
            "title": self.title,
            "position": self.position,
            "section": self.section,
        }


def chunk_id(source: str, position: int) -> str:
    return f"{hashlib.sha1(source.encode()).hexdigest()[:16]}-{position}"


def check_chunking(chunk_size: int, chunk_overlap: int) -> None:
    """Raise a one-line error naming the fix for settings the splitter cannot honour (before any index is touched)."""
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise LlmworksError(
            f"--chunk-size {chunk_size} is out of range; use {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE:,} "
            f"characters (default {DEFAULT_CHUNK_SIZE})."
        )
    if not 0 <= chunk_overlap < chunk_size // 2:
        raise LlmworksError(
            f"--chunk-overlap must be between 0 and half the chunk size ({chunk_size // 2}); "
            f"got {chunk_overlap} (default {DEFAULT_CHUNK_OVERLAP})."
        )


def chunk_document(
    doc: Document, *, chunk_size: int = DEFAULT_CHUNK_SIZE, chunk_overlap: int = DEFAULT_CHUNK_OVERLAP
) -> list[Chunk]:
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

    check_chunking(chunk_size, chunk_overlap)
    sections = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True).split_text(doc.text)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    # (heading path, body) pieces, none longer than chunk_size
    pieces: list[tuple[tuple[str, ...], str]] = []
    for section in sections:
        path = tuple(section.metadata[name] for _, name in _HEADERS if name in section.metadata)
        body = section.page_content.strip()
        if not body:
            continue
        for part in splitter.split_text(body) if len(body) > chunk_size else [body]:
            pieces.append((path, part.strip()))

    # Pack neighbouring pieces into chunks; a heading path is written out when it changes inside a chunk.
    groups: list[list[tuple[tuple[str, ...], str]]] = []
    size = 0
    for path, body in pieces:
        extra = len(body) + len(" › ".join(path)) + 2
        if groups and size + extra <= chunk_size and groups[-1][-1][0] != path:
            groups[-1].append((path, body))
            size += extra
        else:
            groups.append([(path, body)])
            size = extra
    chunks = []
    for position, group in enumerate(groups):
        first_path = group[0][0]
        lines = [_context_line(doc, first_path), group[0][1]]
        for path, body in group[1:]:
            lines += [f"{'#' * min(len(path), 6)} {' › '.join(path[-2:])}" if path else "", body]
        chunks.append(
            Chunk(
                chunk_id(doc.source, position),
                "\n".join(line for line in lines if line).strip(),
                doc.source,
                doc.doc_type,
                doc.title,
                position,
                " › ".join(first_path),
            )
        )
    return chunks


_MARKUP = re.compile(r"\*\*|__|`|^#+ |^[-*] |\|", re.MULTILINE)


def embedding_text(text: str) -> str:
    """The chunk as the embedder sees it: markdown emphasis, bullets, heading marks and table bars removed.
    They carry no meaning for MiniLM but cost ~16 % of the tokens on the insurellm files (74k → 62k), and the
    embedder's time is proportional to tokens. The stored and displayed text keeps them."""
    return _MARKUP.sub("", text)


def _context_line(doc: Document, path: tuple[str, ...]) -> str:
    head = f"{doc.title} ({doc.doc_type})"
    # a heading that only repeats the title adds nothing
    rest = [h for h in path if h.strip().lower() != doc.title.strip().lower()]
    return " › ".join([head, *rest])
