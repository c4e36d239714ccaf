"""The generated FastAPI service under its own entry point (uvicorn, `python -m api`) on
loopback: throughput and latency of the liveness probe and a real route at 1x and 2x load."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench import load
from bench.common import Server, free_port, run_checked, timed

ENDPOINTS = {"GET /healthz": "/healthz", "GET /v1/info": "/v1/info"}


def run(project: Path, scratch: Path) -> dict[str, Any]:
    api = project / "services/api"
    # The project's own target: a virtualenv from the hashed lock file.
    setup = timed(lambda: run_checked(["make", "services/api/.venv/.installed"], cwd=project))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": "src", "API_ENVIRONMENT": "local", "API_PORT": str(port)}
    with Server([str(api / ".venv/bin/python"), "-m", "api"], api, env, scratch / "api.log") as server:
        ready = server.wait_ready(f"http://127.0.0.1:{port}/healthz")
        urls = {name: (f"http://127.0.0.1:{port}{path}", "statuses.lua") for name, path in ENDPOINTS.items()}
        measured = load.rounds({"api": urls})["api"]
    return {
        "venv_s": round(setup, 1),
        "ready_s": round(ready, 1),
        "server": "uvicorn (python -m api: one process, one event loop)",
        "endpoints": measured,
        "doubling": {endpoint: load.doubling(levels) for endpoint, levels in measured.items()},
    }
