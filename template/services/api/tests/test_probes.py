"""Liveness, readiness and the info route."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
from fastapi.testclient import TestClient

from api.app import LIVENESS_PATH, READINESS_PATH, READINESS_UPSTREAM_TIMEOUT, create_app

from .conftest import FakeUpstream, make_settings


def test_liveness_is_ok(client: TestClient) -> None:
    response = client.get(LIVENESS_PATH)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_without_dependencies(client: TestClient) -> None:
    response = client.get(READINESS_PATH)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"shutdown": "ok"}}


def test_not_ready_while_draining(client: TestClient) -> None:
    client.app.state.api.draining = True  # type: ignore[attr-defined]
    response = client.get(READINESS_PATH)
    assert response.status_code == 503
    assert response.json()["checks"]["shutdown"] == "draining"
    # Liveness stays green: a draining pod must not be restarted mid-drain.
    assert client.get(LIVENESS_PATH).status_code == 200


def test_readiness_reports_upstream(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    response = upstream_client(upstream_timeout_seconds=10).get(READINESS_PATH)
    assert response.status_code == 200
    assert response.json()["checks"] == {"shutdown": "ok", "upstream": "ok"}
    # The check answers within the probe's timeout, whatever the upstream's own timeout.
    assert upstream.read_timeouts == [READINESS_UPSTREAM_TIMEOUT]


def test_optional_upstream_down_degrades_but_stays_ready(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    upstream.plan = [httpx.Response(503)]
    response = upstream_client().get(READINESS_PATH)
    assert response.status_code == 200
    assert response.json()["checks"]["upstream"] == "down"
    assert upstream.calls == 1  # a probe never retries: it has its own period and threshold


def test_required_upstream_down_is_not_ready(
    upstream_client: Callable[..., TestClient], upstream: FakeUpstream
) -> None:
    upstream.plan = [httpx.ConnectError("refused")]
    response = upstream_client(upstream_required=True).get(READINESS_PATH)
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "checks": {"shutdown": "ok", "upstream": "down"}}


def test_info_names_the_running_build() -> None:
    settings = make_settings(version="1.2.3", commit="abc1234", environment="staging")
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/info").json() == {
            "service": "api",
            "version": "1.2.3",
            "commit": "abc1234",
            "environment": "staging",
        }


def test_production_hides_the_api_docs() -> None:
    with TestClient(create_app(make_settings(environment="production"))) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
    with TestClient(create_app(make_settings(environment="staging"))) as client:
        assert client.get("/openapi.json").status_code == 200


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    given = client.get(LIVENESS_PATH, headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = client.get(LIVENESS_PATH)
    assert len(generated.headers["x-request-id"]) == 32
    hostile = client.get(LIVENESS_PATH, headers={"x-request-id": "a b\tc" + "x" * 200})
    assert hostile.headers["x-request-id"] != "a b\tc" + "x" * 200
    assert len(hostile.headers["x-request-id"]) == 32
