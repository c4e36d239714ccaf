"""Calls to the upstream dependency: a timeout on every attempt, bounded retries with jittered
exponential backoff, and one exception type for callers to degrade on."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import httpx2 as httpx

from api.config import Settings
from api.metrics import Metrics

# Worth another attempt: the upstream is overloaded or restarting, or the network blinked.
RETRY_STATUSES = frozenset({429, 502, 503, 504})

log = logging.getLogger("api.upstream")


class UpstreamUnavailable(Exception):
    """The upstream did not answer usefully within the attempts allowed."""


class UpstreamClient:
    def __init__(
        self, settings: Settings, metrics: Metrics, transport: httpx.AsyncBaseTransport | None = None
    ):
        if settings.upstream_url is None:
            raise ValueError("UpstreamClient needs API_UPSTREAM_URL")
        self.name = settings.upstream_name
        self.retries = settings.upstream_retries
        self.backoff = settings.upstream_backoff_seconds
        self.metrics = metrics
        self.client = httpx.AsyncClient(
            base_url=str(settings.upstream_url),
            timeout=httpx.Timeout(settings.upstream_timeout_seconds),
            transport=transport,
            headers={"user-agent": f"{settings.service_name}/{settings.version}"},
        )

    def _count(self, outcome: str) -> None:
        self.metrics.upstream_requests.labels(upstream=self.name, outcome=outcome).inc()

    async def get_json(
        self, path: str, *, retries: int | None = None, attempt_timeout: float | None = None
    ) -> Any:
        """GET `path` and decode JSON; raise UpstreamUnavailable after the last failed attempt.

        `retries` and `attempt_timeout` override the configured ones for one call (readiness does).
        """
        attempts = 1 + (self.retries if retries is None else retries)
        per_attempt = httpx.USE_CLIENT_DEFAULT if attempt_timeout is None else httpx.Timeout(attempt_timeout)
        reason = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                # Jitter spreads retries from many pods so they do not arrive together.
                delay = self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)  # noqa: S311 (not crypto)
                await asyncio.sleep(delay)
            try:
                response = await self.client.get(path, timeout=per_attempt)
            except httpx.TimeoutException:
                self._count("timeout")
                reason = "timeout"
                continue
            except httpx.TransportError as error:
                self._count("error")
                reason = f"transport error: {type(error).__name__}"
                continue
            if response.status_code in RETRY_STATUSES:
                self._count("error")
                reason = f"status {response.status_code}"
                continue
            if response.is_error:
                # A 4xx other than 429 will not improve on retry.
                self._count("error")
                raise UpstreamUnavailable(f"{self.name} answered {response.status_code}")
            try:
                data = response.json()
            except ValueError:
                self._count("error")
                raise UpstreamUnavailable(f"{self.name} answered with invalid JSON") from None
            self._count("success")
            return data
        log.warning(
            "upstream unavailable", extra={"upstream": self.name, "attempts": attempts, "reason": reason}
        )
        raise UpstreamUnavailable(f"{self.name} unavailable after {attempts} attempt(s): {reason}")

    async def aclose(self) -> None:
        await self.client.aclose()
