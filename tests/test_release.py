"""The release script tags only a version whose changelog says how to upgrade to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.render import ROOT
from support.template_repo import IDENTITY, git

RELEASE = ROOT / "scripts" / "release.py"

GOOD = """# Changelog

## Unreleased

## 1.1.0 - 2026-12-14

### Added

- A runbook per alert.

### Upgrading

- Run `copier update --trust`; resolve conflicts in `docs/` if you edited the runbooks.

## 1.0.0 - 2026-12-01

### Added

- The first version.

### Upgrading

- Nothing to do: this is the first version.
"""


def release(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RELEASE), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **IDENTITY},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A template repository with a released 1.0.0 and a changelog ready for 1.1.0."""
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    (tmp_path / "copier.yml").write_text("_migrations: []\n")
    (tmp_path / "CHANGELOG.md").write_text(GOOD)
    git(tmp_path, "add", "--all")
    git(tmp_path, "commit", "--quiet", "-m", "1.0.0")
    git(tmp_path, "tag", "1.0.0")
    git(tmp_path, "commit", "--quiet", "--allow-empty", "-m", "Work for 1.1.0")
    return tmp_path


def commit_changelog(repo: Path, text: str) -> None:
    (repo / "CHANGELOG.md").write_text(text)
    git(repo, "commit", "--quiet", "--all", "-m", "Edit the changelog")


def test_tags_a_version_with_upgrading_notes(repo: Path):
    result = release(repo, "1.1.0")
    assert result.returncode == 0, result.stderr
    assert git(repo, "tag", "--list", "1.1.0").strip() == "1.1.0"
    assert git(repo, "cat-file", "-t", "1.1.0").strip() == "tag"  # annotated
    message = git(repo, "tag", "--list", "--format=%(contents)", "1.1.0")
    assert "resolve conflicts in `docs/`" in message


def test_dry_run_tags_nothing(repo: Path):
    result = release(repo, "1.1.0", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert git(repo, "tag", "--list", "1.1.0") == ""


@pytest.mark.parametrize(
    ("version", "edit", "message"),
    [
        ("1.2.0", None, "no `## 1.2.0 - YYYY-MM-DD` section"),
        ("v1.1.0", None, "not a semantic version"),
        ("1.0.0", None, "already exists"),
        (
            "1.1.0",
            ("### Upgrading\n\n- Run `copier", "### Notes\n\n- Run `copier"),
            "needs an `### Upgrading`",
        ),
        (
            "1.1.0",
            (
                "### Upgrading\n\n- Run `copier update --trust`; resolve conflicts in `docs/` if you "
                "edited the runbooks.\n",
                "### Upgrading\n\n",
            ),
            "needs an `### Upgrading`",
        ),
        ("1.1.0", ("## 1.1.0 - 2026-12-14", "## 1.1.0 - 2026-13-45"), "is not a date"),
        (
            "1.1.0",
            (
                "## Unreleased\n",
                "## Unreleased\n\n### Fixed\n\n- Not released yet.\n\n### Upgrading\n\n- Nothing.\n",
            ),
            "still has entries",
        ),
        ("1.1.0", ("## 1.1.0 - 2026-12-14", "## 1.1.0 (2026-12-14)"), "write `## X.Y.Z - YYYY-MM-DD`"),
    ],
)
def test_refuses(repo: Path, version: str, edit: tuple[str, str] | None, message: str):
    if edit:
        assert edit[0] in GOOD
        commit_changelog(repo, GOOD.replace(edit[0], edit[1], 1))
    result = release(repo, version)
    assert result.returncode == 1
    assert message in result.stderr
    assert git(repo, "tag", "--list", "1.1.0") == ""


def test_refuses_an_older_version_and_a_dirty_tree(repo: Path):
    git(repo, "tag", "1.5.0")
    result = release(repo, "1.1.0")
    assert result.returncode == 1
    assert "not newer than the existing release 1.5.0" in result.stderr
    git(repo, "tag", "--delete", "1.5.0")
    (repo / "CHANGELOG.md").write_text(GOOD + "\nuncommitted\n")
    result = release(repo, "1.1.0")
    assert result.returncode == 1
    assert "uncommitted changes" in result.stderr


def test_refuses_a_migration_for_a_later_version(repo: Path):
    (repo / "copier.yml").write_text('_migrations:\n  - version: "1.2.0"\n    command: ["true"]\n')
    git(repo, "commit", "--quiet", "--all", "-m", "A migration for later")
    result = release(repo, "1.1.0")
    assert result.returncode == 1
    assert "migrations for 1.2.0" in result.stderr


def test_the_templates_own_changelog_is_well_formed():
    result = release(ROOT, "--check")
    assert result.returncode == 0, result.stderr
