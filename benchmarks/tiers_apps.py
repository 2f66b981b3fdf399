"""The per-app runners of benchmarks/offline_tiers.py: each scores one offline app on one model and returns a Cell.

Every runner takes (model, n, ctx, tick): `model` is a name or an llm.Model (tests pass scripted ones), `n` how many
items to score, `ctx` the shared inputs (data paths, the served site, the RAG index), `tick()` is called after each
item (progress). Rubrics are plain code, never a model judging itself.
"""

from __future__ import annotations

import itertools
import re
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Cell:
    figure: float | None
    """The quality figure (a share in 0-1, or dollars for the pricer)."""
    text: str
    """As shown in the table, with what it rests on, e.g. '0.65 (13/20)'."""
    n: str
    """What the figure rests on, e.g. '20 requests'."""
    extra: dict = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Context:
    insurellm: Path
    """The Insurellm folder: knowledge-base/ and tests_dev.jsonl."""
    pricer_items: Path
    rag_db: Path | None = None
    """A Chroma index of the knowledge base, ingested once by the parent process."""
    site: str | None = None
    """Base URL of the Insurellm site served on localhost (brochure, summarizer)."""
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tiers-")))


Tick = Callable[[], None]


def share(hits: int, n: int) -> Cell:
    return Cell(hits / n if n else None, f"{hits / n:.2f} ({hits}/{n})" if n else "n/a", "")


def fold(text: str) -> str:
    """Lower case without accents, so 'Días' matches 'dias'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def interleave(groups: list[list]) -> list:
    """Round-robin over the groups, so the first n items of a limited run are balanced."""
    return [x for row in itertools.zip_longest(*groups) for x in row if x is not None]


# --- airline -----------------------------------------------------------------------------------------------------


def airline(model, n: int, ctx: Context, tick: Tick) -> Cell:
    """FlightAI's first tool call (name and every argument) against the expected one; off-topic = no tool."""
    import airline_tools

    db = airline_tools.seeded_db(ctx.workdir / "airline.db")
    rows = airline_tools.run_requests(model, db, limit=n, on_row=lambda i, row: tick())
    cell = share(sum(r["args_ok"] for r in rows), len(rows))
    cell.n = f"{len(rows)} requests"
    cell.extra = {
        "tool_ok": sum(r["tool_ok"] for r in rows),
        "off_topic_ok": sum(r["tool_ok"] for r in rows if r["tool"] is None),
        "off_topic": sum(r["tool"] is None for r in rows),
    }
    return cell


# --- brochure and summarizer ---------------------------------------------------------------------------------------


def brochure(model, n: int, ctx: Context, tick: Tick) -> Cell:
    """Known Insurellm facts (founder, year, city, the 8 products, head count) named in the brochure."""
    import web_brochure

    run = web_brochure.run_brochure(ctx.site, model)
    tick()
    cell = share(len(run.facts), len(web_brochure.FACTS))
    cell.n = "1 brochure, 12 facts"
    cell.extra = {
        "facts": run.facts,
        "links": len(run.done.links),
        "bad_links": run.bad,
        "finish_reason": run.done.response.finish_reason if run.done.response else None,
    }
    return cell


SUMMARY_PAGES = ["/about", "/"]


def summarizer(model, n: int, ctx: Context, tick: Tick) -> Cell:
    """Of the known facts each page holds, the share its neutral summary names (pooled over the pages)."""
    import web_brochure

    found = total = 0
    per_page = {}
    for path in SUMMARY_PAGES[:n]:
        _, _, facts, on_page = web_brochure.run_summary(ctx.site, path, model)
        found, total = found + len(facts), total + len(on_page)
        per_page[path] = f"{len(facts)}/{len(on_page)}"
        tick()
    cell = share(found, total)
    cell.n = f"{len(per_page)} pages, {total} facts"
    cell.extra = per_page
    return cell


# --- RAG -----------------------------------------------------------------------------------------------------------


def answer_keywords(question: str, keywords: list[str]) -> list[str]:
    """The keywords an answer must bring: those the question does not already contain (all if it has them all)."""
    new = [k for k in keywords if fold(k) not in fold(question)]
    return new or keywords


def keyword_recall(answer: str, keywords: list[str]) -> float:
    return sum(fold(k) in fold(answer) for k in keywords) / len(keywords)


def rag_questions(path: Path, n: int) -> list:
    from llmworks.apps.rag import load_tests

    tests = load_tests(path)
    by_category: dict[str, list] = {}
    for t in tests:
        by_category.setdefault(t.category, []).append(t)
    return interleave(list(by_category.values()))[:n]


