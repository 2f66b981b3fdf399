"""End to end on the embedded model (slow): the Done-when command's path with the network cut, on a fixture feed."""

from __future__ import annotations

import json

import pytest

from llmworks.cli import main

from .helpers import FIXTURES


@pytest.mark.slow
def test_dry_run_on_the_embedded_model_offline(tmp_path, no_network, capsys):
    items = tmp_path / "items.jsonl"
    items.write_text(
        "".join(json.dumps({"title": f"T{n}", "price": 300.0 + n, "text": f"T{n}"}) + "\n" for n in range(9))
    )
    args = ["deals", "run", "-f", str(FIXTURES / "deals.xml"), "--dry-run", "--pricer", "constant"]
    assert main([*args, "--train-data", str(items)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.strip().startswith("https://deals.example/")]
    assert listed and all(url.strip() in (FIXTURES / "deals.xml").read_text() for url in listed)
    assert out.count("evidence: ") == len(listed)
