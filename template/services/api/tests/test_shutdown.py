"""Graceful shutdown of the real server process: SIGTERM stops new connections, lets the
request in flight finish, then the process exits 0. Kubernetes relies on exactly this."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"
WAIT = 120.0  # generous upper bound for a loaded CI machine; never a measured expectation


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    release: Path
    lines: queue.Queue[dict[str, object]]
    reader: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_log(self, message: str) -> dict[str, object]:
        while True:
            entry = self.lines.get(timeout=WAIT)
            if entry.get("message") == message:
                return entry

    def accepts_connections(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stops_accepting(self) -> bool:
        """True once a new connection is refused (uvicorn logs before it closes the socket)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if not self.accepts_connections():
                return True
            time.sleep(0.05)
        return False


def start(tmp_path: Path, drain_seconds: int) -> Server:
    port = free_port()
    release = tmp_path / "release"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(SRC),
        "API_PORT": str(port),
        "API_DRAIN_SECONDS": str(drain_seconds),
        "TEST_RELEASE_FILE": str(release),
    }
    process = subprocess.Popen(
        [sys.executable, str(TESTS / "slow_server.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[dict[str, object]] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("{"):
                lines.put(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    server = Server(process, port, release, lines, reader)
    server.wait_for_log("Application startup complete.")
    return server


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[list[Server]]:
    servers: list[Server] = []
    yield servers
    for server in servers:
        if server.process.poll() is None:
            server.process.kill()
        server.process.wait(timeout=WAIT)
        server.reader.join(timeout=WAIT)
        assert server.process.stdout is not None
        server.process.stdout.close()


def slow_request(server: Server, results: list[httpx.Response | Exception]) -> threading.Thread:
    def call() -> None:
        try:
            results.append(httpx.get(f"{server.url}/test/slow", timeout=WAIT))
        except httpx.HTTPError as error:
            results.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    server.wait_for_log("slow request started")
    return thread


def test_sigterm_drains_the_request_in_flight(tmp_path: Path, server_factory: list[Server]) -> None:
    server = start(tmp_path, drain_seconds=20)
    server_factory.append(server)
    results: list[httpx.Response | Exception] = []
    thread = slow_request(server, results)

    server.process.send_signal(signal.SIGTERM)
    draining = server.wait_for_log("shutdown requested: draining in-flight requests")
    assert draining["signal"] == "SIGTERM"
    assert draining["in_flight"] == 1

    # New connections are refused while the old request is still being served.
    server.wait_for_log("Shutting down")
    assert server.stops_accepting()
    assert server.process.poll() is None
    assert results == []

    server.release.touch()
    thread.join(timeout=WAIT)
    [response] = results
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200
    assert response.json() == {"status": "finished"}
    assert server.process.wait(timeout=WAIT) == 0
    server.wait_for_log("stopped")  # the lifespan's shutdown ran: clients closed


def test_a_request_longer_than_the_drain_is_cut_off(tmp_path: Path, server_factory: list[Server]) -> None:
    server = start(tmp_path, drain_seconds=1)
    server_factory.append(server)
    results: list[httpx.Response | Exception] = []
    thread = slow_request(server, results)

    server.process.send_signal(signal.SIGTERM)
    # The request is never released: the drain timeout ends it and the process still exits.
    assert server.process.wait(timeout=WAIT) == 0
    thread.join(timeout=WAIT)
    [outcome] = results
    assert isinstance(outcome, Exception) or outcome.status_code >= 500
