"""The minutes app with scripted models: real checking, splitting and merging code, a fake brain."""

from __future__ import annotations

import json

import pytest

from llmworks import events, llm
from llmworks.apps import minutes
from llmworks.apps.minutes import TranscriptIndex
from llmworks.events import Delta, Done, Progress
from llmworks.llm.testing import FunctionModel, ScriptedModel
from llmworks.speech import Segment, Transcript

SEGMENTS = (
    Segment(1.0, 4.0, "Good evening, this is the council meeting of March 3.", "Mayor Lee"),
    Segment(5.0, 9.0, "I move that we approve the park budget.", "Ana Ruiz"),
    Segment(65.0, 69.0, "Motion carries. Ana, please send the report to the board by Friday.", "Mayor Lee"),
)
MEETING = Transcript(" ".join(s.text for s in SEGMENTS), 69.0, 0.0, SEGMENTS)


def notes(**fields) -> str:
    base = {
        "title": "Council meeting",
        "date": "",
        "attendees": [],
        "summary": "The council met.",
        "discussion": [],
        "decisions": [],
        "action_items": [],
    }
    return json.dumps({**base, **fields})


def decision(text: str, quote: str) -> dict:
    return {"text": text, "quote": quote}


def action(task: str, quote: str, owner: str = "", due: str = "") -> dict:
    return {"owner": owner, "task": task, "due": due, "quote": quote}


def run(source, model, **options) -> minutes.Minutes:
    return events.result(minutes.run(source, model=model, **options))


def test_quotes_match_ignoring_case_and_punctuation_and_come_back_verbatim():
    index = TranscriptIndex(SEGMENTS, timed=True)
    found = index.find("motion CARRIES ana please send")
    assert found.quote == "Motion carries. Ana, please send" and found.at == 65.0
    spanning = index.find("approve the park budget motion carries")  # across two segments
    assert spanning.quote == "approve the park budget. Motion carries." and spanning.at == 5.0
    assert index.find("approve the budget") is None  # a word left out is not the transcript's words
    assert index.find("budget park the approve") is None
    assert index.mentions("ana ruiz") and not index.mentions("Bob Smith")
    labelled = index.find("Ana Ruiz: I move that we approve")  # the prompt's label copied into the quote
    assert labelled.quote == "I move that we approve" and labelled.at == 5.0
    assert index.find("Bob: I move that we approve") is None  # not a speaker of this meeting


def test_invented_items_are_dropped_and_counted_real_ones_keep_quote_and_time():
    reply = notes(
        date="March 3",
        attendees=["Ana Ruiz", "Bob Smith"],
        decisions=[
            decision("Park budget approved", "i move that we approve the park budget"),
            decision("A stadium will be built", "we will build a new stadium downtown"),
            decision("Approved", "Mayor Lee: carries"),  # one word said proves nothing: found anywhere
        ],
        action_items=[
            action("Send the report", "please send the report to the board", owner="Ana", due="Friday"),
            action("Repaint city hall", "Bob will repaint city hall", owner="Bob"),
        ],
    )
    m = run(MEETING, ScriptedModel([reply]))
    assert [(d.text, d.quote, d.at) for d in m.decisions] == [
        ("Park budget approved", "I move that we approve the park budget.", 5.0)
    ]
    assert [(a.owner, a.task, a.due, a.quote, a.at) for a in m.action_items] == [
        ("Ana", "Send the report", "Friday", "please send the report to the board", 65.0)
    ]
    assert (m.dropped.decisions, m.dropped.action_items, m.dropped.attendees) == (2, 1, 1)
    assert m.proposed == (3, 2)
    assert m.attendees == ["Mayor Lee", "Ana Ruiz"]  # speaker labels first; Bob is never mentioned
    assert m.date == "March 3" and m.speakers == "from the transcript's speaker labels"
    data = m.to_json()
    assert list(data)[:7] == ["title", "date", "attendees", "summary", "discussion", "decisions", "action_items"]
    assert data["action_items"][0] == {
        "owner": "Ana",
        "task": "Send the report",
        "due": "Friday",
        "quote": "please send the report to the board",
        "at": 65.0,
    }
    assert "3 item(s) the model proposed were dropped" in m.markdown()


