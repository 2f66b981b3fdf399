"""The showdown app: every model answers every prompt `repeats` times; one row per model with its quality and a
95 % interval, speed, cost and errors, and a paired test against the best that marks statistical ties.

    result = events.result(showdown.run(["local/smollm2", "local/qwen2.5-0.5b"], repeats=3))
    result.rows[0].model, result.rows[0].quality, result.rows[0].ci_low, result.rows[0].verdict
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Generator, Sequence
from dataclasses import asdict, dataclass, field

from ... import llm
from ...errors import LlmworksError
from ...events import Done, Event, Progress, app
from . import checks, stats
from .prompts import PromptItem, default_prompts

REPEATS = 3
"""Each prompt is asked this often per model: with sampling on, one answer says little about the next."""
REPLY_CHARS = 2000
"""A reply kept in the result (JSON export, workbench) is cut here; scoring saw all of it."""


@dataclass
class Run:
    """One model's reply to one prompt in one repeat, and its score."""

    model: str
    prompt_id: str
    repeat: int
    score: float = 0.0
    note: str = ""
    """Why the check failed (empty when it passed)."""
    reply: str = ""
    error: str | None = None
    ttft_s: float | None = None
    duration_s: float | None = None
    output_tokens: int = 0
    tokens_per_s: float | None = None
    cost_usd: float | None = 0.0


@dataclass
class Row:
    """One model's summary."""

    model: str
    quality: float
    ci_low: float
    ci_high: float
    ttft_p50_s: float | None
    ttft_p95_s: float | None
    tokens_per_s: float | None
    """Median decoding speed of its replies."""
    cost_per_run_usd: float | None
    """All prompts once; None when a price is unknown."""
    errors: int
    calls: int
    verdict: str = "best"
    """'best', 'tie' (the paired test cannot tell it from the best) or 'worse'."""
    p_value: float | None = None
    """Of the paired test against the best model."""


@dataclass
class ShowdownResult:
    rows: list[Row]
    """Best quality first."""
    runs: list[Run] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    repeats: int = REPEATS
    judge: str | None = None

    def as_dict(self) -> dict:
        return {
            "prompts": self.prompts,
            "repeats": self.repeats,
            "judge": self.judge,
            "confidence": stats.LEVEL,
            "rows": [asdict(r) for r in self.rows],
            "runs": [asdict(r) for r in self.runs],
        }


@app
def run(
    models: Sequence[str | llm.Model],
    prompts: Sequence[PromptItem] | None = None,
    *,
    repeats: int = REPEATS,
    judge: str | llm.Model | None = None,
    temperature: float | None = None,
) -> Generator[Event, None, None]:
    """Ask every model every prompt `repeats` times, score the replies, and rank the models."""
    items = list(prompts) if prompts is not None else default_prompts()
    names = [m if isinstance(m, str) else m.name for m in models]
    if not names:
        raise LlmworksError(
            "No model to compare.", "Name one or more with -m, e.g. -m local/smollm2 -m local/qwen2.5-0.5b."
        )
    if len(set(names)) != len(names):
        raise LlmworksError("A model is named twice.", "Name each model once.")
    if repeats < 1:
        raise LlmworksError(f"repeats must be at least 1, got {repeats}.", "Use 3 or more for a useful interval.")
    judged = any(item.check.kind == "judge" for item in items)
    if judged and judge is None:
        from ...config import get_settings

        judge = get_settings().model
    for m in models:  # an unknown name fails now, not after an hour of the other models
        llm.capabilities(m)

    runs: list[Run] = []
    total, done = len(models) * repeats * len(items), 0
    for model, name in zip(models, names):
        if llm.capabilities(model).embedded:  # load it now, so that its first TTFT is not the load time
            yield Progress(f"Loading {name}")
            try:
                llm.chat("Hi", model=model, max_tokens=1)
            except llm.LLMError:
                pass  # the runs will record the failure, once per prompt
        for repeat in range(repeats):
            for item in items:
                done += 1
                yield Progress(f"[{done}/{total}] {name} · repeat {repeat + 1} · {item.id}")
                runs.append(_ask(model, name, item, repeat, temperature))
                if runs[-1].error:
                    yield Progress(f"{name} failed on {item.id}: {runs[-1].error}", warning=True)

    by_id = {item.id: item for item in items}
    to_judge = [r for r in runs if r.error is None and by_id[r.prompt_id].check.kind == "judge"]
    for i, r in enumerate(to_judge, 1):
        yield Progress(f"[judge {i}/{len(to_judge)}] {r.model} · {r.prompt_id}")
        item = by_id[r.prompt_id]
        try:
            r.score, r.note = checks.judge(item.check.judge or "", item.prompt, r.reply, model=judge)
        except llm.LLMError as e:  # the judge's failure is not the model's: say so, and score it as failed
            r.score, r.note = 0.0, f"judge failed: {e}"
            yield Progress(f"the judge failed on {r.model} · {r.prompt_id}: {e}", warning=True)

    rows = _rows(names, items, repeats, runs)
    judge_name = None if not judged else judge if isinstance(judge, str) else getattr(judge, "name", None)
    yield Done(ShowdownResult(rows, runs, [i.id for i in items], repeats, judge_name))


