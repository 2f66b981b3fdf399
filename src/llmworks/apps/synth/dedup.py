"""Exact and near-duplicate rows: a canonical form for exact ones, MinHash LSH (datasketch) for near ones, and the
reason kept for every row turned away ("near-duplicate of row 12: 86 % of its words are shared")."""

from __future__ import annotations

import json
import re
from typing import Any

NEAR = 0.8
"""Jaccard similarity of two rows' word sets above which the second is a near-duplicate."""
PERMUTATIONS = 128
_WORD = re.compile(r"\w+")


def words(row: dict, ignore: frozenset[str] = frozenset()) -> set[str]:
    """A row as a set of `field=word` tokens: the same words in another column are not the same row."""
    out = set()
    for name, value in row.items():
        if name in ignore:
            continue
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        out.update(f"{name}={w}" for w in _WORD.findall(text.lower()))
    return out


def canonical(row: dict, ignore: frozenset[str] = frozenset()) -> str:
    """Exact duplicates compare equal here: same values, case and surrounding spaces aside."""
    same = {k: v.strip().lower() if isinstance(v, str) else v for k, v in row.items() if k not in ignore}
    return json.dumps(same, sort_keys=True, ensure_ascii=False)


class Deduper:
    """Rows seen so far; `reason(row)` says why a new row repeats one of them (None if it does not). Fields in
    `ignore` (unique ids) are left out of the comparison: a row repeated under a new id is still a repeat."""

    def __init__(self, threshold: float = NEAR, ignore: list[str] | tuple[str, ...] = ()):
        from datasketch import MinHashLSH

        self.threshold, self.ignore = threshold, frozenset(ignore)
        self.besides = f" ({', '.join(sorted(self.ignore))} not compared)" if self.ignore else ""
        self.lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
        self.exact: dict[str, int] = {}
        self.tokens: dict[int, set[str]] = {}

    def reason(self, row: dict) -> tuple[str, str] | None:
        """('exact' | 'near', why) if `row` repeats a kept row."""
        key = canonical(row, self.ignore)
        if key in self.exact:
            return "exact", f"exact duplicate of row {self.exact[key] + 1}{self.besides}"
        tokens = words(row, self.ignore)
        best = None
        for index in self.lsh.query(_minhash(tokens)):  # candidates; the true Jaccard decides
            similarity = _jaccard(tokens, self.tokens[index])
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (index, similarity)
        if best is None:
            return None
        return "near", f"near-duplicate of row {best[0] + 1}{self.besides}: {best[1]:.0%} of their words are shared"

    def add(self, row: dict, index: int) -> None:
        """Remember kept row number `index` (0-based)."""
        tokens = words(row, self.ignore)
        self.exact.setdefault(canonical(row, self.ignore), index)
        self.tokens[index] = tokens
        self.lsh.insert(index, _minhash(tokens))


def _minhash(tokens: set[str]) -> Any:
    from datasketch import MinHash

    m = MinHash(num_perm=PERMUTATIONS, seed=1)
    m.update_batch([t.encode("utf-8") for t in tokens] or [b""])
    return m


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
