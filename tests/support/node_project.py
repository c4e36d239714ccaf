"""The default project rendered once, its Node workspaces installed once, for the web and edge e2e tests.

Both tests/test_web.py and tests/test_edge.py use it (one xdist group, so one worker), and the
install is cached in this module so it runs once per test process. Measurements are collected
in METRICS and written to build/webedge-metrics.json for the report.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

import pytest

from support.render import ROOT, render, snapshot_template
from support.tools import require

NODE_MIN_MAJOR = 22
METRICS_FILE = ROOT / "build" / "webedge-metrics.json"
METRICS: dict[str, object] = {}


def node_env() -> dict[str, str]:
    """The environment the generated project's commands run in (CI=true: no prompts, no telemetry)."""
    return {
        **os.environ,
        "CI": "true",
        "ASTRO_TELEMETRY_DISABLED": "1",
        "WRANGLER_SEND_METRICS": "false",
        "NO_UPDATE_NOTIFIER": "1",
        "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
    }


def require_node() -> None:
    node = require("node", f"Node >= {NODE_MIN_MAJOR}: Astro 7, wrangler and vitest 5 need it")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    if int(version.strip().lstrip("v").split(".")[0]) < NODE_MIN_MAJOR:
        reason = f"node {version.strip()} is older than {NODE_MIN_MAJOR}: `nox -s e2e` installs Node 24"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    require("npm")


def run(project: Path, *cmd: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run a command of the generated project; on failure the assertion shows its output."""
    result = subprocess.run(
        list(cmd), cwd=project, env=node_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    output = f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{output}"
    return result


@functools.cache
def _installed(base: Path) -> Path:
    project = render(snapshot_template(base / "template"), base / "project", {})
    # `make node-setup` is the project's own `npm ci` (npm's cache in ~/.npm keeps reruns fast).
    run(project, "make", "node-setup", timeout=900)
    return project


def installed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project (every component), rendered and `npm ci`-installed once per process."""
    require_node()
    require("make")
    return _installed(tmp_path_factory.getbasetemp() / "webedge-e2e")


def record(**values: object) -> None:
    """Add measurements to build/webedge-metrics.json and print them (-s shows them)."""
    METRICS.update(values)
    METRICS_FILE.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(METRICS_FILE.read_text()) if METRICS_FILE.exists() else {}
    METRICS_FILE.write_text(json.dumps({**previous, **METRICS}, indent=2, sort_keys=True) + "\n")
    for key, value in values.items():
        print(f"webedge metric {key} = {value}")
