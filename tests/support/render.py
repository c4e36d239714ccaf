"""Render the template through copier's API, the way a user's `copier copy` would."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from copier import Settings, run_copy

ROOT = Path(__file__).resolve().parents[2]
# What copier reads from the template repository; everything else (tests, docs) is not template.
# locks/ holds the npm lock files the template includes (scripts/npm_locks.py writes them).
TEMPLATE_PARTS = ("copier.yml", "template", "hooks", "locks")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", ".venv")


def snapshot_template(dst: Path) -> Path:
    """A plain-folder copy of the working tree's template: renders fast and sees uncommitted edits."""
    dst.mkdir(parents=True, exist_ok=True)
    for part in TEMPLATE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dst / part, ignore=IGNORE)
        else:
            shutil.copy2(src, dst / part)
    return dst


def render(src: Path, dst: Path, answers: dict[str, Any] | None = None, **kwargs: Any) -> Path:
    """Render `src` into `dst` with `answers`, defaults for the rest; the user's settings are ignored."""
    run_copy(
        str(src),
        dst,
        data=dict(answers or {}),
        defaults=True,
        unsafe=True,
        quiet=True,
        settings=Settings(),
        **kwargs,
    )
    return dst


def project_files(root: Path) -> list[Path]:
    """Every rendered file, relative to `root`, without git's own folder."""
    return sorted(
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    )


def copier_questions() -> dict[str, dict[str, Any]]:
    """The questions of copier.yml by name, in order."""
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {k: v for k, v in spec.items() if not k.startswith("_")}