def rag(model, n: int, ctx: Context, tick: Tick) -> Cell:
    """Insurellm dev questions (spread over the categories) answered by the RAG app from the pre-built index:
    mean recall of the answer keywords the question does not give away; 'I don't know' rate beside it."""
    from llmworks.apps.rag import KnowledgeBase

    if ctx.rag_db is None:
        raise RuntimeError("no RAG index was built")
    kb = KnowledgeBase.open(ctx.rag_db)
    recalls, idk, samples = [], 0, []
    for test in rag_questions(ctx.insurellm / "tests_dev.jsonl", n):
        a = kb.answer(test.question, model=model)
        recalls.append(keyword_recall(a.text, answer_keywords(test.question, test.keywords)) if a.known else 0.0)
        idk += not a.known
        samples.append(a.text[:120])
        tick()
    mean = statistics.mean(recalls)
    return Cell(
        mean,
        f"{mean:.2f} (IDK {idk}/{len(recalls)})",
        f"{len(recalls)} questions",
        {"idk": idk, "idk_rate": idk / len(recalls), "samples": samples},
    )


# --- pricer --------------------------------------------------------------------------------------------------------


def pricer(model, n: int, ctx: Context, tick: Tick) -> Cell:
    """Zero-shot LLM pricer (constrained {"price": number}) on the first n items of the leaderboard's hold-out."""
    from llmworks.apps.pricer import evaluate, holdout_split, load_items
    from llmworks.apps.pricer.llm_pricers import LLMPricer

    _, test = holdout_split(load_items(ctx.pricer_items), 250)  # the leaderboard's split, seed 42

    class Ticking(LLMPricer):
        def predict(self, items):
            out = []
            for item in items:
                out.append(self.ask(self.messages(item)))
                tick()
            return out

    report = evaluate(Ticking(model=model), test[:n])
    return Cell(
        report.error,
        f"${report.error:.0f} (n={report.n})",
        f"{report.n} items",
        {"rmsle": report.rmsle, "hit_rate": report.hit_rate, "missing": report.missing},
    )


# --- debate --------------------------------------------------------------------------------------------------------

DEBATE_TOPIC = "Should cities ban private cars from their centres?"
_ARGUE = re.compile(
    r"\b(disagree|(?:don'?t|do not|can'?t|cannot|won'?t) (?:agree|buy)|wrong|nonsense|ridiculous|absurd|naive|"
    r"flawed|laughable|silly|rubbish|seriously|come on|oh please|give me a break|spare me|not true|hardly|nope|"
    r"no way|doesn'?t make (?:any )?sense|missing the point|oh sure|let'?s be real|get real|really\?)",
    re.I,
)
_POLITE = re.compile(
    r"\b(i (?:completely |totally |fully )?agree|agree with|good point|great point|fair point|valid point|"
    r"you'?re (?:right|correct)|you are (?:right|correct)|i understand|i see your point|i see where|common ground|"
    r"thank you|thanks|appreciate|respect|well said|i hear you|let'?s find|middle ground|both (?:of us|sides))",
    re.I,
)
PERSONA_MARKERS = {"argumentative": _ARGUE, "polite": _POLITE}


def persona_kept(text: str, persona: str) -> bool:
    """Whether a turn shows its persona: more of its own markers than of the opposite one's ('I don't agree'
    counts as arguing, not agreeing)."""
    argue = _ARGUE.findall(text)
    polite = _POLITE.findall(_ARGUE.sub(" ", text))
    own, other = (argue, polite) if persona == "argumentative" else (polite, argue)
    return len(own) > len(other)


def debate(model, n: int, ctx: Context, tick: Tick) -> Cell:
    """The debate app's own ARGUMENTATIVE and POLITE personas, model against itself, for n turns: the share of
    turns that keep their persona by the keyword rubric above."""
    from llmworks.apps.debate import ARGUMENTATIVE, POLITE, Conversation, Speaker

    personas = {"Alex": "argumentative", "Blake": "polite"}
    convo = Conversation([Speaker("Alex", model, ARGUMENTATIVE), Speaker("Blake", model, POLITE)], topic=DEBATE_TOPIC)
    kept, samples = [], []  # (persona, kept it), the turns' beginnings
    for _ in range(n):  # the speakers alternate
        for _event in convo.step():
            pass
        turn = convo.turns[-1]
        persona = personas[turn.speaker]
        kept.append((persona, persona_kept(turn.text, persona)))
        samples.append(f"{turn.speaker}: {turn.text[:160]}")
        tick()
    cell = share(sum(k for _, k in kept), len(kept))
    cell.n = f"{len(kept)} turns"
    cell.extra = {p: f"{sum(k for q, k in kept if q == p)}/{sum(q == p for q, _ in kept)}" for p in personas.values()}
    cell.extra["samples"] = samples
    return cell


# --- translation ---------------------------------------------------------------------------------------------------

