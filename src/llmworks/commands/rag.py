"""`llmworks rag …`: ingest a folder, ask questions with sources, map the vectors, evaluate retrieval."""

from __future__ import annotations

from pathlib import Path

import typer

from llmworks import scale

rag = typer.Typer(
    help="RAG knowledge worker: ingest documents, ask with sources, plot vectors, evaluate retrieval.",
    no_args_is_help=True,
)

DB_HELP = "Chroma index folder (default: <data dir>/rag/chroma), or a Chroma server URL (http://host:8000)"
DOCS_HELP = "Ingest this folder into an in-memory FAISS index for this run instead of using --db"


def _open(db: str | None, docs: Path | None = None):
    from llmworks.apps.rag import KnowledgeBase

    from .render import render

    if docs is None:
        return KnowledgeBase.open(db)
    kb = KnowledgeBase.open(store="faiss")
    render(kb.run_ingest(docs))
    return kb


@rag.command()
def ingest(
    folder: Path = typer.Argument(..., help="Folder of .md/.txt/.pdf/.html files (searched recursively)"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", help="Characters per chunk at most (100-20,000; default 1,000)"
    ),
    chunk_overlap: int | None = typer.Option(
        None, "--chunk-overlap", help="Characters shared by consecutive pieces (default 150)"
    ),
    ray: str | None = typer.Option(None, "--ray", help=scale.HELP, metavar="local|ADDRESS"),
) -> None:
    """Ingest a folder; re-running only embeds new or changed files and drops deleted ones.

    New settings build a new index beside the old one, which stays in use until the new one is complete; an
    interrupted ingest resumes where it stopped. Files that cannot be read are skipped with a warning (exit 0
    if the rest went in; exit 1, index unchanged, if none could be read).

    Example: llmworks rag ingest ../shared/data/insurellm/knowledge-base
    """
    from llmworks.apps.rag import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, KnowledgeBase
    from llmworks.apps.rag.ingest import check_options, documents
    from llmworks.embed import DEFAULT

    from .render import render

    chunking = {
        name: value
        for name, value in (("chunk_size", chunk_size), ("chunk_overlap", chunk_overlap))
        if value is not None
    }  # the rest is the app's default
    check_options(
        chunking.get("chunk_size", DEFAULT_CHUNK_SIZE),
        chunking.get("chunk_overlap", DEFAULT_CHUNK_OVERLAP),
        DEFAULT,
        64,
    )  # before the index is even opened
    documents(folder)
    from llmworks.scale import using

    kb = KnowledgeBase.open(db)
    with using(ray):
        report = render(kb.run_ingest(folder, **chunking)).result
    typer.echo(report.summary())


