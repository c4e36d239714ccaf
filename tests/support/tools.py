"""Find an external tool, or skip (laptop) / fail (CI=true) with the reason printed."""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI") == "true"


def require(tool: str, why: str = "") -> str:
    """Path of `tool` on PATH. Missing: skip on a laptop, fail under CI=true."""
    path = shutil.which(tool)
    if path:
        return path
    reason = f"{tool} is not installed{f' ({why})' if why else ''}: run `nox -s tests`, which installs it"
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)
