"""Overview chunks: one extractive summary per folder (document type), for questions about the whole collection.

"How many employees are there?" or "which products do we sell?" have no single chunk that answers them: each
document says only its own part. An overview chunk lists a folder's documents with their opening facts
("Lisa Anderson: Job Title: Marketing Manager; Location: Austin, Texas") and how many there are. It is extractive
(no model: instant, exact, nothing made up) and built from the chunks already stored, so it costs nothing at
ingest; its vector is cached by the hash of its text, so only an overview whose documents changed is embedded again.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

OVERVIEW_SIZE = 1000  # characters per overview chunk, as a stored chunk (the embedder reads ~1,000)
LINE_CHARS = 160  # characters of each document's opening kept in its overview line
_MARKUP = re.compile(r"\*\*|__|`|^#+ |^[-*] |\|", re.MULTILINE)


@dataclass(frozen=True)
class Overview:
    id: str
    text: str
    metadata: dict


def _opening(text: str) -> str:
    """A chunk's body without its context line, markup and line breaks, cut to LINE_CHARS at a word."""
    body = text.split("\n", 1)[1] if "\n" in text else text
    flat = "; ".join(line.strip() for line in _MARKUP.sub("", body).splitlines() if line.strip().strip("-"))
    return flat if len(flat) <= LINE_CHARS else flat[:LINE_CHARS].rsplit(" ", 1)[0] + " …"


def overviews(texts: list[str], metadatas: list[dict], *, size: int = OVERVIEW_SIZE) -> list[Overview]:
    """Overview chunks for every folder of more than one document, from each document's first stored chunk."""
    firsts: dict[str, dict[str, str]] = defaultdict(dict)  # doc_type → {title: opening}
    for text, meta in zip(texts, metadatas):
        if meta.get("position") == 0 and meta.get("doc_type") and not meta.get("overview"):
            firsts[meta["doc_type"]][meta.get("title") or meta.get("source", "")] = _opening(text)
    out = []
    for doc_type in sorted(firsts):
        docs = firsts[doc_type]
        if len(docs) < 2:
            continue
        lines = [f"- {title}: {opening}" if opening else f"- {title}" for title, opening in sorted(docs.items())]
        parts: list[list[str]] = [[]]
        for line in lines:
            if parts[-1] and sum(len(x) + 1 for x in parts[-1]) + len(line) > size - 120:
                parts.append([])
            parts[-1].append(line)
        for n, part in enumerate(parts, 1):
            head = f"Overview of the {doc_type} documents ({doc_type}): {len(docs)} {doc_type} documents in total"
            text = head + (f", part {n} of {len(parts)}" if len(parts) > 1 else "") + ".\n" + "\n".join(part)
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            meta = {"source": f"{doc_type}/ (overview)", "doc_type": doc_type, "title": f"Overview of {doc_type}"}
            out.append(Overview(f"overview-{digest}", text, {**meta, "position": n - 1, "overview": True}))
    return out
