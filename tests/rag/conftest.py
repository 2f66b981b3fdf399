"""Fixtures for the RAG tests: a small knowledge base written per test, and a fast stand-in embedder.

The stand-in (hashed bag of words, unit vectors) lets ingest/store/answer logic be tested in milliseconds; tests
marked `slow` use the real MiniLM model instead.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

DIMS = 64

CORPUS = {
    "employees/Maxine Zebulon.md": """# HR Record

# Maxine Zebulon

## Summary
- **Job Title**: Chief Claims Officer
- **Location**: Reno, Nevada
- **Current Salary**: $181,000

## Awards
- Received the IIOTY award (Insurellm Innovator of the Year) in 2023 for the Claimbot launch.
""",
    "employees/Ravi Okafor.md": """# HR Record

# Ravi Okafor

## Summary
- **Job Title**: Junior Underwriter
- **Location**: Tulsa, Oklahoma

## Performance
Ravi improved underwriting turnaround by 12% in 2024 and mentors two interns.
""",
    "products/Claimbot.md": """# Claimbot

Claimbot is a claims-triage assistant that reads first notice of loss forms.

## Pricing
- **Starter Tier**: $900/month for up to 500 claims
- **Scale Tier**: $4,200/month for unlimited claims

## Features
Claimbot routes each claim to the right adjuster and flags likely fraud for review.
""",
    "company/history.txt": """Company history

The company was founded in 2011 in Reno by three former adjusters.
It opened a second office in Tulsa in 2019.
""",
    "company/culture.html": """<html><head><title>Our culture</title><style>p {color: red}</style></head>
<body><nav>Home | About</nav><h1>Culture</h1><p>We value <b>candour</b> and kindness.</p>
<h2>Rituals</h2><ul><li>Friday demo hour</li><li>Quarterly hack week</li></ul>
<script>var secret = "do not index";</script></body></html>
""",
}


def fake_embed(texts, *, model="local/minilm", batch_size=32, progress=False):
    """Hashed bag of words → unit vectors: texts sharing words are close, unrelated texts near-orthogonal."""
    out = np.zeros((len(texts), DIMS), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % DIMS] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out[:, 0] += norms[:, 0] == 0  # an empty text still gets a unit vector
    return out / np.linalg.norm(out, axis=1, keepdims=True)


class EmbedCounter:
    """Wraps `fake_embed`, recording every text embedded."""

    def __init__(self):
        self.texts: list[str] = []

    def __call__(self, texts, **kwargs):
        self.texts += list(texts)
        return fake_embed(texts, **kwargs)


@pytest.fixture
def embedder(monkeypatch) -> EmbedCounter:
    """Replace the real embedder with the counting stand-in everywhere it is looked up."""
    import llmworks.embed

    counter = EmbedCounter()
    monkeypatch.setattr(llmworks.embed, "embed", counter)
    return counter


def write_corpus(root: Path, files: dict[str, str] = CORPUS) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "kb")


def minimal_pdf(text: str, title: str = "") -> bytes:
    """A one-page PDF with `text` in Helvetica: enough for pypdf to extract (built by hand, no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture(name="minimal_pdf")
def _minimal_pdf_fixture():
    return minimal_pdf


@pytest.fixture(name="write_corpus")
def _write_corpus_fixture():
    return write_corpus
