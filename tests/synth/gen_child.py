"""One generation in a child process, for the kill -9 test (test_generate.py).

    python gen_child.py OUT N DELAY

It uses conftest.OrderWriter with DELAY seconds per model call and prints `kept N` after every committed batch.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("synth_conftest", Path(__file__).with_name("conftest.py"))
conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conftest)

from llmworks.apps import synth  # noqa: E402
from llmworks.events import Progress  # noqa: E402

out, n, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
writer = conftest.OrderWriter(bad={4}, dup={7}, delay=delay)
for event in synth.generate(synth.load(conftest.SPEC), n, out, model=writer.model, batch_size=3):
    if isinstance(event, Progress) and "/" in event.text:
        print("kept", event.text.split("/")[0], flush=True)
print("done", flush=True)
