"""Structured logs: one JSON object per line on stdout, carrying the request id.

Kubernetes collects stdout; Loki and `kubectl logs | jq` read it. Every line logged while a
request is handled carries that request's id, so one request can be followed end to end.
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed with `extra=` and is logged as a field.
# uvicorn's color_message repeats the message with terminal colours.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}


class JsonFormatter(logging.Formatter):
    """Formats a record as a single JSON line with time, level, logger, message and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current is not None:
            entry["request_id"] = current
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "info") -> None:
    """Route the service's and uvicorn's logs through the JSON formatter on stdout."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonFormatter}},
            "handlers": {
                "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": sys.stdout}
            },
            "root": {"handlers": ["stdout"], "level": level.upper()},
            "loggers": {
                # uvicorn's own handlers would print plain text: hand its records to the root.
                "uvicorn": {"handlers": [], "propagate": True},
                "uvicorn.error": {"handlers": [], "propagate": True},
                # The service logs each request itself, with its route and request id.
                "uvicorn.access": {"handlers": [], "propagate": False},
                # One line per upstream call is noise: upstream_requests_total counts them.
                "httpx2": {"level": "WARNING"},
            },
        }
    )
