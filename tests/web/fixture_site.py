"""A small company web site served on 127.0.0.1 for the web-app tests, plus pages that must fail to fetch.

Quillfeather Robotics is invented; its facts (below) are what a brochure about it should mention.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMPANY = "Quillfeather Robotics"
FACTS = ["Tampere", "2017", "Sprout-3", "GreenLoom", "140"]  # words from its pages a brochure can pick up

NAV = """<nav><a href="/">Home</a> <a href="/about">About us</a> <a href="products.html">Products</a>
<a href="/careers#open-roles">Careers</a> <a href="/blog/">Blog</a></nav>"""
FOOTER = """<footer><a href="/terms">Terms of service</a> | <a href="/privacy">Privacy policy</a> |
<a href="mailto:hello@quillfeather.example">hello@quillfeather.example</a> |
<a href="https://social.example/quillfeather">Follow us</a> | <a href="#top">Back to top</a></footer>"""


def _page(title: str, body: str) -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: sans-serif }}</style><script>console.log("analytics")</script></head>
<body>{NAV}<main>{body}</main>{FOOTER}</body></html>""".encode()


PAGES = {
    "/": _page(
        f"{COMPANY} - robots for greenhouses",
        f"""
<h1>{COMPANY}</h1>
<p>{COMPANY} builds small autonomous robots that pollinate, prune and monitor plants in commercial greenhouses.
Our robots work alongside growers day and night, so tomatoes and peppers ripen on schedule with less water.</p>
<p>Growers in nine countries use our fleet software to run more than two thousand robots every day.</p>""",
    ),
    "/about": _page(
        f"About {COMPANY}",
        f"""
<h1>About us</h1>
<p>{COMPANY} was founded in 2017 in Tampere, Finland, by two agronomists and a roboticist who were tired of
hand-pollinating tomatoes. Today the company employs 140 people across Tampere and Rotterdam.</p>
<p>Our mission is to make fresh vegetables cheaper to grow close to the cities that eat them.</p>""",
    ),
    "/products.html": _page(
        f"Products - {COMPANY}",
        """
<h1>Products</h1>
<h2>Sprout-3</h2><p>Sprout-3 is our pollinating drone: it visits up to 4,000 flowers an hour and docks itself to
recharge. It weighs 450 grams and flies safely between rows of plants.</p>
<h2>GreenLoom</h2><p>GreenLoom is the fleet software that plans every robot's route, tracks plant health and sends
growers a morning report.</p>""",
    ),
    "/careers": _page(
        f"Careers at {COMPANY}",
        """
<h1>Careers</h1><p>We hire engineers, plant scientists and field technicians who like getting their hands dirty.
Everyone gets a share option, a 4-day week in summer and fresh tomatoes.</p>
<h2 id="open-roles">Open roles</h2><ul><li>Embedded software engineer (Tampere)</li>
<li>Field robotics technician (Rotterdam)</li></ul>""",
    ),
    "/blog/": _page(
        f"Blog - {COMPANY}",
        """
<h1>Blog</h1><p>Notes from the greenhouse: how we taught Sprout-3 to find flowers under leaves, and what we learned
from a winter of night shifts in Dutch glasshouses. New posts every month from our engineering team.</p>""",
    ),
    "/terms": _page("Terms of service", "<h1>Terms</h1><p>These terms govern your use of this web site. " * 5 + "</p>"),
    "/privacy": _page("Privacy policy", "<h1>Privacy</h1><p>We collect as little data as we can. " * 5 + "</p>"),
    "/botwall": b"""<!doctype html><html><head><title>Just a moment...</title></head><body>
<h1>Checking your browser before accessing the site.</h1><noscript>Please enable JavaScript and cookies to
continue.</noscript><div class="cf-captcha"></div></body></html>""",
    "/empty": b"""<!doctype html><html><head><title>App</title></head><body><div id="root"></div>
<script src="/bundle.js"></script></body></html>""",
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # bodies end when the connection closes: /huge can stream without a length

    def log_message(self, *args):  # quiet test output
        pass

    def _send(self, status: int, body: bytes, content_type: str | None = "text/html; charset=utf-8", **headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        try:
            if path in PAGES:
                self._send(200, PAGES[path])
            elif path == "/logo.png":
                self._send(200, PNG, "image/png")
            elif path == "/download":  # binary with no content type: must be sniffed
                self._send(200, PNG, None)
            elif path == "/slow":
                time.sleep(3)
                self._send(200, PAGES["/"])
            elif path == "/huge":  # 20 MB of HTML, no Content-Length: only the streaming cap can stop it
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<!doctype html><html><body>")
                chunk = b"<p>" + b"grow " * 2000 + b"</p>\n"
                for _ in range(20_000_000 // len(chunk)):
                    self.wfile.write(chunk)
            elif path == "/old-about":
                self._send(301, b"", Location="/about")
            elif path == "/to-metadata":  # a public page redirecting to the cloud metadata address
                self._send(302, b"", Location="http://169.254.169.254/latest/meta-data/")
            elif path == "/loop":
                self._send(302, b"", Location="/loop")
            else:
                self._send(404, _page("Not found", "<h1>404</h1><p>No such page.</p>"))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should for /huge and /slow


@contextmanager
def serve():
    """Serve the site on a free port of 127.0.0.1; yield its base URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
