"""Company brochure from its web site: the model picks the relevant links (structured output, checked in code),
the pages are read, and a markdown brochure for customers, investors and recruits is streamed.

    from llmworks.apps.brochure import create_brochure, Progress, Delta, Done
"""

from .brochure import TONES, Delta, Done, Progress, brochure_messages, create_brochure
from .links import LINK_TYPES, LinkChoice, LinkSelection, candidate_links, clean_selection, select_links

__all__ = [
    "create_brochure", "brochure_messages", "Progress", "Delta", "Done", "TONES",
    "select_links", "candidate_links", "clean_selection", "LinkChoice", "LinkSelection", "LINK_TYPES",
]
