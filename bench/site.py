"""The generated site: install and build times, the weight of every built page, its number of
requests and its Lighthouse scores in headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import shutil
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.common import node_env, run_checked, timed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class _Assets(HTMLParser):
    """The stylesheets and scripts a page loads, and the bytes of its inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.inline_js = 0
        self.inline_css = 0
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.css.append(a["href"] or "")
        elif tag == "link" and "modulepreload" in rel and a.get("href"):
            self.js.append(a["href"] or "")
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"] or "")
        elif tag == "script" and a.get("type") not in ("application/ld+json", "application/json"):
            self._inside = "script"
        elif tag == "style":
            self._inside = "style"

    def handle_data(self, data: str) -> None:
        if self._inside == "script":
            self.inline_js += len(data.encode())
        elif self._inside == "style":
            self.inline_css += len(data.encode())

    def handle_endtag(self, tag: str) -> None:
        self._inside = None


def _local(dist: Path, href: str) -> Path:
    return dist / href.split("?")[0].split("#")[0].lstrip("/")


def _page_weight(dist: Path, page: Path) -> dict[str, int]:
    html = page.read_bytes()
    assets = _Assets()
    assets.feed(html.decode())
    css = b"".join(_local(dist, href).read_bytes() for href in assets.css if href.startswith("/"))
    js = b"".join(_local(dist, src).read_bytes() for src in assets.js if src.startswith("/"))
    return {
        "html_bytes": len(html),
        "html_gzip_bytes": len(gzip.compress(html, 9)),
        "css_bytes": len(css) + assets.inline_css,
        "css_gzip_bytes": len(gzip.compress(css, 9)) if css else 0,
        "js_bytes": len(js) + assets.inline_js,
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _serve(dist: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(dist)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _lighthouse(url: str, report: Path) -> dict[str, Any]:
    """One Lighthouse run: the category scores, and the requests and bytes the page made."""
    lighthouse = shutil.which("lighthouse", path=node_env()["PATH"])
    if lighthouse is None:
        raise RuntimeError("lighthouse is missing: run scripts/install_tools.py")
    run_checked(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={CHROMIUM_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        cwd=report.parent,
        env=node_env(),
        timeout=300,
    )
    result = json.loads(report.read_text())
    audits = result["audits"]
    requests = audits["network-requests"]["details"]["items"]
    # What keeps a category below 100 (scored audits only), so a low score explains itself.
    below = sorted(
        {
            ref["id"]
            for name in CATEGORIES
            for ref in result["categories"][name]["auditRefs"]
            if ref.get("weight")
            and (audits[ref["id"]].get("score") is not None)
            and audits[ref["id"]]["score"] < 1
        }
    )
    return {
        "scores": {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES},
        "audits_below_full_score": below,
        "requests": len(requests),
        "transfer_bytes": int(result["audits"]["total-byte-weight"]["numericValue"]),
    }


def install(project: Path) -> dict[str, float]:
    """`make node-setup` (the project's `npm ci`) and `make web-build`, timed once each."""
    env = node_env()
    npm_ci = timed(lambda: run_checked(["make", "node-setup"], cwd=project, env=env))
    build = timed(lambda: run_checked(["make", "web-build"], cwd=project, env=env))
    return {"npm_ci_s": round(npm_ci, 1), "build_s": round(build, 1)}


def run(project: Path, scratch: Path) -> dict[str, Any]:
    """Weigh and score every page of the built site (apps/web/dist)."""
    dist = project / "apps" / "web" / "dist"
    scratch.mkdir(parents=True, exist_ok=True)
    pages: dict[str, Any] = {}
    with _serve(dist) as origin:
        for page in sorted(dist.rglob("*.html")):
            rel = page.relative_to(dist).as_posix()
            path = "/" + rel.removesuffix("index.html")
            report = scratch / (rel.replace("/", "_") + ".lighthouse.json")
            pages[path] = {**_page_weight(dist, page), **_lighthouse(origin + path, report)}
    return {"pages": pages, "js_files_in_dist": len(list(dist.rglob("*.js")))}
