"""Website summarizer: fetch a page safely, stream a markdown summary in a chosen style.

    from llmworks.apps.summarize import summarize
    for delta in summarize("https://example.com", style="snarky"): print(delta, end="")
"""

from .summarizer import STYLES, summarize, summarize_page, summary_messages

__all__ = ["summarize", "summarize_page", "summary_messages", "STYLES"]
