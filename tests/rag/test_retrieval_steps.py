"""The retrieval steps of issue 13: overview chunks (per folder, vectors cached by content hash), section
expansion (a hit returns its whole section, once), grouping by document, the fusion choice, and multi-query
retrieval."""

from __future__ import annotations

import pytest

from llmworks.apps.rag import KnowledgeBase, Retriever
from llmworks.apps.rag.multiquery import MultiQueryRetriever, rewrites
from llmworks.apps.rag.overview import overviews
from llmworks.errors import LlmworksError
from llmworks.llm.testing import ScriptedModel

from .conftest import CORPUS, write_corpus

LONG_SECTION = "\n\n".join(
    f"Paragraph {n}: the reserve audit of region {n} found {n * 7} open claims and closed them by spring."
    for n in range(1, 16)
)
VACATION = " ".join(f"Vacation rule {n}: staff book leave {n} weeks ahead." for n in range(1, 10))
EXPENSES = " ".join(f"Expense rule {n}: receipts within {n} days." for n in range(1, 10))
FILES = {
    **CORPUS,
    "handbook/Policies.md": f"# Policies\n\n## Vacation\n{VACATION}\n\n## Expenses\n{EXPENSES}\n",
    "reports/Audit 2024.md": f"# Audit 2024\n\n## Findings\n{LONG_SECTION}\n\n## Sign-off\nSigned by Ravi Okafor.\n",
}


@pytest.fixture
def kb(tmp_path, embedder):
    kb = KnowledgeBase.open(store="faiss")
    kb.ingest(write_corpus(tmp_path / "kb", FILES), chunk_size=400, chunk_overlap=0)
    return kb


def test_overviews_list_each_folder_with_its_count_and_skip_single_document_folders(kb):
    chunks = kb.store.all()
    got = {o.metadata["doc_type"]: o for o in overviews(chunks.texts, chunks.metadatas)}
    assert set(got) == {"employees", "company"}  # products/ and reports/ hold one document each
    employees = got["employees"].text
    assert "2 employees documents in total" in employees
    assert "- Maxine Zebulon: Job Title: Chief Claims Officer; Location: Reno, Nevada" in employees
    assert "Ravi Okafor" in employees and got["employees"].metadata["source"] == "employees/ (overview)"


def test_an_overview_is_split_when_long_and_its_id_follows_its_content():
    texts = [f"Person {n} (employees)\nJob Title: Role number {n} with a long description" for n in range(40)]
    metas = [{"source": f"e{n}.md", "doc_type": "employees", "title": f"Person {n}", "position": 0} for n in range(40)]
    parts = overviews(texts, metas, size=1000)
    assert len(parts) > 1 and all(len(p.text) <= 1000 for p in parts)
    assert all("40 employees documents in total" in p.text for p in parts)
    assert overviews(texts, metas, size=1000)[0].id == parts[0].id  # same content, same id: the vector is reused
    texts[0] += " and a changed line"
    assert overviews(texts, metas, size=1000)[0].id != parts[0].id


def test_collection_question_finds_the_overview_and_its_vectors_are_embedded_once(kb, embedder):
    embedder.texts.clear()
    hits = Retriever(kb.store).search("How many employees are there in total?", 3)
    assert hits[0].source == "employees/ (overview)"
    embedded = len(embedder.texts)  # the question and the overviews
    Retriever(kb.store).search("How many employees are there in total?", 3)
    assert len(embedder.texts) == embedded + 1  # the second retriever embedded only the question
    plain = Retriever(kb.store, overview=False).search("How many employees are there in total?", 10)
    assert not any(h.metadata.get("overview") for h in plain)


def test_a_hit_returns_its_whole_section_once(kb):
    question = "reserve audit region 12 open claims"

    def audit_hits(expand):
        hits = Retriever(kb.store, expand=expand, overview=False, group=False).search(question, 10)
        return [h for h in hits if "Audit" in h.source]

    pieces = audit_hits(expand=False)
    assert len(pieces) > 1 and not any("Paragraph 1:" in h.text and "Paragraph 15:" in h.text for h in pieces)
    expanded = audit_hits(expand=True)
    findings = [h for h in expanded if "Paragraph 1:" in h.text]
    assert len(findings) == 1  # the section's pieces came back as one hit
    text = findings[0].text
    assert "Paragraph 15:" in text and text.count("Audit 2024 (reports)") == 1  # one context line, pieces in order
    assert text.index("Paragraph 1:") < text.index("Paragraph 15:")


def test_the_hits_of_one_document_come_back_as_one_passage_best_section_first(kb):
    question = "expense receipts days and vacation leave weeks ahead"
    apart = Retriever(kb.store, overview=False, group=False).search(question, 6)
    grouped = Retriever(kb.store, overview=False).search(question, 6)
    sections = [h for h in apart if h.source == "handbook/Policies.md"]
    assert len(sections) == 2 and "Expense rule 1" in sections[0].text  # the later section ranked first
    policies = [h for h in grouped if h.source == "handbook/Policies.md"]
    assert len(policies) == 1 and len(grouped) == len(apart) - 1
    assert policies[0].text == sections[0].text + "\n\n" + sections[1].text  # best first, as the model should read
    assert sorted(len(h.text) for h in apart if h.source != "handbook/Policies.md") == sorted(
        len(h.text) for h in grouped if h.source != "handbook/Policies.md"
    )
    assert sum(len(h.text) for h in grouped) == sum(len(h.text) for h in apart) + 2  # the same text, one joint


def test_a_short_document_can_come_back_whole(kb):
    question = "vacation rule book leave weeks ahead"
    sections = [
        h for h in Retriever(kb.store, overview=False, group=False).search(question, 10) if "Policies" in h.source
    ]
    assert len(sections) == 2 and not any("Vacation" in h.text and "Expense" in h.text for h in sections)
    whole = Retriever(kb.store, overview=False, whole_documents=2000).search(question, 10)
    policies = [h for h in whole if "Policies" in h.source]
    assert len(policies) == 1 and "Vacation rule 1" in policies[0].text and "Expense rule 9" in policies[0].text


def test_fusion_choice(kb):
    rrf = Retriever(kb.store, fusion="rrf").search("Claimbot Scale Tier price", 3)
    assert rrf[0].source == "products/Claimbot.md" and rrf[0].score < 0.05  # rank-based scores are small
    with pytest.raises(LlmworksError, match="Unknown fusion"):
        Retriever(kb.store, fusion="max")


def test_multi_query_fuses_the_rewrites_by_rank(kb):
    base = Retriever(kb.store, overview=False)
    question = "Who is the person we are asking about?"
    table = {question: ["Ravi Okafor underwriter Tulsa"]}
    plain = [h.source for h in base.search(question, 3)]
    fused = [h.source for h in MultiQueryRetriever(base, table).search(question, 3)]
    assert "employees/Ravi Okafor.md" in fused and fused != plain
    assert [h.source for h in MultiQueryRetriever(base, {}).search(question, 3)] == plain  # no rewrite: plain search


def test_rewrites_are_checked():
    question = "Who leads design for Homellm?"
    model = ScriptedModel(
        ['{"queries": ["Homellm UX designer", "who leads design for homellm?", " ", "Homellm UX designer"]}']
    )
    assert rewrites(question, model=model) == ["Homellm UX designer"]  # the question itself, blanks, repeats dropped
    assert "Homellm" in model.requests[0].messages[-1]["content"]
