"""Benchmark the web apps on a real company's pages: fetch/extract speed, link choice, brochure and summary facts.

The Insurellm knowledge base (course data, ../shared/data/insurellm) becomes a small web site on 127.0.0.1: its
company pages and product pages, plus the pages a brochure must never read (terms, privacy, login). Then:
  - fetch + extract time per page (llmworks.web)
  - link choice: how many chosen links are relevant (about/careers/culture/products), and whether any excluded page
    or off-page URL slipped through (must be 0)
  - brochure and summary: does the text name the company, and which known facts (founder, year, city, products)
    appear; time, tokens, tokens/s

    .venv/bin/python benchmarks/web_brochure.py [--data ../shared/data/insurellm/knowledge-base] [-m local/smollm2]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FACTS = [
    "Avery Lancaster",
    "2015",
    "San Francisco",
    "Markellm",
    "Carllm",
    "Homellm",
    "Rellm",
    "Lifellm",
    "Healthllm",
    "Bizllm",
    "Claimllm",
    "32 employees",
]
RELEVANT = re.compile(r"/(about|careers|culture|products/)")


def facts_in(text: str) -> list[str]:
    """Known facts named in `text`, as whole words ("Rellm" inside "Insurellm" does not count)."""
    return [f for f in FACTS if re.search(rf"\b{re.escape(f)}\b", text, re.IGNORECASE)]


def md_to_html(md: str) -> str:
    """Just enough markdown for a page: headings, list items, paragraphs."""
    out = []
    for block in re.split(r"\n\s*\n", md.strip()):
        lines = block.strip().splitlines()
        if lines[0].startswith("#"):
            level = min(len(lines[0]) - len(lines[0].lstrip("#")), 6)
            out.append(f"<h{level}>{html.escape(lines[0].lstrip('#').strip())}</h{level}>")
            lines = lines[1:]
        if lines and all(line.lstrip().startswith(("-", "*")) for line in lines):
            out.append("<ul>" + "".join(f"<li>{html.escape(line.lstrip(' -*'))}</li>" for line in lines) + "</ul>")
        elif lines:
            out.append(f"<p>{html.escape(' '.join(lines))}</p>")
    return "\n".join(out)


def build_site(kb: Path) -> dict[str, bytes]:
    products = sorted((kb / "products").glob("*.md"))
    nav = [
        '<a href="/">Home</a>',
        '<a href="/about">About</a>',
        '<a href="/culture">Culture</a>',
        '<a href="/careers">Careers</a>',
    ] + [f'<a href="/products/{p.stem.lower()}">{p.stem}</a>' for p in products]
    footer = (
        '<a href="/terms">Terms</a> <a href="/privacy">Privacy</a> <a href="/login">Log in</a> '
        '<a href="mailto:info@insurellm.example">Email</a> <a href="https://social.example/insurellm">Social</a>'
    )

    def page(title: str, body_md: str) -> bytes:
        return (
            f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><nav>{' '.join(nav)}"
            f"</nav><main>{md_to_html(body_md)}</main><footer>{footer}</footer></body></html>"
        ).encode()

    site = {"/": page("Insurellm", (kb / "company" / "overview.md").read_text())}
    for name in ("about", "careers", "culture"):
        site[f"/{name}"] = page(f"Insurellm - {name}", (kb / "company" / f"{name}.md").read_text())
    for p in products:
        site[f"/products/{p.stem.lower()}"] = page(f"{p.stem} - Insurellm", p.read_text())
    legal = "These terms and this privacy policy govern the use of this site. " * 20
    for name in ("terms", "privacy", "login"):
        site[f"/{name}"] = page(name.title(), legal)
    return site


def serve(site: dict[str, bytes]) -> tuple[str, ThreadingHTTPServer]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            body = site.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"<html><body>not found</body></html>")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@dataclass
class BrochureRun:
    done: object
    """The brochure app's result (`apps.brochure.Brochure`): text, response, chosen links, pages read."""
    seconds: float
    facts: list[str]
    relevant: int
    """Chosen links that point at about/careers/culture/product pages."""
    bad: list[str]
    """Chosen links that are excluded (legal, login, mail) or not on the landing page: must be empty."""


def run_brochure(base: str, model: str, *, max_tokens: int = 400) -> BrochureRun:
    """The Insurellm brochure from the site served at `base`, at temperature 0, and the facts it names."""
    from llmworks.apps.brochure import write_brochure

    start = time.perf_counter()
    done = write_brochure("Insurellm", base + "/", model=model, temperature=0.0, max_tokens=max_tokens)
    on_page = {link.url for link in done.pages[0].links}
    relevant = sum(bool(RELEVANT.search(c.url)) for c in done.links)
    bad = [c.url for c in done.links if c.url not in on_page or re.search(r"terms|privacy|login|mailto", c.url)]
    return BrochureRun(done, time.perf_counter() - start, facts_in(done.text), relevant, bad)


def run_summary(base: str, path: str, model: str, *, max_tokens: int = 200):
    """(summary text, its llm.Response, facts it names, facts the page holds) for the page at base + path."""
    from llmworks import events, web
    from llmworks.apps.summarize import summarize_page

    page = web.fetch(base + path)
    summary = events.result(summarize_page(page, model=model, temperature=0.0, max_tokens=max_tokens))
    on_page = facts_in(page.text)
    return summary.text, summary.response, [f for f in facts_in(summary.text) if f in on_page], on_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(Path(__file__).parents[1] / "../shared/data/insurellm/knowledge-base"))
    parser.add_argument("-m", "--model", default="local/smollm2")
    parser.add_argument("--max-tokens", type=int, default=400, help="brochure length cap")
    args = parser.parse_args()
    kb = Path(args.data)
    if not (kb / "company" / "overview.md").exists():
        raise SystemExit(f"no Insurellm knowledge base at {kb}; pass --data")
    os.environ["LLMWORKS_ALLOW_PRIVATE_URLS"] = "1"  # the site is served on localhost
    from llmworks import web

    site = build_site(kb)
    base, server = serve(site)
    print(
        f"site: {len(site)} pages at {base}; model {args.model}; CPUs {os.cpu_count()}, load {os.getloadavg()[0]:.1f}"
    )

    times = []
    for path in site:
        start = time.perf_counter()
        web.fetch(base + path)
        times.append((time.perf_counter() - start) * 1000)
    print(f"fetch+extract: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {len(times)} pages")

    run = run_brochure(base, args.model, max_tokens=args.max_tokens)
    done = run.done
    print(
        f"link choice: {len(done.links)} chosen, {run.relevant} relevant, {len(run.bad)} excluded/off-page "
        f"({', '.join(c.url.removeprefix(base) for c in done.links)})"
    )
    r = done.response
    print(
        f"brochure: {run.seconds:.1f} s in all; writing {r.duration_s:.1f} s, {r.usage.input_tokens} in / "
        f"{r.usage.output_tokens} out tokens, {r.tokens_per_s or 0:.1f} tok/s; names Insurellm: "
        f"{'Insurellm' in done.text}; facts {len(run.facts)}/{len(FACTS)}: {', '.join(run.facts)}"
    )

    _, response, facts, on_page = run_summary(base, "/about", args.model)
    print(
        f"summary of /about: {response.duration_s:.1f} s, {response.usage.output_tokens} tokens; "
        f"facts {len(facts)}/{len(on_page)}: {', '.join(facts)}"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
