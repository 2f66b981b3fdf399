"""Technical tutor: a persona and worked examples (multi-shot) before the question; the answer is streamed.

    from llmworks.apps.tutor import ask
    for delta in ask("What is a Python generator?"): print(delta, end="")
"""

from .tutor import EXAMPLES, SYSTEM, ask, tutor_messages

__all__ = ["ask", "tutor_messages", "SYSTEM", "EXAMPLES"]
