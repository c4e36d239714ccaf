"""Structured logs: JSON lines with the request id, readable by Loki and jq."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.logs import JsonFormatter, configure_logging, request_id


def record(message: str, **extra: object) -> logging.LogRecord:
    made = logging.makeLogRecord({"name": "api.test", "levelno": logging.INFO, "levelname": "INFO"})
    made.msg = message
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_a_line_is_one_json_object() -> None:
    line = JsonFormatter().format(record('quote " and\nnewline', route="/x", status=200, color_message="x"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == 'quote " and\nnewline'
    assert entry["level"] == "info"
    assert entry["logger"] == "api.test"
    assert (entry["route"], entry["status"]) == ("/x", 200)
    assert entry["time"].endswith("+00:00")
    assert "color_message" not in entry  # uvicorn's terminal-coloured copy of the message


def test_request_id_is_attached() -> None:
    token = request_id.set("rid-1")
    try:
        entry = json.loads(JsonFormatter().format(record("inside")))
    finally:
        request_id.reset(token)
    assert entry["request_id"] == "rid-1"
    assert "request_id" not in json.loads(JsonFormatter().format(record("outside")))


def test_exceptions_are_kept_in_one_line() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        made = record("failed")
        made.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(made))
    assert "ValueError: bad" in entry["exception"]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Tests that configure the service's logging remove its handler afterwards."""
    yield
    logging.getLogger().handlers.clear()


@pytest.mark.usefixtures("restore_logging")
def test_each_request_is_logged_with_its_id(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info")  # here, not in a fixture: the handler must write into capsys
    client.get("/v1/info", headers={"x-request-id": "trace-me"})
    client.get("/healthz")  # a probe: debug level, so not at info
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    access = [entry for entry in lines if entry["message"] == "request"]
    assert len(access) == 1
    assert access[0]["request_id"] == "trace-me"
    assert access[0]["route"] == "/v1/info"
    assert access[0]["status"] == 200
    assert access[0]["duration_ms"] >= 0
