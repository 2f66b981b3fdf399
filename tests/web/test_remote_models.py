"""Apps on a remote model: the real openai SDK, through llmworks.llm, against recorded HTTP (respx).

The cassette holds the two API exchanges (the structured link choice, then the streamed brochure); the fixture site
is still served for real on localhost, so fetching, link checks and prompt building all run as in production.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from llmworks.apps.brochure import run
from llmworks.events import Done, Progress
from llmworks.llm import catalog

CASSETTE = Path(__file__).parent / "cassettes" / "brochure_openai.json"
FAKE_KEY = "sk-test-not-a-real-key"


def _replay(site_url: str, seen: list[dict]):
    interactions = json.loads(CASSETTE.read_text().replace("{site}", site_url))["interactions"]

    def respond(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append({"body": body, "auth": request.headers.get("authorization")})
        for item in interactions:
            if item["request"]["has"] in body:
                r = item["response"]
                if "sse" in r:
                    stream = "".join(f"data: {json.dumps(c)}\n\n" for c in r["sse"]) + "data: [DONE]\n\n"
                    return httpx.Response(r["status"], headers=r["headers"], content=stream.encode())
                return httpx.Response(r["status"], headers=r["headers"], json=r["json"])
        raise AssertionError(f"no recorded response for {body}")

    return respond


@pytest.fixture
def openai_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)  # remote clients are made per key: a fresh one with this key


def test_brochure_on_gpt_4_1_mini(site_url, allow_private, openai_key):
    seen: list[dict] = []
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()  # the fixture site is served for real
        api = mock.post("https://api.openai.com/v1/chat/completions").mock(side_effect=_replay(site_url, seen))
        events = list(run("Quillfeather Robotics", site_url + "/", model="openai/gpt-4.1-mini"))

    assert api.call_count == 2
    links_call, brochure_call = seen
    assert links_call["auth"] == f"Bearer {FAKE_KEY}"
    # step 1 asked for the {"links": [...]} schema, with only the page's own links allowed
    fmt = links_call["body"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "LinkSelection"
    allowed = fmt["json_schema"]["schema"]["$defs"]["LinkChoice"]["properties"]["url"]["enum"]
    assert sorted(allowed) == sorted(f"{site_url}{p}" for p in ["/about", "/products.html", "/careers", "/blog/"])
    assert links_call["body"]["model"] == "gpt-4.1-mini"
    # the model strayed to /terms; the code dropped it and read the other three
    done = events[-1]
    assert isinstance(done, Done)
    brochure = done.result
    assert [c.url for c in brochure.links] == [f"{site_url}/about", f"{site_url}/products.html", f"{site_url}/careers"]
    read = [e.text for e in events if isinstance(e, Progress) and e.text.startswith("Reading ")]
    assert read == [
        f"Reading {site_url}/",
        f"Reading about page {site_url}/about",
        f"Reading products page {site_url}/products.html",
        f"Reading careers page {site_url}/careers",
    ]
    # step 3 streamed, with usage requested, from a prompt holding the pages' facts
    assert brochure_call["body"]["stream"] is True
    assert brochure_call["body"]["stream_options"] == {"include_usage": True}
    prompt = brochure_call["body"]["messages"][-1]["content"]
    assert "founded in 2017 in Tampere" in prompt and "Embedded software engineer" in prompt
    assert "These terms govern" not in prompt
    # the streamed text, tokens and price came back through the SDK
    assert brochure.text.startswith("# Quillfeather Robotics")
    assert "Sprout-3" in brochure.text and "140 people" in brochure.text
    usage = brochure.response.usage
    assert (usage.input_tokens, usage.output_tokens) == (1161, 243)
    assert usage.cost_usd == pytest.approx(catalog.cost_usd("openai/gpt-4.1-mini", 1161, 243))
    assert usage.cost_usd > 0
    # the brochure's total includes the link choice (312 in / 71 out in the recording), which it used to leave out
    assert done.calls == 2 and (done.usage.input_tokens, done.usage.output_tokens) == (1161 + 312, 243 + 71)
    assert done.usage.cost_usd == pytest.approx(catalog.cost_usd("openai/gpt-4.1-mini", 312, 71) + usage.cost_usd)


def _sse(text: str, usage: tuple[int, int]) -> bytes:
    """A chat-completions stream as the API sends it: role chunk, content chunks, finish chunk, usage chunk."""
    base = {
        "id": "chatcmpl-CQdebate0001",
        "object": "chat.completion.chunk",
        "created": 1763900100,
        "model": "gpt-4.1-mini-2025-04-14",
        "system_fingerprint": "fp_6f2eabb9a5",
    }
    chunks = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}]
    chunks += [
        {**base, "choices": [{"index": 0, "delta": {"content": w + " "}, "finish_reason": None}]}
        for w in text.split(" ")
    ]
    chunks += [
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {
            **base,
            "choices": [],
            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
        },
    ]
    return ("".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n").encode()


def test_debate_with_a_remote_speaker_totals_its_cost(openai_key):
    from llmworks import events
    from llmworks.apps.debate import Conversation, Speaker
    from llmworks.llm.testing import FunctionModel

    local = FunctionModel(lambda r: "Coffee is better.", name="local/echo")  # a local provider: costs 0
    replies = [_sse("Tea is calmer, Alex.", (120, 7)), _sse("Tea still wins.", (160, 5))]
    seen: list[dict] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=replies[len(seen) - 1])

    convo = Conversation(
        [Speaker("Alex", local, "Argue."), Speaker("Blake", "openai/gpt-4.1-mini", "Agree.")], topic="tea or coffee"
    )
    with respx.mock() as mock:
        mock.post("https://api.openai.com/v1/chat/completions").mock(side_effect=respond)
        debate = events.result(convo.run(2))
    assert [t.text for t in convo.turns] == [
        "Coffee is better.",
        "Tea is calmer, Alex.",
        "Coffee is better.",
        "Tea still wins.",
    ]
    assert convo.turns[1].model == "openai/gpt-4.1-mini"
    second = seen[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[2]["content"] == "Tea is calmer, Alex."
    assert second[3]["content"] == "Alex: Coffee is better."
    expected = catalog.cost_usd("openai/gpt-4.1-mini", 120, 7) + catalog.cost_usd("openai/gpt-4.1-mini", 160, 5)
    assert convo.usage.cost_usd == pytest.approx(expected) and convo.usage.cost_usd > 0
    assert f"${expected:.4f}" in convo.to_markdown()
    assert debate.total.cost_usd == pytest.approx(expected) and len(debate.turns) == 4
