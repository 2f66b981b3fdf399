"""The fixed tune/report halves of the RAG dev questions, shared by the RAG benchmarks."""

from __future__ import annotations

import random

SPLIT_SEED = 20251129  # fixed: the halves must never change, or tuning leaks into the report half


def split_questions(tests: list, seed: int = SPLIT_SEED) -> dict[str, list]:
    """{'tune': [...], 'report': [...]}: each category shuffled with `seed` and halved (the odd one goes to tune)."""
    halves: dict[str, list] = {"tune": [], "report": []}
    for category in sorted({t.category for t in tests}):
        group = [t for t in tests if t.category == category]
        random.Random(f"{seed}:{category}").shuffle(group)
        cut = (len(group) + 1) // 2
        halves["tune"] += group[:cut]
        halves["report"] += group[cut:]
    return halves
