"""Text safe to store and to print: no terminal control characters.

A name like "Ada\\x1b]0;pwned\\x07" would retitle the terminal, and "\\x1b[2J" clear it, when a command prints it;
a CR or a bidi override can make one string look like another. Free text from users and models passes through here
before it is stored and again before it is printed (rows stored by older versions are not clean).
"""

from __future__ import annotations

import re

# C0 (except tab and newline), DEL, C1 (U+009B is a one-character CSI), bidi embeddings/overrides/isolates
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` without control characters; tabs and newlines are kept."""
    return _CONTROLS.sub("", text)


def one_line(text: str) -> str:
    """`text` as one printable line: controls removed, every run of whitespace (newlines too) one space."""
    return " ".join(printable(text).split())
