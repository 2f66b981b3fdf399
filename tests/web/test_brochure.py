"""The brochure pipeline on the fixture site: link selection rules, prompt budget, progress, and an end-to-end run
on the embedded model."""

from __future__ import annotations

import json

import pytest

from llmworks import events, llm, web
from llmworks.apps.brochure import (
    Brochure,
    LinkChoice,
    brochure_messages,
    candidate_links,
    clean_selection,
    run,
    select_links,
    write_brochure,
)
from llmworks.events import Delta, Done, Progress
from llmworks.llm.testing import FunctionModel, ScriptedModel

COMPANY = "Quillfeather Robotics"


@pytest.fixture
def landing(site_url, allow_private):
    return web.fetch(site_url + "/")


def test_candidates_are_the_sites_own_pages_without_legal_or_mail(landing, site_url):
    urls = {link.url for link in candidate_links(landing)}
    assert urls == {f"{site_url}/about", f"{site_url}/products.html", f"{site_url}/careers", f"{site_url}/blog/"}


def test_candidates_keep_subdomains_and_drop_logins_files_and_other_sites():
    links = [
        web.Link("https://www.acme.example/about", "About"),
        web.Link("https://jobs.acme.example/open", "Jobs"),
        web.Link("https://www.acme.example/session", "Log in"),
        web.Link("https://acme.example/account", "Me"),
        web.Link("https://acme.example/report.pdf", "Annual report"),
        web.Link("https://other.example/", "Ad"),
        web.Link("https://www.acme.example/", "Home"),
    ]
    page = web.Page("https://www.acme.example/", "Acme", "text", links)
    assert [link.url for link in candidate_links(page)] == [
        "https://www.acme.example/about",
        "https://jobs.acme.example/open",
    ]


def test_a_company_name_that_looks_like_an_excluded_word_keeps_its_pages():
    page = web.Page(
        "https://www.cartier.example/",
        "Cartier",
        "text",
        [
            web.Link("https://www.cartier.example/about", "About"),
            web.Link("https://www.cartier.example/legal/terms", "Legal"),
        ],
    )
    assert [link.url for link in candidate_links(page)] == ["https://www.cartier.example/about"]


def test_schema_offers_only_links_from_the_page(landing, site_url):
    model = ScriptedModel([json.dumps({"links": [{"type": "about", "url": f"{site_url}/about"}]})])
    chosen = select_links(landing, model=model)
    assert chosen == [LinkChoice(type="about", url=f"{site_url}/about")]
    schema = model.requests[0].schema
    item = schema["$defs"]["LinkChoice"]["properties"]
    assert sorted(item["url"]["enum"]) == sorted(link.url for link in candidate_links(landing))
    assert item["type"]["enum"] == ["about", "company", "careers", "products"]
    assert schema["properties"]["links"]["maxItems"] == 4  # at most the 4 candidates
    assert f"{site_url}/terms" not in model.requests[0].messages[-1]["content"]


def test_strays_of_a_remote_model_are_dropped_in_code(landing, site_url):
    """A model that ignores the schema's enum: invented, legal, mail, other-site and repeated links are removed,
    a relative one is made absolute, and a loose type is normalised."""
    reply = {
        "links": [
            {"type": "about page", "url": "/about"},
            {"type": "careers", "url": f"{site_url}/jobs-we-made-up"},
            {"type": "company", "url": f"{site_url}/terms"},
            {"type": "company", "url": f"{site_url}/privacy"},
            {"type": "company", "url": "mailto:hello@quillfeather.example"},
            {"type": "company", "url": "https://social.example/quillfeather"},
            {"type": "about", "url": f"{site_url}/about#team"},
            {"type": "products", "url": f"{site_url}/products.html"},
        ]
    }
    chosen = select_links(landing, model=ScriptedModel([json.dumps(reply)]))
    assert chosen == [
        LinkChoice(type="about", url=f"{site_url}/about"),
        LinkChoice(type="products", url=f"{site_url}/products.html"),
    ]


def test_clean_selection_respects_max_links(landing):
    candidates = candidate_links(landing)
    chosen = [LinkChoice(type="company", url=c.url) for c in candidates]
    assert len(clean_selection(chosen, candidates, base_url=landing.url, max_links=2)) == 2


