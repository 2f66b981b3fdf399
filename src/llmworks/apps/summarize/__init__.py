"""Website summarizer: fetch a page safely, stream a markdown summary in a chosen style.

from llmworks.apps import summarize
for event in summarize.run("https://example.com", style="snarky"): ...   # Progress, Delta…, Done(Summary)
summarize.summarize("https://example.com").text                          # the summary alone
"""

from .summarizer import REPLY_TOKENS, STYLE, STYLES, Summary, run, summarize, summarize_page, summary_messages

__all__ = ["REPLY_TOKENS", "STYLE", "STYLES", "Summary", "run", "summarize", "summarize_page", "summary_messages"]
