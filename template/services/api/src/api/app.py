"""The FastAPI application: probes, metrics and the service's own routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.config import Settings
from api.metrics import Metrics, create_metrics
from api.middleware import RequestMiddleware
from api.upstream import UpstreamClient, UpstreamUnavailable

# The paths Kubernetes and Prometheus use; the Helm chart's probes and ServiceMonitor match them.
LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
METRICS_PATH = "/metrics"
# Seconds readiness waits for the upstream; below the chart's readiness probe timeout (2 s).
READINESS_UPSTREAM_TIMEOUT = 1.0

log = logging.getLogger("api")


@dataclass
class State:
    """What the routes share: set once at start-up, `draining` flips on SIGTERM."""

    settings: Settings
    metrics: Metrics
    upstream: UpstreamClient | None = None
    draining: bool = False
    last_good: dict[str, Any] = field(default_factory=dict)


def create_app(settings: Settings, upstream_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """Build the app. `upstream_transport` lets tests stand in for the network."""
    state = State(settings=settings, metrics=create_metrics(settings.slo_latency_seconds))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.upstream_url is not None:
            state.upstream = UpstreamClient(settings, state.metrics, transport=upstream_transport)
        log.info("started", extra={"version": settings.version, "environment": settings.environment})
        try:
            yield
        finally:
            if state.upstream is not None:
                await state.upstream.aclose()
            log.info("stopped")

    public_docs = settings.environment != "production"
    app = FastAPI(
        title=settings.service_name,
        version=settings.version,
        lifespan=lifespan,
        docs_url="/docs" if public_docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if public_docs else None,
    )
    app.state.api = state
    app.add_middleware(RequestMiddleware, metrics=state.metrics)

    @app.get(LIVENESS_PATH, include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Alive: the event loop answers. Never checks dependencies (a restart would not fix them)."""
        return {"status": "ok"}

    @app.get(READINESS_PATH, include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Ready for traffic: not shutting down, and every required dependency answers."""
        checks = {"shutdown": "draining" if state.draining else "ok"}
        ready = not state.draining
        if state.upstream is not None:
            try:
                # One short attempt: the answer must arrive within the probe's own timeout.
                await state.upstream.get_json("", retries=0, attempt_timeout=READINESS_UPSTREAM_TIMEOUT)
                checks[settings.upstream_name] = "ok"
            except UpstreamUnavailable:
                checks[settings.upstream_name] = "down"
                ready = ready and not settings.upstream_required
        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get(METRICS_PATH, include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/info")
    async def info() -> dict[str, str]:
        """What is running where: the deploy pipeline's smoke test reads it."""
        return {
            "service": settings.service_name,
            "version": settings.version,
            "commit": settings.commit,
            "environment": settings.environment,
        }

    if settings.upstream_url is not None:

        @app.get("/v1/upstream")
        async def upstream_data() -> JSONResponse:
            """The upstream's data; its last good answer (marked stale) when it is down."""
            assert state.upstream is not None  # created by the lifespan before any request
            try:
                data = await state.upstream.get_json("")
            except UpstreamUnavailable as error:
                if "data" in state.last_good:
                    return JSONResponse({"data": state.last_good["data"], "stale": True})
                return JSONResponse(
                    {"detail": str(error), "degraded": True}, status_code=503, headers={"retry-after": "5"}
                )
            state.last_good["data"] = data
            return JSONResponse({"data": data, "stale": False})

    return app
