"""What the RAG benchmarks share: the fixed tune/report halves of the dev questions, and the timed search loop."""

from __future__ import annotations

import random
import time

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


def timed_searches(retriever, tests: list, k: int) -> list[tuple[float, float, list]]:
    """Each test's question searched once: (wall ms, CPU ms, hits) per question."""
    out = []
    for test in tests:
        wall, cpu = time.perf_counter(), time.process_time()
        hits = retriever.search(test.question, k)
        out.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, hits))
    return out
