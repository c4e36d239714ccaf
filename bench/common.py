"""Shared pieces of the benchmarks: timing, medians, the machine description, the report."""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPORT_JSON = ROOT / "build" / "bench" / "report.json"
REPORT_MD = ROOT / "docs" / "performance.md"


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_of(
    runs: int, action: Callable[[], Any], setup: Callable[[], Any] | None = None
) -> dict[str, float]:
    """Run `action` `runs` times (after `setup` each time) and summarise the wall times in seconds."""
    samples = []
    for _ in range(runs):
        if setup:
            setup()
        samples.append(timed(action))
    return {"median_s": round(statistics.median(samples), 3), "min_s": round(min(samples), 3), "runs": runs}


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().split()
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        # Other work on the machine moves every number here: say how busy it was at the start.
        "load_average_1m": round(os.getloadavg()[0], 1),
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip(),
    }


def write_json(report: dict[str, Any]) -> Path:
    REPORT_JSON.parent.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(report, indent=2) + "\n")
    return REPORT_JSON


# --- processes: every server the bench starts runs in its own process group ------------------


class Server:
    """A background process in its own session (process group), its output in a log file.

    Used as a context manager so the group is stopped (TERM, then KILL) on every way out.
    """

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], log: Path) -> None:
        self.command, self.cwd, self.env, self.log = command, cwd, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or (self.process.poll() is not None and _group_gone(self.process.pid)):
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                self.process.poll()
                if _group_gone(self.process.pid):
                    return
                time.sleep(0.1)

    def wait_ready(self, url: str, timeout: float = 120) -> float:
        """Poll `url` until it answers 2xx; return the seconds it took. Fails with the log's tail."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            assert self.process is not None
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL)
                    if 200 <= response.status < 300:
                        return time.perf_counter() - start
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        tail = self.log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(self.command)} did not serve {url}:\n{tail}")


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_checked(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> str:
    """Run a command; on failure raise with the tail of its output. Returns stdout + stderr."""
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}:\n{output[-4000:]}")
    return output


# --- wrk: HTTP load on loopback ----------------------------------------------------------------

WRK = "/usr/bin/wrk"
WRK_THREADS = 2
WRK_SCRIPTS = Path(__file__).parent / "wrk"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, connections: int, seconds: int, script: str = "statuses.lua") -> dict[str, Any]:
    """One wrk run: requests/s, p50/p99 latency in ms and the count of each HTTP status."""
    command = [
        WRK,
        f"--threads={min(WRK_THREADS, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={WRK_SCRIPTS / script}",
        url,
        "--",
        uuid.uuid4().hex,  # the run id scripts may use to make their requests unique
    ]
    # Run from the scripts' folder so one script can `require` another.
    out = subprocess.run(
        command, cwd=WRK_SCRIPTS, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> dict[str, Any]:
    """The numbers of wrk's `--latency` report plus the STATUSES line of bench/wrk/statuses.lua."""
    # wrk pads a value in seconds ("1.20s ") to the width of "1.20ms": allow trailing blanks.
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if set(latency) != {"50", "99"} or "STATUSES" not in out:
        raise RuntimeError(f"unexpected wrk report:\n{out[-3000:]}")
    statuses = json.loads(re.search(r"^STATUSES (\{.*\})$", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "p50_ms": round(_ms(latency["50"]), 3),
        "p99_ms": round(_ms(latency["99"]), 3),
        "statuses": statuses,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over several wrk runs of one configuration; statuses summed."""
    statuses: dict[str, int] = {}
    for run in runs:
        for status, count in run["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 3),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 3),
        "statuses": dict(sorted(statuses.items())),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "runs": len(runs),
    }


# --- the generated project's toolchain ---------------------------------------------------------

TOOLS_BIN = ROOT / ".cache" / "tools" / "bin"


def node_env() -> dict[str, str]:
    """The environment the generated project's commands run in: Node >= 22 first, no telemetry."""
    return {
        **os.environ,
        "PATH": os.pathsep.join([str(TOOLS_BIN), os.environ.get("PATH", "")]),
        "CI": "true",
        "ASTRO_TELEMETRY_DISABLED": "1",
        "WRANGLER_SEND_METRICS": "false",
        "NO_UPDATE_NOTIFIER": "1",
    }
