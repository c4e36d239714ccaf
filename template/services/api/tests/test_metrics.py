"""The metrics the monitoring stack relies on: names, labels and the SLO bucket."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import METRICS_PATH, create_app
from api.config import Settings
from api.metrics import DEFAULT_BUCKETS, latency_buckets

from .conftest import FakeUpstream, make_settings


def scrape(client: TestClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Sample name -> [(labels, value)] from the /metrics endpoint, parsed as Prometheus does."""
    response = client.get(METRICS_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(samples: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    return sum(v for found, v in samples.get(name, []) if labels.items() <= found.items())


def test_requests_are_counted_by_route_template(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/things/{thing_id}")
    async def thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    with TestClient(app) as client:
        for thing_id in (1, 2, 3):
            client.get(f"/things/{thing_id}")
        client.get("/things/not-a-number")
        client.get("/no/such/route")
        samples = scrape(client)

    route = "/things/{thing_id}"
    assert value(samples, "http_requests_total", method="GET", route=route, status="200") == 3
    assert value(samples, "http_requests_total", method="GET", route=route, status="422") == 1
    assert value(samples, "http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert value(samples, "http_request_duration_seconds_count", method="GET", route=route) == 4
    # Raw paths never become labels: cardinality stays bounded by the routes.
    assert not any(labels.get("route") == "/things/1" for labels, _ in samples["http_requests_total"])


def test_errors_are_counted_as_500(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500
        samples = scrape(client)
    assert value(samples, "http_requests_total", route="/boom", status="500") == 1
    assert value(samples, "http_requests_in_flight") == 1  # only the scrape itself


@pytest.mark.parametrize("slo_ms", [300, 250, 1500, 50])
def test_latency_histogram_has_a_bucket_on_the_slo(slo_ms: int) -> None:
    with TestClient(create_app(make_settings(slo_latency_ms=slo_ms))) as client:
        client.get("/healthz")
        samples = scrape(client)
    bounds = {
        labels["le"]
        for labels, _ in samples["http_request_duration_seconds_bucket"]
        if labels["le"] != "+Inf"
    }
    assert slo_ms / 1000 in {float(b) for b in bounds}
    assert set(DEFAULT_BUCKETS) <= {float(b) for b in bounds}


def test_latency_buckets_are_sorted_and_unique() -> None:
    assert latency_buckets(0.1) == DEFAULT_BUCKETS  # already a default bucket: not doubled
    buckets = latency_buckets(0.3)
    assert list(buckets) == sorted(set(buckets))
    assert len(buckets) == len(DEFAULT_BUCKETS) + 1


def test_upstream_calls_are_counted_by_outcome(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    client = upstream_client(upstream_retries=2)
    upstream.plan = [httpx.ReadTimeout("slow"), httpx.Response(502), httpx.Response(200, json={"a": 1})]
    assert client.get("/v1/upstream").status_code == 200
    samples = scrape(client)
    assert value(samples, "upstream_requests_total", upstream="upstream", outcome="timeout") == 1
    assert value(samples, "upstream_requests_total", upstream="upstream", outcome="error") == 1
    assert value(samples, "upstream_requests_total", upstream="upstream", outcome="success") == 1


def test_process_metrics_are_exposed(client: TestClient) -> None:
    samples = scrape(client)
    assert "process_resident_memory_bytes" in samples
    assert "python_info" in samples
