"""A 3-D map of the deals seen: each deal's text embedded (llm.embed, offline MiniLM by default), projected with
t-SNE, coloured by category, as a Plotly figure (the course's view of the product vectors).

    fig = figure(Memory.open().deals())
"""

from __future__ import annotations

from html import escape

from ... import llm
from ...errors import LlmworksError

MIN_DEALS = 4
"""t-SNE needs a few points (perplexity < n)."""


def figure(deals: list[dict], *, embed_model: str | None = None, seed: int = 42):
    import plotly.graph_objects as go
    from sklearn.manifold import TSNE

    if len(deals) < MIN_DEALS:
        raise LlmworksError(f"Need {MIN_DEALS} deals to draw a map, memory has {len(deals)}.", "Run a scan first.")
    texts = [d["evidence"] or d["title"] for d in deals]
    vectors = llm.embed(texts, model=embed_model).vectors
    perplexity = float(min(30, max(2, (len(deals) - 1) // 3)))
    points = TSNE(
        n_components=3, perplexity=perplexity, metric="cosine", init="random", random_state=seed
    ).fit_transform(vectors)
    fig = go.Figure()
    for category in sorted({d["category"] or "other" for d in deals}):
        rows = [i for i, d in enumerate(deals) if (d["category"] or "other") == category]
        hover = [_hover(deals[i]) for i in rows]
        fig.add_trace(
            go.Scatter3d(
                x=points[rows, 0],
                y=points[rows, 1],
                z=points[rows, 2],
                name=category,
                mode="markers",
                text=hover,
                hoverinfo="text",
                marker={"size": 5, "opacity": 0.85},
            )
        )
    fig.update_layout(
        title=f"{len(deals)} deals, t-SNE 3-D of their text vectors, coloured by category",
        margin={"l": 10, "r": 10, "b": 10, "t": 40},
        height=600,
    )
    return fig


def _hover(deal: dict) -> str:
    estimate = "no estimate" if deal["estimate"] is None else f"est. ${deal['estimate']:,.2f}"
    return f"<b>{escape(deal['title'][:90])}</b><br>${deal['price']:,.2f}, {estimate}"
