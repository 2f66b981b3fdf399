"""Technical tutor: a persona and worked examples (multi-shot) before the question; the answer is streamed.

from llmworks.apps import tutor
for event in tutor.run("What is a Python generator?"): ...   # Delta…, Done(Answer)
tutor.answer("What is a Python generator?").text
"""

from .tutor import EXAMPLES, REPLY_TOKENS, SYSTEM, Answer, answer, run, tutor_messages

__all__ = ["EXAMPLES", "REPLY_TOKENS", "SYSTEM", "Answer", "answer", "run", "tutor_messages"]
