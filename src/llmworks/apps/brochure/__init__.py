"""Company brochure from its web site: the model picks the relevant links (structured output, checked in code),
the pages are read, and a markdown brochure for customers, investors and recruits is streamed.

    from llmworks.apps import brochure
    for event in brochure.run("Acme", "https://acme.example"): ...   # Progress…, Delta…, Done(Brochure)
"""

from .brochure import LANGUAGE, REPLY_TOKENS, TONE, TONES, Brochure, brochure_messages, run, write_brochure
from .links import LINK_TYPES, MAX_LINKS, LinkChoice, LinkSelection, candidate_links, clean_selection, select_links

__all__ = [
    "LANGUAGE",
    "LINK_TYPES",
    "MAX_LINKS",
    "REPLY_TOKENS",
    "TONE",
    "TONES",
    "Brochure",
    "LinkChoice",
    "LinkSelection",
    "brochure_messages",
    "candidate_links",
    "clean_selection",
    "run",
    "select_links",
    "write_brochure",
]