def test_owner_due_and_date_the_transcript_never_says_are_not_kept():
    reply = notes(
        date="2024-03-03",
        action_items=[action("Send the report", "send the report to the board by Friday", owner="Carol", due="May 1")],
    )
    m = run(MEETING, ScriptedModel([reply]))
    (item,) = m.action_items
    assert (item.owner, item.due) == (None, None)
    assert m.date is None and (m.dropped.owners, m.dropped.dates) == (1, 2)
    assert "**unassigned**: Send the report" in m.markdown()


def test_a_meeting_with_no_decisions_or_action_items(tmp_path):
    path = tmp_path / "standup.txt"
    path.write_text("We looked at the figures.\nEveryone agreed they look fine.\n", encoding="utf-8")
    model = ScriptedModel([notes(summary="The figures were reviewed.", discussion=["the figures"])])
    evs = list(minutes.run(path, model=model))
    m = evs[-1].result
    assert (m.decisions, m.action_items, m.dropped) == ([], [], minutes.Dropped())
    assert not any(isinstance(e, Progress) and e.warning for e in evs)  # nothing dropped, nothing to warn about
    md = m.markdown()
    assert "## Decisions\n\nNone recorded." in md and "## Action items\n\nNone recorded." in md
    assert "speakers not identified" in md and "[0:" not in md  # a text transcript has no times to show
    assert m.to_json()["decisions"] == [] and m.to_json()["action_items"] == []
    assert [e.text for e in evs if isinstance(e, Delta)] == [md]


