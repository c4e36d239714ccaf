"""The generated Worker: bundle size from the dry-run deploy, and throughput and latency under
`wrangler dev` on loopback, as ratios against a bare hello-world Worker measured alongside."""

from __future__ import annotations

import gzip
import re
import socket
from pathlib import Path
from typing import Any

from bench import load
from bench.common import Server, free_port, node_env, run_checked, timed

HELLO_WORKER = 'export default { fetch() { return new Response("Hello World!"); } };\n'
COMPATIBILITY_DATE = "2026-08-01"
# The Worker's write rate limit (5 per minute per client) would answer 429 to all but five of
# the bench's requests; the bench's copy of the project raises it to measure the write path.
RATE_LIMIT = '"simple": { "limit": 5, "period": 60 }'
BENCH_RATE_LIMIT = '"simple": { "limit": 100000000, "period": 60 }'


def bundle(project: Path) -> dict[str, Any]:
    """`make edge-build` (wrangler deploy --dry-run): the bundle's raw and gzip sizes."""
    seconds = timed(lambda: run_checked(["make", "edge-build"], cwd=project, env=node_env()))
    scripts = [p for p in (project / "apps/edge/dist").rglob("*.js")]
    raw = b"".join(p.read_bytes() for p in sorted(scripts))
    return {
        "files": [p.name for p in scripts],
        "raw_bytes": len(raw),
        "gzip_bytes": len(gzip.compress(raw, 9)),
        "build_s": round(seconds, 1),
    }


def _port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


def _wrangler_dev(wrangler: Path, cwd: Path, port: int, log: Path) -> Server:
    command = [
        str(wrangler), "dev", "--port", str(port), "--ip", "127.0.0.1",
        "--inspector-port", str(free_port()), "--show-interactive-dev-session=false",
    ]  # fmt: skip
    return Server(command, cwd, node_env(), log)


def _hello_worker(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.js").write_text(HELLO_WORKER)
    (folder / "wrangler.jsonc").write_text(
        f'{{ "name": "bench-hello", "main": "index.js", "compatibility_date": "{COMPATIBILITY_DATE}" }}\n'
    )
    return folder


def _ratios(worker: dict[str, Any], hello: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for endpoint, levels in worker.items():
        for level, numbers in levels.items():
            base = hello[endpoint][level]
            out.setdefault(endpoint, {})[level] = {
                "rps": round(numbers["rps"] / base["rps"], 2),
                "p50": round(numbers["p50_ms"] / base["p50_ms"], 2),
                "p99": round(numbers["p99_ms"] / base["p99_ms"], 2),
            }
    return out


def run(project: Path, scratch: Path) -> dict[str, Any]:
    edge = project / "apps/edge"
    config = edge / "wrangler.jsonc"
    text = config.read_text()
    if RATE_LIMIT not in text:
        raise RuntimeError(f"{config} no longer has the rate limit the bench lifts: update bench/worker.py")
    config.write_text(text.replace(RATE_LIMIT, BENCH_RATE_LIMIT, 1))  # top level = wrangler dev's
    wrangler = project / "node_modules/.bin/wrangler"
    hello_dir = _hello_worker(scratch / "hello")
    worker_port, hello_port = _port(8787), free_port()
    with (
        _wrangler_dev(wrangler, edge, worker_port, scratch / "wrangler-worker.log") as worker,
        _wrangler_dev(wrangler, hello_dir, hello_port, scratch / "wrangler-hello.log") as hello,
    ):
        ready = {
            "worker_s": round(worker.wait_ready(f"http://127.0.0.1:{worker_port}/api/health"), 1),
            "hello_s": round(hello.wait_ready(f"http://127.0.0.1:{hello_port}/"), 1),
        }
        worker_urls = {
            "GET /api/health": (f"http://127.0.0.1:{worker_port}/api/health", "statuses.lua"),
            "POST /api/contact": (f"http://127.0.0.1:{worker_port}/api/contact", "contact.lua"),
        }
        # The hello-world Worker gets the same requests (it answers every one with 200).
        hello_urls = {
            name: (f"http://127.0.0.1:{hello_port}/", script) for name, (_, script) in worker_urls.items()
        }
        measured = load.rounds({"worker": worker_urls, "hello": hello_urls})
    log = (scratch / "wrangler-worker.log").read_text(errors="replace")
    return {
        "ready": ready,
        "ports": {"worker": worker_port, "hello": hello_port},
        "worker": measured["worker"],
        "hello": measured["hello"],
        "ratio_to_hello": _ratios(measured["worker"], measured["hello"]),
        "doubling": {endpoint: load.doubling(levels) for endpoint, levels in measured["worker"].items()},
        "rate_limited_in_log": len(re.findall(r"contact\.rate_limited", log)),
        "rate_limit": "raised to 1e8/min in the bench's copy (the project ships 5/min per client)",
    }
