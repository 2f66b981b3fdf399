"""The thin layers: `llmworks deals …` (dry run with evidence, first use trains a pricer, list, reset, watch) and the
workbench tab's functions, on a small pricer saved in the test's data dir."""

from __future__ import annotations

import json

import pytest

from llmworks import llm
from llmworks.cli import main
from llmworks.commands.deals import parse_every
from llmworks.errors import LlmworksError
from llmworks.llm.testing import FunctionEmbedder

from .helpers import FIXTURES, picker

FEED = str(FIXTURES / "deals.xml")


@pytest.fixture
def items(tmp_path):
    """Priced items for a pricer to learn from (a constant pricer: their median is its estimate)."""
    path = tmp_path / "items.jsonl"
    rows = [{"title": f"Thing {n}", "price": 300.0 + n, "text": f"Thing {n}, a product."} for n in range(9)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_dry_run_prints_opportunities_with_estimates_and_evidence(items, capsys):
    with llm.override(picker()):
        code = main(["deals", "run", "-f", FEED, "--dry-run", "--no-fetch", "--pricer", "constant",
                     "--train-data", str(items)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "No saved pricer: training constant on 9 items" in err
    assert "$199.00 — estimate $" in out and 'evidence: Acme 27" 4K IPS Monitor' in out
    assert "Would send:" in out  # the monitor and the drill are $50+ below the constant's estimate
    # the pricer is saved: the next run loads it, and still remembers nothing (dry runs)
    with llm.override(picker()):
        assert main(["deals", "run", "-f", FEED, "--dry-run", "--no-fetch"]) == 0
    assert "Loading the saved constant pricer" in capsys.readouterr().err
    assert main(["deals", "list"]) == 0 and "No deals seen yet" in capsys.readouterr().out


def test_no_saved_pricer_says_how_to_get_one(capsys):
    with llm.override(picker()):
        assert main(["deals", "run", "-f", FEED, "--dry-run", "--no-fetch"]) == 1
    err = capsys.readouterr().err
    assert "No saved pricer" in err and "--train-data" in err and "Traceback" not in err


def test_run_list_and_reset(items, capsys):
    with llm.override(picker()):
        assert (
            main(["deals", "watch", "--every", "10s", "--runs", "1", "-f", FEED, "--no-fetch", "--pricer", "constant"])
            == 1
        )  # fmt: skip  (no saved pricer yet: watch reports it)
        assert main(["deals", "run", "-f", FEED, "--no-fetch", "--pricer", "constant", "--train-data", str(items)]) == 0
    capsys.readouterr()
    assert main(["deals", "list"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 3 and "[alert pending]" in out
    assert main(["deals", "list", "--alerts"]) == 0 and "pending" in capsys.readouterr().out
    assert main(["deals", "reset", "--yes"]) == 0 and "Forgot 3 deals and 3 alerts" in capsys.readouterr().out
    assert main(["deals", "list"]) == 0 and "No deals seen yet" in capsys.readouterr().out


def test_every():
    assert parse_every("10m") == 600 and parse_every("30s") == 30 and parse_every("1h") == 3600
    with pytest.raises(LlmworksError, match="--every"):
        parse_every("5s")


def test_tab_table_resend_steps_and_map(items, capsys):
    from llmworks.ui import deals as tab

    with llm.override(picker()):  # the constant pricer says $304: the $199 monitor is not $200 below it
        assert main(["deals", "run", "-f", FEED, "--no-fetch", "--pricer", "constant", "--train-data", str(items),
                     "-t", "200"]) == 0  # fmt: skip
    rows = tab.table()
    assert len(rows) == 3 and {r[1] for r in rows} == {"pending", ""}

    class Click:
        index = (next(i for i, r in enumerate(rows) if r[1] == "pending"), 0)

    assert "queued" in tab.resend("", rows, Click())  # no notifier: stays queued
    Click.index = (next(i for i, r in enumerate(rows) if r[1] == ""), 0)
    assert "no alert" in tab.resend("", rows, Click())
    assert "scan" in tab.steps()
    with llm.override(FunctionEmbedder(lambda texts: [[len(t), t.count("e"), 1.0] for t in texts], dimensions=3)):
        fig, status = tab.draw_map()
    assert fig is None and "Need 4 deals" in status
    with llm.override(picker()):
        assert main(["deals", "run", "-f", str(FIXTURES / "undeclared.xml"), "--no-fetch"]) == 0
    with llm.override(FunctionEmbedder(lambda texts: [[len(t), t.count("e"), 1.0] for t in texts], dimensions=3)):
        fig, status = tab.draw_map()
    assert status == "" and {t.name for t in fig.data} == {"Monitors", "Tools", "Home", "Headphones"}
    assert sum(len(t.x) for t in fig.data) == 4


def test_tab_refuses_feed_paths_outside_the_allowed_folders():
    from llmworks.ui import deals as tab

    [(log, _, _)] = list(tab.run("/etc/passwd", "50", "", True, False, 0.05, None))
    assert "Error" in log and "passwd" in log
