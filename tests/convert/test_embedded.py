"""End to end on a real embedded model (SmolLM2, the fast one): the loop runs, whatever the 135M writes, and the
verdict says honestly what happened."""

from __future__ import annotations

import pytest

from llmworks.apps import convert
from llmworks.events import final

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("native")]


def test_a_real_model_is_asked_checked_and_given_a_verdict(pi_file):
    c = final(convert.run(pi_file, model="local/smollm2", repairs=0, baseline=False, max_tokens=256)).result
    assert c.verdict in convert.VERDICTS and c.verdict != "env"
    assert len(c.rounds) == 1 and 0 < c.usage.output_tokens <= 256
    assert all(r.verdict == "pass" or r.detail for r in c.rounds)  # every failure says why
    assert pi_file.with_suffix(".cpp").read_text() == c.code
