"""Models on sentence embeddings (all-MiniLM-L6-v2 via `llmworks.embed`): kNN and an RBF support-vector regressor.

Embedding is the slow part on a CPU (~30 items/s on 2 cores), so vectors come from the machine's embedding cache
(embedding_cache.py), shared by every model, run and data dir. The extra listings are worth their one-time
cost here (the 10k kept of train_extra.jsonl take ~6 minutes once): on 5-fold CV of the dev items they took kNN
from $111.6 to $103.6 and the SVR from $108.9 to $103.3. `use_extra=False` leaves them out.
"""

from __future__ import annotations

import numpy as np

from .base import Pricer, from_power, power_targets, target_rows, targets, to_prices, weights
from .embedding_cache import embed_cached
from .items import Item


def embed_items(items: list[Item]) -> np.ndarray:
    """Unit vectors of the items' texts (MiniLM), from the machine's cache where present."""
    return embed_cached([i.text for i in items])


class KNNPricer(Pricer):
    """Weighted mean log price of the k most similar training items (cosine similarity ** power: 8 sharpens the
    weights towards near-duplicates, $103.6 against $104.7 for 4 on CV)."""

    name = "knn"

    def __init__(self, k: int = 15, power: float = 8.0, use_extra: bool = True):
        self.k, self.power, self.use_extra = k, power, use_extra

    def fit(self, items: list[Item]) -> KNNPricer:
        items = items if self.use_extra else target_rows(items)
        self.vectors_ = embed_items(items)
        self.targets_ = targets(items)
        self.weights_ = weights(items)
        return self

    def embeds(self) -> bool:
        return True

    def neighbours(self, vectors: np.ndarray, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(indices, similarities) of the k nearest training items for each row of `vectors`, best first."""
        k = min(k or self.k, len(self.targets_))
        sims = vectors @ self.vectors_.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1)
        return np.take_along_axis(top, order, axis=1), np.take_along_axis(top_sims, order, axis=1)

    def predict(self, items: list[Item]) -> list[float | None]:
        idx, sims = self.neighbours(embed_items(items))
        w = np.clip(sims, 1e-6, None) ** self.power * self.weights_[idx]
        return to_prices((self.targets_[idx] * w).sum(axis=1) / w.sum(axis=1))


class EmbedSVRPricer(Pricer):
    """RBF support-vector regression on the embeddings: smooth in meaning space, robust to odd prices.
    Square-root prices, standardised ($103.3 on CV against $104.8 on log prices; see `power_targets`)."""

    name = "embed-svr"

    def __init__(self, c: float = 3.0, epsilon: float = 0.1, power: float = 0.5, use_extra: bool = True):
        self.c, self.epsilon, self.power, self.use_extra = c, epsilon, power, use_extra

    def embeds(self) -> bool:
        return True

    def fit(self, items: list[Item]) -> EmbedSVRPricer:
        from sklearn.svm import SVR

        items = items if self.use_extra else target_rows(items)
        y = power_targets(items, self.power)
        self.scale_ = (float(y.mean()), float(y.std()) or 1.0)
        self.model_ = SVR(C=self.c, epsilon=self.epsilon).fit(
            embed_items(items), (y - self.scale_[0]) / self.scale_[1], sample_weight=weights(items)
        )
        return self

    def predict(self, items: list[Item]) -> list[float | None]:
        mean, std = self.scale_
        return from_power(self.model_.predict(embed_items(items)) * std + mean, self.power)
