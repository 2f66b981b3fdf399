"""The workbench in a real browser (Debian chromium driven by Playwright): chat with a streamed answer from the
embedded model, then summarize a page of the fixture site in the Summarizer tab. Screenshots go to tmp_path."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (make system)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def workbench(allow_private):
    from llmworks.ui import build_app

    demo = build_app()
    demo.queue()
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=_free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        demo.close()


@pytest.fixture
def page(workbench):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(workbench)
            yield page
        finally:
            browser.close()


def test_chat_streams_then_summarizer_reads_the_fixture_site(page, site_url, tmp_path):
    from playwright.sync_api import expect

    # Chat tab: a short reply from local/smollm2, watched while it streams
    page.get_by_label("Max tokens per reply").fill("60")  # about a second of streaming at full speed
    page.locator("#chat-input textarea").fill("Say hello to Ada in one sentence.")
    page.locator("#chat-send").click()
    bot = page.locator("#chat-chatbot .message.bot").last
    seen: list[str] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if bot.count():
            text = bot.inner_text().strip()
            if text and (not seen or text != seen[-1]):
                seen.append(text)
        if "local/smollm2" in page.locator("#chat-stats").inner_text():
            break
        time.sleep(0.02)
    stats = page.locator("#chat-stats").inner_text()
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    assert "local/smollm2" in stats and "out tokens" in stats and "$0.0000" in stats, stats
    final = bot.inner_text().strip()
    assert final and "Traceback" not in final
    assert len(seen) >= 2, f"the answer arrived in one piece, not streamed: {seen}"
    assert all(final.startswith(partial[:20]) for partial in seen)  # earlier states were prefixes of the answer

    # Summarizer tab: the fixture company's products page
    page.get_by_role("tab", name="Summarizer").click()
    page.locator("#summarize-url textarea, #summarize-url input").first.fill(f"{site_url}/products.html")
    page.get_by_label("Max tokens", exact=True).fill("60")
    page.locator("#summarize-go").click()
    status = page.locator("#summarize-status")
    expect(status).to_contain_text("local/smollm2", timeout=240_000)
    summary = page.locator("#summarize-output").inner_text()
    page.screenshot(path=str(tmp_path / "summarizer.png"), full_page=True)
    assert len(summary.split()) >= 5 and "Error" not in status.inner_text()
    print(f"screenshots: {tmp_path}")
