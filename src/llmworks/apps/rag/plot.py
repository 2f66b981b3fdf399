"""A 2-D or 3-D map of every chunk vector (t-SNE), coloured by document type, as a Plotly figure."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np

from ...errors import LlmworksError
from ...files import atomic_write
from .store import VectorStore


def project(vectors: np.ndarray, dims: int = 2, *, seed: int = 42) -> np.ndarray:
    """t-SNE of unit vectors (cosine geometry) to `dims` dimensions; deterministic for a given seed."""
    from sklearn.manifold import TSNE

    n = len(vectors)
    if n < 3:
        raise LlmworksError(f"Need at least 3 chunks to draw a map, the index has {n}.", "Ingest more documents first.")
    perplexity = float(min(30, max(2, (n - 1) // 3)))  # t-SNE requires perplexity < n
    return TSNE(
        n_components=dims, perplexity=perplexity, metric="cosine", init="random", random_state=seed
    ).fit_transform(vectors)


def figure(store: VectorStore, *, dims: int = 2):
    import plotly.graph_objects as go

    if dims not in (2, 3):
        raise LlmworksError(f"--dims must be 2 or 3 (got {dims}).")
    chunks = store.all(vectors=True)
    points = project(chunks.vectors, dims)
    fig = go.Figure()
    types = sorted({m["doc_type"] for m in chunks.metadatas})
    for doc_type in types:
        rows = [i for i, m in enumerate(chunks.metadatas) if m["doc_type"] == doc_type]
        hover = [f"<b>{escape(chunks.metadatas[i]['source'])}</b><br>{_wrap(chunks.texts[i][:300])}" for i in rows]
        common = {
            "name": doc_type,
            "mode": "markers",
            "text": hover,
            "hoverinfo": "text",
            "marker": {"size": 5, "opacity": 0.8},
        }
        if dims == 2:
            fig.add_trace(go.Scatter(x=points[rows, 0], y=points[rows, 1], **common))
        else:
            fig.add_trace(go.Scatter3d(x=points[rows, 0], y=points[rows, 1], z=points[rows, 2], **common))
    fig.update_layout(
        title=f"{len(chunks.ids)} chunks, t-SNE {dims}-D, coloured by document type",
        legend_title="doc_type",
        margin={"l": 10, "r": 10, "b": 10, "t": 40},
        height=650,
    )
    return fig


def write_html(fig, out: Path | str) -> Path:
    """Write a self-contained HTML file (Plotly's JS inlined, so it opens offline), atomically."""
    return atomic_write(out, fig.to_html(include_plotlyjs=True, full_html=True))


def _wrap(text: str, width: int = 80) -> str:
    import textwrap

    return "<br>".join(escape(line) for line in textwrap.wrap(text, width))
