"""The benchmark's own moving parts (bench/): wrk's report is read right, the write-path script
sends a new valid submission on every request, and every server it starts is stopped with its
whole process group. The benchmark itself (`nox -s bench`) measures; it is not a test."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from support.tools import require

from bench import common

WRK_REPORT = """\
Running 5s test @ http://127.0.0.1:8787/api/health
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    61.62ms   29.04ms 290.36ms   72.08%
    Req/Sec    81.40     25.20   150.00     68.00%
  Latency Distribution
     50%  750.00us
     75%   70.80ms
     90%   95.57ms
     99%    1.20s\x20
  812 requests in 5.01s, 201.17KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:    162.07
Transfer/sec:     40.15KB
STATUSES {"200": 800, "429": 12}
"""


def test_wrk_report_is_read_with_its_units():
    numbers = common.parse_wrk(WRK_REPORT)
    assert numbers == {
        "rps": 162.07,
        "p50_ms": 0.75,
        "p99_ms": 1200.0,
        "statuses": {"200": 800, "429": 12},
        "socket_errors": 3,
    }


def test_medians_and_status_totals_over_runs():
    runs = [
        {"rps": r, "p50_ms": r / 10, "p99_ms": r, "statuses": {"200": 5}, "socket_errors": 0}
        for r in (1, 9, 3)
    ]
    summary = common.summarise(runs)
    assert (summary["rps"], summary["p50_ms"], summary["statuses"]) == (3, 0.3, {"200": 15})


class _Recorder(BaseHTTPRequestHandler):
    bodies: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.bodies.append(body)
        self.send_response(202)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_contact_script_posts_a_new_valid_submission_every_request(monkeypatch: pytest.MonkeyPatch):
    """The Worker replays a repeated submission from its idempotency store: each must be new,
    also from one wrk run to the next."""
    monkeypatch.setattr(common, "WRK", require("wrk", "the benchmark's load tool"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/contact"
        runs = [common.wrk(url, connections=2, seconds=1, script="contact.lua") for _ in range(2)]
    finally:
        server.shutdown()
        server.server_close()
    bodies = _Recorder.bodies
    answered = sum(run["statuses"].get("202", 0) for run in runs)
    assert answered > 10
    assert answered <= len(bodies)
    assert len(set(bodies)) == len(bodies), "a submission was sent twice"
    for body in bodies:
        fields = json.loads(body)
        assert set(fields) == {"name", "email", "message"}
        assert "@" in fields["email"]


def test_server_stops_its_whole_process_group(tmp_path: Path):
    """A child the server spawned (wrangler's workerd, say) goes down with it."""
    pid_file = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, time; p = subprocess.Popen(['sleep', '300']); "
        "open(sys.argv[1], 'w').write(str(p.pid)); time.sleep(300)"
    )
    with common.Server(
        [sys.executable, "-c", script, str(pid_file)], tmp_path, dict(os.environ), tmp_path / "log"
    ) as server:
        deadline = time.monotonic() + 10
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child did not start"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        group = server.process.pid
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
