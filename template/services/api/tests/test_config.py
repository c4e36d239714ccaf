"""Configuration: defaults, validation, and a clear error at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.config import ConfigError, Settings, load_settings

SRC = Path(__file__).resolve().parents[1] / "src"


def test_defaults_are_safe_for_local_use(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("API_"):
            monkeypatch.delenv(name)
    settings = load_settings()
    assert settings.host == "127.0.0.1"  # loopback unless the container says otherwise
    assert settings.port == 8000
    assert settings.upstream_url is None
    assert 0 < settings.slo_latency_seconds <= 60


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_PORT", "9000")
    monkeypatch.setenv("API_SLO_LATENCY_MS", "250")
    monkeypatch.setenv("API_UPSTREAM_URL", "https://inventory.example.com/v1/stock")
    settings = load_settings()
    assert settings.port == 9000
    assert settings.slo_latency_seconds == 0.25
    assert str(settings.upstream_url) == "https://inventory.example.com/v1/stock"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("API_PORT", "70000", "API_PORT: Input should be less than or equal to 65535 (got '70000')"),
        ("API_PORT", "eighty", "API_PORT: Input should be a valid integer"),
        ("API_LOG_LEVEL", "loud", "API_LOG_LEVEL: Input should be 'debug', 'info', 'warning' or 'error'"),
        ("API_UPSTREAM_URL", "not a url", "API_UPSTREAM_URL: Input should be a valid URL"),
        ("API_UPSTREAM_RETRIES", "50", "API_UPSTREAM_RETRIES: Input should be less than or equal to 5"),
        ("API_DRAIN_SECONDS", "0", "API_DRAIN_SECONDS: Input should be greater than or equal to 1"),
        ("API_ENVIRONMENT", "prod", "API_ENVIRONMENT: Input should be 'local', 'test', 'staging'"),
    ],
)
def test_invalid_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert str(raised.value).startswith("invalid configuration: ")
    assert expected in str(raised.value)


def test_settings_cannot_change_after_start() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.port = 1  # type: ignore[misc]


def test_the_process_refuses_to_start_with_a_bad_configuration() -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(SRC), "API_PORT": "-1"}
    result = subprocess.run(
        [sys.executable, "-m", "api"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["level"] == "error"
    assert line["message"].startswith("invalid configuration: API_PORT: Input should be greater than")
