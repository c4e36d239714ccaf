"""Prometheus metrics the monitoring stack's alerts and dashboards query (names are a contract).

- http_requests_total{method,route,status}
- http_request_duration_seconds{method,route}: a histogram with a bucket on the latency SLO
- http_requests_in_flight
- upstream_requests_total{upstream,outcome}

Each app gets its own registry, so tests and several apps in one process never collide.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

# Prometheus client's default buckets, in seconds; the SLO threshold is added to them.
DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)


def latency_buckets(slo_seconds: float) -> tuple[float, ...]:
    """The default buckets plus one exactly on the SLO threshold, so `le="<slo>"` is exact."""
    return tuple(sorted({*DEFAULT_BUCKETS, slo_seconds}))


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    duration: Histogram
    in_flight: Gauge
    upstream_requests: Counter


def create_metrics(slo_seconds: float) -> Metrics:
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return Metrics(
        registry=registry,
        requests=Counter(
            "http_requests",
            "HTTP requests handled, by method, route template and status code.",
            ["method", "route", "status"],
            registry=registry,
        ),
        duration=Histogram(
            "http_request_duration_seconds",
            "Time to handle an HTTP request, by method and route template.",
            ["method", "route"],
            buckets=latency_buckets(slo_seconds),
            registry=registry,
        ),
        in_flight=Gauge(
            "http_requests_in_flight",
            "HTTP requests being handled right now.",
            registry=registry,
        ),
        upstream_requests=Counter(
            "upstream_requests",
            "Calls to upstream dependencies, by upstream and outcome (each attempt counts).",
            ["upstream", "outcome"],
            registry=registry,
        ),
    )
