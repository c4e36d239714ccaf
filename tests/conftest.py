"""Shared fixtures: the template snapshot and every answer set rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.answers import matrix
from support.node_project import installed_project
from support.render import render, snapshot_template


@pytest.fixture(scope="session")
def template_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree's template as a plain folder (no git: faster, and sees uncommitted edits)."""
    return snapshot_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def render_set(template_src: Path, tmp_path_factory: pytest.TempPathFactory):
    """`render_set(name)` renders a matrix answer set once per session and returns its folder."""
    cache: dict[str, Path] = {}
    sets = matrix()

    def _render(name: str) -> Path:
        if name not in cache:
            cache[name] = render(template_src, tmp_path_factory.mktemp(name) / "project", sets[name])
        return cache[name]

    return _render


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project with its Node workspaces installed (web and edge e2e tests)."""
    return installed_project(tmp_path_factory)
