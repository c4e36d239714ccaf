"""The default project rendered once, its Node workspaces installed once, for the web and edge e2e tests.

Both tests/test_web.py and tests/test_edge.py use it. Their tests share the xdist group
"webedge"; the expensive steps still run `once()`, under a file lock in the folder all workers of
a run share, so the tests stay correct however xdist spreads them (pytest 9.2 with
pytest-xdist 3.8 was seen to split groups; pyproject.toml pins a pytest that does not).
Measurements go to build/webedge-metrics.json for the report.
"""

from __future__ import annotations

import contextlib
import fcntl
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


def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run sees (the parent of the workers' own base temps)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "webedge-e2e"
    shared.mkdir(exist_ok=True)
    return shared


@contextlib.contextmanager
def locked(shared: Path, name: str):
    """Hold a lock shared by every worker (e.g. while one rebuilds the site others serve)."""
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def once(shared: Path, step: str, action) -> None:
    """Run `action()` once per test run across workers; a failure is re-raised on every worker."""
    with locked(shared, step):
        done, failed = shared / f"{step}.done", shared / f"{step}.failed"
        if failed.exists():
            pytest.fail(f"{step} failed on another worker:\n{failed.read_text()}")
        if not done.exists():
            try:
                action()
            except BaseException as error:
                failed.write_text(str(error)[-8000:])
                raise
            done.touch()


def installed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project (every component), rendered and `npm ci`-installed once per run."""
    require_node()
    require("make")
    shared = shared_dir(tmp_path_factory)
    project = shared / "project"

    def install() -> None:
        render(snapshot_template(shared / "template"), project, {})
        # `make node-setup` is the project's own `npm ci` (npm's cache in ~/.npm keeps reruns fast).
        run(project, "make", "node-setup", timeout=900)

    once(shared, "install", install)
    return project


def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """apps/web/dist of the installed project, built once per run by the project's `make web-build`."""
    project = installed_project(tmp_path_factory)
    shared = shared_dir(tmp_path_factory)
    with locked(shared, "dist"):
        once(shared, "web-build", lambda: run(project, "make", "web-build"))
    return project / "apps/web/dist"


def record(**values: object) -> None:
    """Add measurements to build/webedge-metrics.json and print them (-s shows them)."""
    METRICS.update(values)
    METRICS_FILE.parent.mkdir(parents=True, exist_ok=True)
    with locked(METRICS_FILE.parent, ".webedge-metrics"):
        previous = json.loads(METRICS_FILE.read_text()) if METRICS_FILE.exists() else {}
        METRICS_FILE.write_text(json.dumps({**previous, **METRICS}, indent=2, sort_keys=True) + "\n")
    for key, value in values.items():
        print(f"webedge metric {key} = {value}")
