"""Load rounds shared by the Worker and service benchmarks: wrk at a base concurrency and at
twice that, alternating between the systems compared so machine noise hits them alike."""

from __future__ import annotations

from typing import Any

from bench.common import summarise, wrk

BASE_CONNECTIONS = 10
LEVELS = {"1x": BASE_CONNECTIONS, "2x": 2 * BASE_CONNECTIONS}
SECONDS = 4
ROUNDS = 5


def rounds(targets: dict[str, dict[str, tuple[str, str]]]) -> dict[str, Any]:
    """`targets[system][endpoint] = (url, wrk script)`; returns medians per system, endpoint, level.

    Endpoints are measured one after the other, in the order given (a write endpoint last: the
    work it queues must not slow the reads measured after it). For each endpoint, every round
    runs each level once on every system, the systems' order reversed from round to round.
    """
    samples: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    systems = list(targets)
    endpoints = list(next(iter(targets.values())))
    for endpoint in endpoints:
        for system in systems:
            warm_up(*targets[system][endpoint])
        for n in range(ROUNDS):
            order = systems if n % 2 == 0 else systems[::-1]
            for level, connections in LEVELS.items():
                for system in order:
                    url, script = targets[system][endpoint]
                    samples.setdefault((system, endpoint, level), []).append(
                        wrk(url, connections, SECONDS, script)
                    )
    result: dict[str, Any] = {}
    for (system, endpoint, level), runs in samples.items():
        result.setdefault(system, {}).setdefault(endpoint, {})[level] = summarise(runs)
    return result


def doubling(per_level: dict[str, Any]) -> dict[str, float]:
    """What doubling the concurrency did: throughput and p99 at 2x over 1x."""
    one, two = per_level["1x"], per_level["2x"]
    return {
        "rps_2x_over_1x": round(two["rps"] / one["rps"], 2),
        "p99_2x_over_1x": round(two["p99_ms"] / one["p99_ms"], 2),
    }


def warm_up(url: str, script: str) -> None:
    """A short untimed run, so the first measured round does not pay for compilation and caches."""
    wrk(url, LEVELS["1x"], 1, script)
