"""A deal run in a child process, for the kill -9 tests: it reports where it is in a marker file and dawdles at
the point the test kills it. Usage: killed_run.py DB ENDPOINT_URL MARKER"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from helpers import FIXTURES, LISTED, worth

from llmworks import llm
from llmworks.apps.deals import FunctionEstimator, Memory, run
from llmworks.events import result
from llmworks.llm.testing import FunctionModel

db, url, marker = sys.argv[1:4]
calls = {"estimate": 0, "message": 0}


def mark(what: str) -> None:
    calls[what] += 1
    Path(marker).write_text(f"{what} {calls[what]}")
    time.sleep(0.4)  # time for the test to see the marker and kill us here


def estimate(text: str) -> float:
    mark("estimate")
    return worth(text)


def brain(request):
    if request.schema:
        listed = LISTED.findall(request.messages[-1]["content"])
        return {"deals": [{"product_description": "A product.", "price": float(p), "url": u} for u, p in listed]}
    mark("message")
    return "A bargain."


with llm.override(FunctionModel(brain)):
    done = result(
        run(
            [str(FIXTURES / "deals.xml")],
            estimator=FunctionEstimator(estimate),
            memory=Memory.open(db),
            threshold="1",
            notify=[url],
            fetch_pages=False,
        )
    )
Path(marker).write_text(f"done {done.sent}")
