"""Per-request bookkeeping: request id, metrics and one structured access log line.

A plain ASGI middleware (not BaseHTTPMiddleware) so streaming responses and cancellation
behave, and so it sees the status code even when the handler raises.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import request_id
from api.metrics import Metrics

REQUEST_ID_HEADER = b"x-request-id"
# A caller's request id is kept only when it is short and plain; anything else is replaced.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
# Probes and scrapes come every few seconds: log them at debug level only.
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
UNMATCHED = "unmatched"

log = logging.getLogger("api.access")


def route_of(scope: Scope) -> str:
    """The route template (`/items/{item_id}`), never the raw path: labels stay few."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"").decode("latin-1")
        rid = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500  # what the client sees if the handler raises before responding

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, rid.encode())]
            await send(message)

        self.metrics.in_flight.inc()
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            self.metrics.in_flight.dec()
            method, route = scope["method"], route_of(scope)
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.duration.labels(method=method, route=route).observe(elapsed)
            log.log(
                logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id.reset(token)
