"""A cost budget the agent cannot exceed: the model is wrapped so that, before each call, the worst case of that call
(its prompt, plus its whole output cap) is priced from the catalog and refused if it would take the total past the
budget.

    guarded = Budgeted(llm.get_model(), budget_usd=0.05)
    llm.run_tools(..., model=guarded)       # raises BudgetExceeded before the call that would overspend
    guarded.spent_usd, guarded.calls
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...errors import LlmworksError
from ...llm import Model, catalog
from ...llm.types import Completion, Request

DEFAULT_OUTPUT_CAP = 1024
"""The output cap assumed when a call sets none (the embedded models' own default cap)."""


class BudgetExceeded(LlmworksError):
    """The next model call could take the run past its budget; it was not made."""


class Budgeted(Model):
    """`inner`, refusing any call whose worst-case cost would take the total past `budget_usd`."""

    def __init__(self, inner: Model, budget_usd: float):
        self.inner, self.budget_usd = inner, budget_usd
        self.name, self.context_window, self.max_output = inner.name, inner.context_window, inner.max_output
        self.streams_cheaply = inner.streams_cheaply
        self.spent_usd, self.calls = 0.0, 0
        if catalog.cost_usd(self.name, 1000, 1000) is None:
            raise LlmworksError(
                f"The price of {self.name} is unknown, so a budget cannot be kept.",
                "Use a model with a known price (llmworks models) or an offline local/ model.",
            )

    @property
    def info(self):
        return self.inner.info

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def worst_case(self, request: Request) -> float:
        text = "\n".join(str(m.get("content") or "") + json.dumps(m.get("tool_calls") or "") for m in request.messages)
        tools = json.dumps([t.parameters for t in request.tools or []])
        prompt = self.count_tokens(text + tools) + 4 * len(request.messages)
        return catalog.cost_usd(self.name, prompt, request.max_tokens or DEFAULT_OUTPUT_CAP) or 0.0

    def _admit(self, request: Request) -> None:
        worst = self.worst_case(request)
        if self.spent_usd + worst > self.budget_usd:
            raise BudgetExceeded(
                f"Stopped before model call {self.calls + 1}: it could cost ${worst:.4f}, and ${self.spent_usd:.4f} "
                f"of the ${self.budget_usd:.4f} budget is spent.",
                "Raise --budget to let the agent go further.",
            )

    def _spend(self, completion: Completion) -> None:
        self.calls += 1
        self.spent_usd += catalog.cost_usd(self.name, completion.input_tokens, completion.output_tokens) or 0.0

    def complete(self, request: Request) -> Completion:
        self._admit(request)
        completion = self.inner.complete(request)
        self._spend(completion)
        return completion

    def stream(self, request: Request) -> Iterator[str | Completion]:
        self._admit(request)
        for item in self.inner.stream(request):
            if isinstance(item, Completion):
                self._spend(item)
            yield item
