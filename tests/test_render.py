"""The render matrix: every answer set renders a complete, well-formed project."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from support.answers import COMPONENTS, HOSTILE, HOSTILE_MULTILINE, matrix
from support.files import format_of, parse
from support.render import copier_questions, project_files, render

from hooks.context import COMPONENT_PATHS, computed

MATRIX = matrix()
# Jinja left in output: any statement tag, or an expression naming an answer or a computed value.
# Other `{{ }}` is legitimate output (Helm, GitHub Actions' ${{ }}, Prometheus annotations).
CONTEXT_NAMES = sorted({*copier_questions(), *computed({}), "_copier_conf", "_copier_answers"})
LEFTOVER = re.compile(r"\{%-?\s|\s-?%\}|\{\{-?\s*(" + "|".join(CONTEXT_NAMES) + r")\b")


def test_matrix_is_generated_and_covers_every_component():
    assert len(MATRIX) >= 12
    for component in COMPONENTS:
        assert any(component in a.get("components", COMPONENTS) for a in MATRIX.values())
    pairs = [a for n, a in MATRIX.items() if n.startswith("pair-")]
    assert {a["web_hosting"] for a in pairs} == {"pages", "workers"}


@pytest.mark.parametrize("name", MATRIX)
def test_render_is_well_formed(name: str, render_set):
    root = render_set(name)
    leftovers, empty, malformed = [], [], []
    for rel in project_files(root):
        path = root / rel
        if rel.suffix == ".jinja":
            leftovers.append(f"{rel}: .jinja suffix")
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.strip() and rel.name != ".gitkeep":
            empty.append(str(rel))
        if LEFTOVER.search(text):
            leftovers.append(str(rel))
        if format_of(rel):
            try:
                parse(path)
            except Exception as error:
                malformed.append(f"{rel}: {type(error).__name__}: {error}"[:300])
    assert leftovers == []
    assert empty == []
    assert malformed == []


@pytest.mark.parametrize("name", MATRIX)
def test_components_own_exactly_their_paths(name: str, render_set):
    root = render_set(name)
    selected = MATRIX[name].get("components", list(COMPONENTS))
    for component, paths in COMPONENT_PATHS.items():
        for path in paths:
            if component in selected:
                assert (root / path).exists(), f"{component} selected but {path} is missing"
            else:
                assert not (root / path).exists(), f"{component} not selected but {path} exists"


def test_hostile_text_survives_intact(render_set):
    root = render_set("hostile")
    mkdocs = parse(root / "mkdocs.yml")[0]
    assert mkdocs["site_name"] == HOSTILE[:80]
    assert mkdocs["site_description"] == HOSTILE_MULTILINE
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert answers["description"] == HOSTILE_MULTILINE
    assert answers["client_name"] == HOSTILE[:80]


def test_answers_file_round_trips(render_set, template_src: Path, tmp_path: Path):
    """Re-rendering from a project's answers file gives the same tree, byte for byte."""
    first = render_set("hostile")
    answers = yaml.safe_load((first / ".copier-answers.yml").read_text())
    again = render(
        template_src, tmp_path / "again", {k: v for k, v in answers.items() if not k.startswith("_")}
    )
    assert project_files(again) == project_files(first)
    for rel in project_files(first):
        assert (again / rel).read_bytes() == (first / rel).read_bytes(), rel


def test_new_project_is_a_git_repository_with_one_commit(render_set):
    root = render_set("default")
    log = subprocess.run(["git", "log", "--format=%s"], cwd=root, capture_output=True, text=True, check=True)
    assert log.stdout.splitlines() == ["Initial commit from the Groundwork template"]
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


def test_git_task_is_a_no_op_in_an_existing_repository(template_src: Path, tmp_path: Path):
    dst = tmp_path / "repo"
    dst.mkdir()
    subprocess.run(["git", "init", "-q", str(dst)], check=True)
    render(template_src, dst, {"components": ["web"]})
    log = subprocess.run(["git", "log"], cwd=dst, capture_output=True, text=True, check=False)
    assert log.returncode != 0  # still no commit: the person's repository is left to them