def _ask(model: str | llm.Model, name: str, item: PromptItem, repeat: int, temperature: float | None) -> Run:
    run = Run(name, item.id, repeat)
    stream = llm.stream(
        item.prompt, model=model, system=item.system, temperature=temperature, max_tokens=item.max_tokens
    )
    try:
        reply = "".join(stream)
    except llm.LLMError as e:  # the model's failure (provider error, window, cancelled): counted, scored 0
        run.error, run.note = str(e), "error"
        return run
    response = stream.response
    run.reply = reply[:REPLY_CHARS]
    if response is not None:
        run.ttft_s, run.duration_s = response.ttft_s, response.duration_s
        run.output_tokens, run.tokens_per_s = response.usage.output_tokens, response.tokens_per_s
        run.cost_usd = response.usage.cost_usd
    if item.check.kind != "judge":
        run.score, run.note = checks.score(item.check, reply)
    return run


def _rows(names: list[str], items: list[PromptItem], repeats: int, runs: list[Run]) -> list[Row]:
    import numpy as np

    index = {item.id: i for i, item in enumerate(items)}
    matrices, rows = {}, []
    for name in names:
        mine = [r for r in runs if r.model == name]
        scores = np.zeros((len(items), repeats))
        for r in mine:
            scores[index[r.prompt_id], r.repeat] = r.score
        matrices[name] = scores
        ok = [r for r in mine if r.error is None]
        ttfts = [r.ttft_s for r in ok if r.ttft_s is not None]
        speeds = [r.tokens_per_s for r in ok if r.tokens_per_s]
        costs = [r.cost_usd for r in mine]
        mean, low, high = stats.bootstrap_ci(scores)
        rows.append(
            Row(
                model=name,
                quality=mean,
                ci_low=low,
                ci_high=high,
                ttft_p50_s=stats.percentile(ttfts, 50),
                ttft_p95_s=stats.percentile(ttfts, 95),
                tokens_per_s=statistics.median(speeds) if speeds else None,
                cost_per_run_usd=None if any(c is None for c in costs) else math.fsum(costs) / repeats,
                errors=sum(r.error is not None for r in mine),
                calls=len(mine),
            )
        )
    rows.sort(key=lambda r: -r.quality)  # stable: equal quality keeps the order the models were named in
    best = rows[0]
    for row in rows[1:]:
        _, p = stats.paired_test(matrices[best.model], matrices[row.model])
        row.p_value = p
        row.verdict = "tie" if p >= stats.ALPHA else "worse"
    return rows