TRANSLATION_CAP = 64
"""Output tokens allowed per translation: a few words need ~10-20; a reply that hits the cap has run away."""
# sentence -> language -> words that must all appear (each a regex of accepted forms, matched accent-folded)
SENTENCES = {
    "Hello world": {
        "French": [r"bonjour|salut", r"monde"],
        "Spanish": [r"hola", r"mundo"],
        "German": [r"hallo", r"welt"],
    },
    "Thank you very much.": {"French": [r"merci", r"beaucoup"], "Spanish": [r"gracias"], "German": [r"danke|dank"]},
    "The cat is black.": {
        "French": [r"chat", r"noir"],
        "Spanish": [r"gato", r"negro"],
        "German": [r"katze", r"schwarz"],
    },
    "Where is the train station?": {"French": [r"\bgare\b"], "Spanish": [r"estacion"], "German": [r"bahnhof"]},
    "I love music.": {
        "French": [r"musique", r"aime|adore"],
        "Spanish": [r"musica", r"amo|encanta|gusta"],
        "German": [r"musik", r"liebe"],
    },
    "Good morning, my friend.": {
        "French": [r"bonjour", r"ami"],
        "Spanish": [r"buenos dias", r"amig"],
        "German": [r"guten morgen", r"freund"],
    },
}


def translation_cases() -> list[tuple[str, str, list[str]]]:
    return [(s, lang, words) for s, langs in SENTENCES.items() for lang, words in langs.items()]


def translation_ok(reply: str, words: list[str]) -> bool:
    folded = fold(reply)
    return all(re.search(w, folded) for w in words)


def translation(model, n: int, ctx: Context, tick: Tick) -> Cell:
    """`llmworks chat -s "Translate to French"` on short sentences into French, Spanish and German: the share whose
    reply holds the expected words and ended by itself (finish_reason 'stop') within the cap."""
    from llmworks import llm

    good = ended = 0
    cases = translation_cases()[:n]
    reasons, samples = [], []
    for sentence, language, words in cases:
        r = llm.chat(sentence, model=model, system=f"Translate to {language}", max_tokens=TRANSLATION_CAP)
        stopped = r.finish_reason == "stop"
        good += stopped and translation_ok(r.text, words)
        ended += stopped
        reasons.append(r.finish_reason)
        samples.append(r.text[:80])
        tick()
    cell = share(good, len(cases))
    cell.text += f", ended {ended}/{len(cases)}"
    cell.n = f"{len(cases)} sentences"
    cell.extra = {"ended": ended, "finish_reasons": reasons, "samples": samples}
    return cell


# --- speed ---------------------------------------------------------------------------------------------------------

PROBE_TOKENS = 500
PROBE_REPLY = 150
PROBE_ASK = "Summarize this product page in three short bullet points.\n\n"
PROBE_PAGES = ["products/Carllm.md", "products/Homellm.md", "products/Lifellm.md"]
CALIBRATION_PAGE = "products/Rellm.md"  # same style as the probe pages, not one of them


def probe_prompts(kb: Path, model, k: int) -> tuple[float, list[str]]:
    """(load seconds, k prompts of ~PROBE_TOKENS tokens). Embedded models only estimate token counts (4 chars a
    token), so the model's own count of a calibration text sets the clip; each prompt is a different page, so
    llama.cpp's prompt cache cannot serve one from another."""
    from llmworks import llm

    start = time.perf_counter()
    hi = llm.chat("Hi", model=model, max_tokens=1)  # loads the model; what the chat template adds to a prompt
    load = time.perf_counter() - start
    sample = (kb / CALIBRATION_PAGE).read_text(encoding="utf-8")[:2000]
    measured = llm.chat(sample, model=model, max_tokens=1).usage.input_tokens - hi.usage.input_tokens
    chars = int(len(sample) / max(measured, 1) * (PROBE_TOKENS - hi.usage.input_tokens))
    return load, [(PROBE_ASK + (kb / page).read_text(encoding="utf-8"))[:chars] for page in PROBE_PAGES[:k]]


def speed(model, k: int, ctx: Context, tick: Tick) -> dict:
    """Load time, then the median of k replies (up to PROBE_REPLY tokens, temperature 0) to ~500-token prompts:
    time to first token, generation tokens/s, whole reply seconds."""
    from llmworks import llm

    load, prompts = probe_prompts(ctx.insurellm / "knowledge-base", model, k)
    runs = []
    for prompt in prompts:
        s = llm.stream(prompt, model=model, temperature=0.0, max_tokens=PROBE_REPLY)
        for _ in s:
            pass
        r = s.response
        runs.append(
            {
                "ttft_s": r.ttft_s,
                "tokens_per_s": r.tokens_per_s,
                "seconds": r.duration_s,
                "input_tokens": r.usage.input_tokens,
                "output_tokens": r.usage.output_tokens,
                "finish_reason": r.finish_reason,
            }
        )
        tick()

    def median(key):
        values = [x[key] for x in runs if x[key] is not None]
        return statistics.median(values) if values else None

    return {
        "load_s": load,
        "ttft_s": median("ttft_s"),
        "tokens_per_s": median("tokens_per_s"),
        "reply_s": median("seconds"),
        "input_tokens": median("input_tokens"),
        "output_tokens": median("output_tokens"),
        "n": len(runs),
        "runs": runs,
    }


APPS = {
    "airline": airline,
    "brochure": brochure,
    "summarizer": summarizer,
    "rag": rag,
    "pricer": pricer,
    "debate": debate,
    "translation": translation,
}