def test_pipeline_reads_chosen_pages_and_writes_from_them(site_url, allow_private):
    def brain(request: llm.Request):
        if request.schema:
            return {
                "links": [
                    {"type": "about", "url": f"{site_url}/about"},
                    {"type": "products", "url": f"{site_url}/products.html"},
                ]
            }
        return f"# {COMPANY}\nFounded in 2017 in Tampere."

    model = FunctionModel(brain)
    seen = list(run(COMPANY, site_url + "/", model=model, tone="humorous", language="Finnish"))
    progress = [e.text for e in seen if isinstance(e, Progress)]
    assert f"Reading about page {site_url}/about" in progress
    assert f"Reading products page {site_url}/products.html" in progress
    assert "".join(e.text for e in seen if isinstance(e, Delta)) == f"# {COMPANY}\nFounded in 2017 in Tampere."
    done = seen[-1]
    assert isinstance(done, Done) and isinstance(done.result, Brochure)
    brochure = done.result
    assert brochure.text == f"# {COMPANY}\nFounded in 2017 in Tampere."
    assert [p.url for p in brochure.pages] == [f"{site_url}/", f"{site_url}/about", f"{site_url}/products.html"]
    prompt = model.requests[-1].messages[-1]["content"]
    assert "founded in 2017 in Tampere" in prompt and "Sprout-3 is our pollinating drone" in prompt
    assert "These terms govern" not in prompt  # the terms page was never read
    assert "Finnish" in prompt and "humorous" in prompt
    # the usage sums both calls: the link choice (structured) and the writing
    assert done.calls == 2 and done.usage.output_tokens > brochure.response.usage.output_tokens > 0
    assert done.usage.input_tokens > brochure.response.usage.input_tokens


def test_a_broken_sub_page_is_skipped_not_fatal(site_url, allow_private):
    def fetch(url):
        if url.endswith("/careers"):
            raise web.HTTPStatusError(f"{url} answered HTTP 500", url=url, status_code=500)
        return web.fetch(url)

    model = ScriptedModel([json.dumps({"links": [{"type": "careers", "url": f"{site_url}/careers"}]}), "Brochure."])
    seen = list(run(COMPANY, site_url + "/", model=model, fetch=fetch))
    assert any(isinstance(e, Progress) and e.warning and e.text.startswith(f"Skipped {site_url}/careers") for e in seen)
    assert [p.url for p in seen[-1].result.pages] == [f"{site_url}/"]


def test_unreadable_landing_page_fails_clearly(site_url, allow_private):
    with pytest.raises(web.BotWallError):
        write_brochure(COMPANY, site_url + "/botwall", model=ScriptedModel([]))


def test_prompt_stays_within_the_context_window():
    long_text = "The robots pollinate tomatoes in greenhouses. " * 4000  # ~180k characters per page
    pages = [web.Page(f"https://q.example/{i}", f"Page {i}", long_text) for i in range(4)]
    model = FunctionModel(lambda r: "", context_window=4096)
    messages = brochure_messages(COMPANY, pages, model=model, max_tokens=700)
    tokens = sum(model.count_tokens(m["content"]) for m in messages)
    assert tokens + 700 <= 4096
    assert all(f"Page {i}" in messages[-1]["content"] for i in range(4))  # every page got a share


def test_unknown_tone_is_a_clear_error():
    with pytest.raises(llm.LLMError, match="professional, humorous"):
        write_brochure(COMPANY, "https://q.example", tone="sarcastic", model=ScriptedModel([]))


@pytest.mark.slow
def test_end_to_end_on_the_embedded_model(site_url, allow_private):
    """local/smollm2 picks links (schema-constrained), reads them and writes about the fixture company."""
    done = events.result(
        run(COMPANY, site_url + "/", model="local/smollm2", temperature=0.0, max_links=1, max_tokens=120)
    )
    on_page = {link.url for link in done.pages[0].links}
    assert done.links, "the model chose no link at all"
    for choice in done.links:
        assert choice.url in on_page and choice.url.startswith(site_url + "/")
        assert not any(word in choice.url for word in ("terms", "privacy", "mailto"))
    assert len(done.pages) >= 2  # it read at least one chosen page besides the landing page
    text = done.text
    assert "Quillfeather" in text, text
    fit = [fact for fact in ("Tampere", "2017", "Sprout", "GreenLoom", "140", "greenhouse", "pollinat") if fact in text]
    assert fit, f"no fact from the site in the brochure: {text!r}"


def test_same_site_follows_the_public_suffix_list():
    page = web.Page(
        "https://shop.co.uk/",
        "Shop",
        "text",
        [
            web.Link("https://shop.co.uk/about", "About"),
            web.Link("https://jobs.shop.co.uk/open", "Jobs"),
            web.Link("https://rival.co.uk/about", "Rival"),
            web.Link("https://other.github.io/", "Pages"),
        ],
    )
    assert [link.url for link in candidate_links(page)] == ["https://shop.co.uk/about", "https://jobs.shop.co.uk/open"]
    pages = web.Page(
        "https://me.github.io/",
        "Me",
        "text",
        [web.Link("https://me.github.io/cv", "CV"), web.Link("https://you.github.io/cv", "Not me")],
    )
    assert [link.url for link in candidate_links(pages)] == ["https://me.github.io/cv"]
