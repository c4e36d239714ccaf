"""Fixtures: settings for tests, an app wired to a fake upstream, and a client that runs its lifespan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings

UPSTREAM_URL = "http://upstream.test/v1/data"


def make_settings(**overrides: Any) -> Settings:
    """Settings as the chart would give them, with `overrides`; no retry delays in tests."""
    values: dict[str, Any] = {"environment": "test", "upstream_backoff_seconds": 0, **overrides}
    return Settings(**values)


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class FakeUpstream:
    """Answers each request with the next planned response (or raises it), and counts calls."""

    def __init__(self) -> None:
        self.plan: list[httpx.Response | Exception] = []
        self.calls = 0
        self.read_timeouts: list[float] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.read_timeouts.append(request.extensions["timeout"]["read"])
        outcome = self.plan.pop(0) if self.plan else httpx.Response(200, json={"items": []})
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def upstream() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture
def upstream_client(upstream: FakeUpstream) -> Iterator[Callable[..., TestClient]]:
    """`upstream_client(**settings)`: a client whose app calls the fake upstream."""
    with ExitStack() as stack:

        def _client(**overrides: Any) -> TestClient:
            settings = make_settings(upstream_url=UPSTREAM_URL, **overrides)
            app = create_app(settings, upstream_transport=httpx.MockTransport(upstream.handler))
            return stack.enter_context(TestClient(app))

        yield _client


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked anyio) run on asyncio, as uvicorn does."""
    return "asyncio"