@rag.command()
def ask(
    question: str = typer.Argument(..., help="Your question"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    k: int | None = typer.Option(None, "-k", help="Chunks given to the model (default 5)"),
    model: str | None = typer.Option(None, "-m", "--model", help="provider/model (default: LLMWORKS_MODEL)"),
    show_chunks: bool = typer.Option(False, "--chunks", help="Also print the retrieved chunks"),
    docs: Path | None = typer.Option(None, "--docs", help=DOCS_HELP),
    usage: bool = typer.Option(False, "-u", "--usage", help="Print tokens, cost and speed after the answer"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object: answer, sources, known, reason"),
) -> None:
    """Answer a question from the ingested documents, citing its sources.

    Example: llmworks rag ask "Who received the IIOTY award in 2023?" -m openai/gpt-4.1-mini
    """
    from rich.console import Console

    from .render import render

    answer_json = (
        (lambda a: {"answer": a.text, "sources": a.sources, "known": a.known, "reason": a.reason, "query": a.query})
        if as_json
        else None
    )
    options = {"k": k} if k is not None else {}
    result = render(_open(db, docs).run(question, model=model, **options), usage=usage, as_json=answer_json).result
    if as_json:
        return
    console = Console()
    if result.sources:
        console.print("Sources: " + ", ".join(result.sources), style="dim", markup=False)
    if result.reason:
        console.print(f"({result.reason})", style="dim", markup=False)
    if show_chunks:
        for i, hit in enumerate(result.hits, 1):
            console.rule(f"[{i}] {hit.source}  score {hit.score:.3f}", style="dim")
            console.print(hit.text, markup=False)


@rag.command()
def plot(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    dims: int = typer.Option(2, "--dims", help="2 or 3"),
    out: Path | None = typer.Option(None, "--out", help="HTML file to write (default: <data dir>/rag/vectors.html)"),
) -> None:
    """Draw every chunk vector with t-SNE, coloured by document type, into a self-contained HTML file.

    Example: llmworks rag plot --dims 3 --out vectors.html
    """
    from llmworks.apps.rag import KnowledgeBase
    from llmworks.apps.rag.plot import write_html
    from llmworks.config import get_settings

    path = write_html(KnowledgeBase.open(db).figure(dims), out or get_settings().path("rag", "vectors.html"))
    typer.echo(f"Wrote {path}")


@rag.command("eval")
def eval_(
    tests: Path = typer.Argument(..., help='JSON lines: {"question", "keywords", "reference_answer", "category"}'),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    k: int | None = typer.Option(None, "-k", help="Chunks retrieved per question (default 10)"),
    answers: bool = typer.Option(
        False,
        "--answers",
        help="Also answer each question and score the answer without a judge: keyword recall, numeric-fact recall "
        "and the 'I don't know' rate against the reference",
    ),
    judge: str | None = typer.Option(
        None, "--judge", help="Also answer each question and grade it 1-5 with this model (implies --answers)"
    ),
    model: str | None = typer.Option(None, "-m", "--model", help="Model that answers (default: LLMWORKS_MODEL)"),
    limit: int | None = typer.Option(
        None, "--limit", help="Only this many questions, taken in turn from each category (answering is slow)"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table"),
    docs: Path | None = typer.Option(None, "--docs", help=DOCS_HELP),
) -> None:
    """Measure retrieval: MRR, nDCG@k and keyword coverage@k, overall and per category; with --answers, the
    answers too (judge-free scores), with --judge also graded by a model.

    Examples:
      llmworks rag eval ../shared/data/insurellm/tests_dev.jsonl --json
      llmworks rag eval tests_dev.jsonl --docs ../shared/data/insurellm/knowledge-base --answers --limit 14
      llmworks rag eval tests_dev.jsonl --answers -m openai/gpt-4.1-mini --judge openai/gpt-4.1
    """
    from llmworks.apps.rag import load_tests
    from llmworks.apps.rag.evaluate import stratified

    from .render import render

    cases = stratified(load_tests(tests), limit)
    kb = _open(db, docs)
    options = {"k": k} if k is not None else {}
    report = render(
        kb.run_eval(cases, answers=answers, judge=judge, model=model, **options),
        as_json=(lambda r: r.to_dict()) if as_json else None,
    ).result
    if not as_json:
        _print_table(report)


SHOWN = ("mrr", "ndcg", "coverage", "keyword_recall", "fact_recall", "idk_rate")
SHOWN += ("accuracy", "completeness", "relevance")
HEADERS = {"keyword_recall": "keywords", "fact_recall": "facts", "idk_rate": "idk"}  # narrow: fits 80 columns


def _colour(value: float | None, metric: str) -> str:
    # the course's colours: green >= 0.9, amber >= 0.75, red below; judged scores are out of 5; fewer "I don't
    # know"s are better (green <= 0.1, amber <= 0.25)
    if value is None:
        return "-"  # no question of this group states a number
    share = value / 5 if metric in ("accuracy", "completeness", "relevance") else value
    if metric == "idk_rate":
        share = 1 - share
    style = "green" if share >= 0.9 else "dark_orange" if share >= 0.75 else "red"
    return f"[{style}]{value:.3f}[/{style}]"


def _print_table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    overall = report.overall()
    metrics = [m for m in SHOWN if m in overall]
    answered = (
        " and answers (keywords, facts: recall in the answer; idk: share declined)" if "idk_rate" in overall else ""
    )
    table = Table(title=f"Retrieval @ k={report.k}{answered}")
    table.add_column("category")
    table.add_column("n", justify="right")
    for m in metrics:
        table.add_column(HEADERS.get(m, m), justify="right")
    for name, row in [*report.by_category().items(), ("overall", overall)]:
        table.add_row(
            name,
            str(row["n"]),
            *[_colour(row[m], m) for m in metrics],
            end_section=name == list(report.by_category())[-1],
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(rag, name="rag")
