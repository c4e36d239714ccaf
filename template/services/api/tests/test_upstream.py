"""Upstream calls: bounded retries, and the service degrades instead of failing hard."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.metrics import create_metrics
from api.upstream import UpstreamClient

from .conftest import UPSTREAM_URL, FakeUpstream, make_settings


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_retries_are_bounded(
    retries: int, upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    upstream.plan = [httpx.ConnectError("refused")] * 10
    response = upstream_client(upstream_retries=retries).get("/v1/upstream")
    assert response.status_code == 503
    assert response.json()["degraded"] is True
    assert response.headers["retry-after"] == "5"
    assert upstream.calls == 1 + retries


def test_a_transient_failure_is_retried(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    upstream.plan = [httpx.Response(503), httpx.Response(200, json={"price": 42})]
    response = upstream_client(upstream_retries=1).get("/v1/upstream")
    assert response.json() == {"data": {"price": 42}, "stale": False}
    assert upstream.calls == 2


def test_client_errors_are_not_retried(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    upstream.plan = [httpx.Response(404)] * 3
    response = upstream_client(upstream_retries=2).get("/v1/upstream")
    assert response.status_code == 503
    assert upstream.calls == 1


def test_stale_data_is_served_when_the_upstream_fails(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    client = upstream_client(upstream_retries=0)
    upstream.plan = [httpx.Response(200, json={"price": 42}), httpx.ReadTimeout("slow")]
    assert client.get("/v1/upstream").json() == {"data": {"price": 42}, "stale": False}
    assert client.get("/v1/upstream").json() == {"data": {"price": 42}, "stale": True}


def test_invalid_json_is_a_failure_not_a_crash(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    upstream.plan = [httpx.Response(200, text="<html>")]
    assert upstream_client(upstream_retries=0).get("/v1/upstream").status_code == 503


def test_no_upstream_route_without_an_upstream(client: TestClient) -> None:
    assert client.get("/v1/upstream").status_code == 404


@pytest.mark.anyio
async def test_each_attempt_has_a_timeout() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={})

    settings = make_settings(upstream_url=UPSTREAM_URL, upstream_timeout_seconds=1.5)
    client = UpstreamClient(settings, create_metrics(0.3), transport=httpx.MockTransport(handler))
    try:
        assert await client.get_json("") == {}
    finally:
        await client.aclose()
    assert seen == [{"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}]


@pytest.mark.anyio
async def test_a_call_can_shorten_the_timeout() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={})

    settings = make_settings(upstream_url=UPSTREAM_URL, upstream_timeout_seconds=5)
    client = UpstreamClient(settings, create_metrics(0.3), transport=httpx.MockTransport(handler))
    try:
        await client.get_json("", attempt_timeout=0.5)
    finally:
        await client.aclose()
    assert seen == [{"connect": 0.5, "read": 0.5, "write": 0.5, "pool": 0.5}]


def test_client_needs_a_url(settings: Settings) -> None:
    with pytest.raises(ValueError, match="API_UPSTREAM_URL"):
        UpstreamClient(settings, create_metrics(0.3))
