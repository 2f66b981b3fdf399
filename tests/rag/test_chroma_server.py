"""The index on a real Chroma server (`chroma run` on loopback): ingest, search, rebuild beside the live index,
and a second client sees what the first one promoted."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from llmworks.apps.rag import KnowledgeBase, ingest, open_store
from llmworks.errors import StoreError


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("the chroma CLI is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [exe, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("chroma run did not start")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def test_ingest_and_search_on_a_chroma_server(chroma_url, corpus, embedder, tmp_path, monkeypatch):
    monkeypatch.setenv("LLMWORKS_HOME", str(tmp_path / "home"))
    kb = KnowledgeBase.open(chroma_url)
    report = kb.ingest(corpus)
    assert len(report.added) == 5 and kb.store.count() == report.chunks_total > 0
    assert kb.search("Who received the IIOTY award?", k=3)[0].source == "employees/Maxine Zebulon.md"

    # a rebuild with other settings happens beside the live collection; another client follows the switch
    other = open_store(chroma_url)
    before = other.count()
    rebuilt = ingest(corpus, kb.store, chunk_size=300, chunk_overlap=50)
    assert rebuilt.rebuilt and other.count() == rebuilt.chunks_total != before
    assert other.info().chunking == kb.store.info().chunking


def test_an_unreachable_server_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMWORKS_HOME", str(tmp_path / "home"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(StoreError, match="Cannot reach the Chroma server") as e:
        open_store(f"http://127.0.0.1:{port}")
    assert "chroma run" in e.value.hint
