"""Shared pieces of the benchmarks: timing, medians, the machine description, the report."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
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
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip(),
    }


def write_json(report: dict[str, Any]) -> Path:
    REPORT_JSON.parent.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(report, indent=2) + "\n")
    return REPORT_JSON
