"""The app for `make api-dev`: uvicorn's reloader imports `api.dev:app` by name (--factory)
in a fresh process after every change, so the settings are read again each time."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.config import load_settings
from api.logs import configure_logging


def app() -> FastAPI:
    settings = load_settings()  # a ConfigError stops the reloader's worker with its message
    configure_logging(settings.log_level)
    return create_app(settings)