def test_long_transcripts_are_read_in_parts_then_summarised_from_the_parts_notes():
    segments = tuple(
        Segment(60.0 * i, 60.0 * i + 30, f"Item {i}: the council discussed topic number {i} at some length today.")
        for i in range(40)
    )
    meeting = Transcript(" ".join(s.text for s in segments), 2400.0, 0.0, segments)

    def brain(request: llm.Request) -> str:
        prompt = request.messages[-1]["content"]
        if prompt.startswith("Notes on the parts"):
            return json.dumps({"title": "Long meeting", "summary": "Forty topics.", "discussion": ["topics"]})
        first = int(prompt.split("Item ", 1)[1].split(":", 1)[0])  # this part's first item
        quote = f"the council discussed topic number {first}"
        return notes(summary=f"From item {first}.", decisions=[decision(f"Topic {first} settled", quote)])

    model = FunctionModel(brain)
    evs = list(minutes.run(meeting, model=model, part_tokens=150))
    m = evs[-1].result
    part_prompts = [r.messages[-1]["content"] for r in model.requests[:-1]]
    assert m.parts == len(part_prompts) >= 4
    assert all(f"part {i} of {m.parts}" in p for i, p in enumerate(part_prompts, start=1))
    assert sum(p.count("Item ") for p in part_prompts) == 40  # every segment read once, none twice
    overview = model.requests[-1].messages[-1]["content"]
    assert all(f"Part {i}: From item" in overview for i in range(1, m.parts + 1))
    assert (m.title, m.summary) == ("Long meeting", "Forty topics.")
    assert [d.at for d in m.decisions] == sorted(d.at for d in m.decisions) and m.decisions[1].at > 0
    assert all(m.decisions[i].quote.endswith(str(int(m.decisions[i].at // 60))) for i in range(len(m.decisions)))


def test_parts_fit_the_models_context_window():
    segments = [Segment(0, 0, "word " * 100)] * 30  # 3,000 words
    small = FunctionModel(lambda r: "", context_window=2048)
    parts = minutes.split(segments, minutes.minutes._budget(small, 10_000), small.count_tokens)
    longest = max(sum(len(s.text.split()) for s in p) for p in parts)
    assert small.count_tokens("word " * longest) <= 2048 - minutes.minutes.REPLY_TOKENS - 800


def test_one_run_on_segment_longer_than_a_part_is_cut_at_sentences():
    text = " ".join(f"Sentence {i} has exactly six words." for i in range(100))
    parts = minutes.split([Segment(0, 10, text)], 100, lambda t: len(t.split()))
    assert len(parts) >= 6 and all(sum(len(s.text.split()) for s in p) <= 100 for p in parts)
    assert " ".join(s.text for p in parts for s in p) == text


def test_a_part_the_model_botches_is_skipped_with_a_warning_the_rest_is_kept():
    segments = tuple(
        Segment(float(i), i + 1.0, f"Speaker said point {i} about the plan for the park.") for i in range(30)
    )
    meeting = Transcript(" ".join(s.text for s in segments), 30.0, 0.0, segments)

    def brain(request: llm.Request) -> str:
        prompt = next(m["content"] for m in request.messages if m["role"] == "user")  # the part, on a retry too
        if prompt.startswith("Notes on the parts"):
            return json.dumps({"title": "Plan", "summary": "Points.", "discussion": []})
        return "not json at all" if "part 1 of" in prompt else notes(summary="ok")

    evs = list(minutes.run(meeting, model=FunctionModel(brain), part_tokens=100))
    warnings = [e.text for e in evs if isinstance(e, Progress) and e.warning]
    assert len(warnings) == 1 and warnings[0].startswith("Part 1 skipped")
    assert isinstance(evs[-1], Done) and evs[-1].result.summary == "Points."


def test_a_single_part_the_model_cannot_fill_is_a_clear_error():
    with pytest.raises(llm.ModelOutputError, match="did not return a valid PartNotes"):
        run(MEETING, ScriptedModel(["nope", "still nope"]))


def test_save_writes_markdown_or_json_atomically(tmp_path):
    m = run(MEETING, ScriptedModel([notes(decisions=[decision("Budget", "approve the park budget")])]))
    md = minutes.save(m, tmp_path / "out" / "m.md")
    js = minutes.save(m, tmp_path / "out" / "m.json")
    assert md.read_text(encoding="utf-8") == m.markdown()
    assert json.loads(js.read_text(encoding="utf-8"))["decisions"][0]["quote"] == "approve the park budget."
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["m.json", "m.md"]  # no temp files left


@pytest.mark.slow
def test_smollm2_minutes_keep_only_quotes_that_are_in_the_transcript(no_network):
    """The real small model: whatever it proposes, what is kept is in the transcript."""
    m = run(MEETING, "local/smollm2")
    index = TranscriptIndex(SEGMENTS, timed=True)
    for item in [*m.decisions, *m.action_items]:
        assert index.find(item.quote) is not None and item.quote in MEETING.text
    kept = len(m.decisions) + len(m.action_items)
    assert kept + m.dropped.decisions + m.dropped.action_items <= sum(m.proposed)  # duplicates merge, none appear


def test_every_free_text_field_the_model_fills_is_bounded():
    """The caps are part of the decoding grammar: a small model looping inside a string is cut there instead of
    running out of reply tokens with the JSON still open (a 1.5B did, on a real council meeting)."""
    seen: list[dict] = []

    def brain(request):
        seen.append(request.schema)
        return notes()

    events.result(minutes.run(MEETING, model=FunctionModel(brain)))

    def strings(node, defs):
        if "$ref" in node:
            yield from strings(defs[node["$ref"].split("/")[-1]], defs)
        elif node.get("type") == "string":
            yield node
        for child in [*node.get("properties", {}).values(), *([node["items"]] if "items" in node else [])]:
            yield from strings(child, defs)

    found = list(strings(seen[0], seen[0].get("$defs", {})))
    assert len(found) >= 10 and all(0 < s.get("maxLength", 0) <= 1600 for s in found)
