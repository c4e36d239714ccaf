"""The local environment: `make setup` then `make dev` runs every selected component, checked as an
operator would with testinfra on the local host (ports, processes), then stopped with Ctrl-C.

The e2e tests render a project, run its `make setup` once per session, start `make dev` in its
own process group, wait (bounded) until every health endpoint answers, check the stack, run
`make smoke` against it, send SIGINT to the group and check that nothing is left. Time to healthy
and the stack's memory go to build/localenv-metrics.json.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import NamedTuple

import pytest
import testinfra
from support.node_project import node_env, require_node, run
from support.render import ROOT, render, snapshot_template
from support.tools import require

METRICS_FILE = ROOT / "build" / "localenv-metrics.json"
HEALTHY_WITHIN = 120  # seconds; the stack is usually healthy in about ten
STOP_WITHIN = 30

# Each component's dev server port. Not the defaults (4321, 8787, 8000): other projects' dev servers
# on the same machine use those. `make dev WEB_PORT=...` is also how a developer moves them.
PORTS = {"web": 14321, "edge": 18787, "platform": 18000}
PORT_VARIABLES = {"web": "WEB_PORT", "edge": "EDGE_PORT", "platform": "API_PORT"}
# What the processes of each component look like in `ps` (a fragment of their command line).
PROCESSES = {"web": "astro dev", "edge": "workerd serve", "platform": "uvicorn api.dev:app"}

STACKS = {
    "full": {},  # the defaults: web, edge, platform and observability
    "platform-only": {"components": ["platform"]},  # one component: nothing of the others starts
}
SELECTED = {"full": ["web", "edge", "platform"], "platform-only": ["platform"]}
SMOKE_URL = {
    "full": f"http://127.0.0.1:{PORTS['web']}",
    "platform-only": f"http://127.0.0.1:{PORTS['platform']}",
}


def get(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive) and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http://127.0.0.1 only)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def health_checks(components: list[str]) -> dict[str, object]:
    """URL -> a check of (status, headers, body) that returns what is wrong, or ''."""

    def json_ok(expect_keys: set[str]):
        def check(status: int, headers: Message, body: bytes) -> str:
            if status != 200:
                return f"status {status}"
            data = json.loads(body)
            if data.get("status") != "ok" or not expect_keys <= data.keys():
                return f"body {data}"
            return ""

        return check

    def html_page(status: int, headers: Message, body: bytes) -> str:
        if status != 200 or not headers.get("Content-Type", "").startswith("text/html"):
            return f"status {status}, {headers.get('Content-Type')}"
        return "" if b"<title>" in body else "no <title>"

    def status_200(status: int, _headers: Message, _body: bytes) -> str:
        return "" if status == 200 else f"status {status}"

    web, edge, api = (f"http://127.0.0.1:{PORTS[c]}" for c in ("web", "edge", "platform"))
    checks: dict[str, object] = {}
    if "web" in components:
        checks[f"{web}/"] = html_page
    if "edge" in components:
        checks[f"{edge}/api/health"] = json_ok({"version", "commit"})
    if {"web", "edge"} <= set(components):
        # The site's origin forwards /api/* to the local Worker, as the production routes do.
        checks[f"{web}/api/health"] = json_ok({"version", "commit"})
    if "platform" in components:
        checks[f"{api}/healthz"] = json_ok(set())
        checks[f"{api}/readyz"] = status_200
    return checks


def problems(checks: dict[str, object]) -> dict[str, str]:
    found = {}
    for url, check in checks.items():
        try:
            problem = check(*get(url))
        except (OSError, ValueError) as error:
            problem = str(error)
        if problem:
            found[url] = problem
    return found


class Process(NamedTuple):
    pid: int
    ppid: int
    rss_kb: int
    args: str


def processes(host) -> list[Process]:
    """Every process on the host, from one `ps` (testinfra's lazy Process reads ps once per field)."""
    out = host.check_output("ps -A -ww -o pid=,ppid=,rss=,args=")
    found = []
    for line in out.splitlines():
        pid, ppid, rss, *args = line.split(None, 3)
        found.append(Process(int(pid), int(ppid), int(rss), args[0] if args else ""))
    return found


def descendants(host, root_pid: int) -> list[Process]:
    """Every process started under root_pid, through any number of parents."""
    children: dict[int, list[Process]] = {}
    for process in processes(host):
        children.setdefault(process.ppid, []).append(process)
    found, todo = [], [root_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def record(**values: object) -> None:
    METRICS_FILE.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(METRICS_FILE.read_text()) if METRICS_FILE.exists() else {}
    METRICS_FILE.write_text(json.dumps({**previous, **values}, indent=2, sort_keys=True) + "\n")
    for key, value in values.items():
        print(f"localenv metric {key} = {value}")


@pytest.fixture(scope="session")
def host():
    return testinfra.get_host("local://")


@pytest.fixture(scope="session")
def set_up(tmp_path_factory: pytest.TempPathFactory):
    """`set_up(stack)`: the project rendered with that stack's answers, after its `make setup`."""
    template = snapshot_template(tmp_path_factory.mktemp("localenv-template"))
    done: dict[str, Path] = {}

    def _set_up(stack: str) -> Path:
        if stack not in done:
            require("make")
            require("curl")
            if {"web", "edge"} & set(SELECTED[stack]):
                require_node()
            project = render(template, tmp_path_factory.mktemp(stack) / "project", STACKS[stack])
            started = time.monotonic()
            run(
                project, "make", "setup", timeout=900
            )  # the copier task made the git repository the hooks need
            record(**{f"{stack}.setup_seconds": round(time.monotonic() - started, 1)})
            done[stack] = project
        return done[stack]

    return _set_up


def wait_for_free_ports(host, ports: list[int]) -> None:
    deadline = time.monotonic() + 120  # another project's dev servers may be stopping
    while busy := [p for p in ports if host.socket(f"tcp://127.0.0.1:{p}").is_listening]:
        if time.monotonic() > deadline:
            pytest.fail(f"ports {busy} are taken by another program: `make dev` needs them")
        time.sleep(1)


@pytest.mark.e2e
@pytest.mark.xdist_group("localenv")
@pytest.mark.parametrize("stack", list(STACKS))
def test_make_dev_runs_every_selected_component_and_stops_cleanly(stack: str, set_up, host):
    project = set_up(stack)
    components = SELECTED[stack]
    ports = [PORTS[c] for c in components]
    absent = [port for c, port in PORTS.items() if c not in components]
    wait_for_free_ports(host, list(PORTS.values()))

    (project / "build").mkdir(exist_ok=True)
    dev_log = project / "build" / "dev.log"
    log = dev_log.open("w")
    started = time.monotonic()
    dev = subprocess.Popen(
        ["make", "dev", *(f"{PORT_VARIABLES[c]}={port}" for c, port in PORTS.items())],
        cwd=project,
        env=node_env(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's foreground job is
    )
    pids: list[int] = []
    try:
        checks = health_checks(components)
        while found := problems(checks):
            if dev.poll() is not None:
                pytest.fail(f"make dev exited with {dev.returncode}:\n{dev_log.read_text()[-5000:]}")
            assert time.monotonic() - started < HEALTHY_WITHIN, f"not healthy in {HEALTHY_WITHIN}s: {found}"
            time.sleep(0.25)
        healthy_seconds = round(time.monotonic() - started, 1)

        # Every selected component listens on loopback only; the others' ports stay closed.
        for port in ports:
            assert host.socket(f"tcp://127.0.0.1:{port}").is_listening, port
            assert not host.socket(f"tcp://0.0.0.0:{port}").is_listening, f"{port} listens on every interface"
        for port in absent:
            assert not host.socket(f"tcp://127.0.0.1:{port}").is_listening, f"{port} listens: not selected"

        # The processes are the components' dev servers, all under make dev.
        tree = descendants(host, dev.pid)
        pids = [p.pid for p in tree]
        commands = [p.args for p in tree]
        assert any("scripts/dev.py" in c for c in commands), commands
        for component, fragment in PROCESSES.items():
            running = [c for c in commands if fragment in c]
            assert bool(running) == (component in components), (component, commands)
        rss_mb = round(sum(p.rss_kb for p in tree) / 1024)

        # The pipeline's own smoke tests pass against the local stack.
        smoke = run(project, "make", "smoke", f"URL={SMOKE_URL[stack]}", timeout=120)
        assert " 0 failed" in smoke.stdout, smoke.stdout

        # Ctrl-C: SIGINT to the whole foreground group, as a terminal sends it.
        stop_started = time.monotonic()
        os.killpg(dev.pid, signal.SIGINT)
        dev.wait(timeout=STOP_WITHIN)
        stop_seconds = round(time.monotonic() - stop_started, 1)
        output = dev_log.read_text()
        assert "dev: stopped" in output, output[-3000:]
        left = [p for p in processes(host) if p.pid in pids]
        assert not left, f"still running after make dev stopped: {[(p.pid, p.args) for p in left]}"
        for port in ports:
            assert not host.socket(f"tcp://127.0.0.1:{port}").is_listening, f"{port} still listens"
        # Interleaved, labelled logs: each component's lines carry its name.
        for component in components:
            label = {"web": "web", "edge": "edge", "platform": "api"}[component]
            assert f"\n{label}" in output, f"no line labelled {label}"
        record(
            **{
                f"{stack}.healthy_seconds": healthy_seconds,
                f"{stack}.rss_mb": rss_mb,
                f"{stack}.processes": len(pids),
                f"{stack}.stop_seconds": stop_seconds,
            }
        )
    finally:
        # Whatever failed, leave no dev server behind for the next test.
        pids = pids or [p.pid for p in descendants(host, dev.pid)]
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGINT)
            try:
                dev.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                os.killpg(dev.pid, signal.SIGKILL)
                dev.wait()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        log.close()


def test_dev_script_is_python_stdlib_only():
    """scripts/dev.py runs before any virtualenv exists: it may import the standard library only."""
    source = (ROOT / "template/scripts/dev.py").read_text()
    imported = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from ")) and not line.startswith("from __future__")
    }
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


# scripts/dev.py on its own, with stand-in dev servers: fast, no Node or service needed.
STAND_IN = """\
long-dev:
\t@python3 -c 'import os, time; print("long", os.getpid(), flush=True); time.sleep(300)'
other-dev:
\t@sh -c 'echo other $$$$; sleep 300'
short-dev:
\t@echo short; exit 3
"""


def start_dev_script(tmp_path: Path, *targets: str) -> subprocess.Popen[str]:
    (tmp_path / "Makefile").write_text(STAND_IN)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "template/scripts/dev.py"), *targets],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "NO_COLOR": "1", "DEV_STOP_SECONDS": "5"},
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_dev_script_labels_each_line_and_stops_every_group_on_sigint(tmp_path: Path):
    dev = start_dev_script(tmp_path, "long-dev", "other-dev")
    lines: list[str] = []
    while len([line for line in lines if line.startswith(("long  | long", "other | other"))]) < 2:
        line = dev.stdout.readline()
        assert line, f"dev.py ended early: {lines}"
        lines.append(line)
    pids = [int(line.split()[-1]) for line in lines if line.startswith(("long  | long", "other | other"))]
    assert all(alive(pid) for pid in pids)
    os.killpg(dev.pid, signal.SIGINT)  # Ctrl-C reaches dev.py's group; the servers have their own
    output, _ = dev.communicate(timeout=15)
    assert dev.returncode == 0, output
    assert "dev: SIGINT: stopping long-dev, other-dev" in output
    assert output.rstrip().endswith("dev: stopped")
    assert not [pid for pid in pids if alive(pid)]


def test_dev_script_stops_the_others_when_one_exits(tmp_path: Path):
    dev = start_dev_script(tmp_path, "long-dev", "short-dev")
    output, _ = dev.communicate(timeout=30)
    assert dev.returncode == 1, output
    assert "short | short" in output
    assert "dev: short-dev exited with status 2: stopping the others" in output  # make's status
    pids = [int(line.split()[-1]) for line in output.splitlines() if line.startswith("long  | long")]
    assert not [pid for pid in pids if alive(pid)]


def test_dev_script_refuses_an_empty_target_list(tmp_path: Path):
    dev = start_dev_script(tmp_path)
    output, _ = dev.communicate(timeout=10)
    assert dev.returncode == 64
    assert "usage" in output
