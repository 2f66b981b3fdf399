"""A scripted row writer for the synth tests: real generator code, a fake brain that reads the prompt.

`OrderWriter` answers a batch request ("Write rows A to B …", hints "- row k: region 'East', customer starting with
'K'") with rows numbered A…B that follow the hints, and a repair request ("This row is wrong: …") with the row fixed.
Knobs make some rows invalid (`bad`: quantity 999, fixed by the repair unless `unfixable`), exact repeats of the first
row (`dup`) or near ones (`near`: a new id, one more word), or give rows a total, wrong by 1 in some (`totals`), so each
path of the generator can be driven.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from llmworks.llm.testing import FunctionModel

HERE = Path(__file__).parent
SPEC = HERE / "orders.json"
WORDS = ["Supplies", "Traders", "Office", "Paper", "Goods", "Depot", "Partners", "Works", "Stationers", "Group"]


class OrderWriter:
    def __init__(self, *, bad=(), dup=(), near=(), unfixable=False, always_bad=False, delay=0.0, totals=None):
        self.bad, self.dup, self.near = set(bad), set(dup), set(near)  # row numbers written wrong / repeated
        self.totals = None if totals is None else set(totals)  # write a total; one off by 1 in these rows
        self.unfixable, self.always_bad, self.delay = unfixable, always_bad, delay
        self.first: dict | None = None
        self.model = FunctionModel(self.reply, name="test/orders")

    def reply(self, request):
        time.sleep(self.delay)
        prompt = request.messages[-1]["content"]
        if "This row is wrong:" in prompt:
            row = json.loads(prompt.split("This row is wrong:\n", 1)[1].split("\n", 1)[0])
            if not self.unfixable:
                row["quantity"] = 5
            return row
        first, last = map(int, re.search(r"Write rows (\d+) to (\d+)", prompt).groups())
        hints = dict(re.findall(r"- row (\d+): (.*)", prompt))
        return {"rows": [self.row(i, hints.get(str(i), "")) for i in range(first, last + 1)]}

    def row(self, i: int, hint: str) -> dict:
        if i in self.dup and self.first:
            return dict(self.first)  # the first row again, id and all
        if i in self.near and self.first:  # the first row under a new id, one word longer
            return dict(self.first, order_id=f"ORD-{i:05d}", customer=self.first["customer"] + " Group")
        region = re.search(r"region '(\w+)'", hint)
        letter = re.search(r"customer starting with '(\w)'", hint)
        row = {
            "order_id": f"ORD-{i:05d}",
            "customer": f"{letter.group(1) if letter else 'A'}{WORDS[i % 10].lower()} {WORDS[(i * 3) % 10]}",
            "region": region.group(1) if region else "North",
            "quantity": i,
            "unit_price": round(1.5 * i, 2),
            "order_date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        if self.totals is not None:
            row["total"] = round(row["quantity"] * row["unit_price"], 2) + (i in self.totals)
        self.first = self.first or dict(row)
        if i in self.bad or self.always_bad:
            row["quantity"] = 999  # above the schema's maximum of 500
        return row


@pytest.fixture
def spec():
    from llmworks.apps import synth

    return synth.load(SPEC)


@pytest.fixture
def writer():
    """The OrderWriter class: `writer(bad={4})` makes one."""
    return OrderWriter


@pytest.fixture
def spec_path():
    return SPEC
