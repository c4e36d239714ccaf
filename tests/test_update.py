"""`copier update` pulls template improvements into a project without losing the project's work.

Two upgrade paths, each through a throwaway git repository with real version tags:

- the release path: the newest release tag of this repository (exported with `git archive`)
  upgraded to the working tree. Before the first release there is no tag, and the scenario
  path below stands in for it (the test says so in its output); when a tag exists it is used,
  and a tag that cannot be read fails the test instead of skipping it.
- the scenario path: the working tree as 1.0.0, and a synthetic 2.0.0 built by editing a copy
  of it the way real releases change a template: a line added at the end of several files, a
  new question, a renamed question (with its migration), a removed question, a moved file
  (with its migration) and a changed project-owned file. The files it edits are chosen from
  what the project renders today, so the test keeps working as components are added.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import Settings, run_update
from pathspec import PathSpec
from support.render import ROOT, project_files, render
from support.template_repo import (
    WORKING_TREE_VERSION,
    TemplateRepo,
    export_release,
    git,
    previous_release,
)

ANSWERS_FILE = ".copier-answers.yml"
OLD, NEW = "1.0.0", "2.0.0"

# The synthetic 2.0.0's changes.
RENAMED_FROM, RENAMED_TO = "tech_lead", "technical_owner"
RETIRED = "retired_option"
NEW_QUESTION, NEW_DEFAULT = "support_hours", "Monday to Friday, 09:00-17:00 CET"
NEW_FILE = "docs/support.md"
MOVED_FROM, MOVED_TO = "SECURITY.md", ".github/SECURITY.md"
PROJECT_OWNED_PROBE = "docs/adr/9000-update-test-record.md"
TEMPLATE_CHANGE = "improved by the template in 2.0.0"
USER_CHANGE = "changed by the project"
SCENARIO_ANSWERS = {RENAMED_FROM: "Zoë O'Brien: platform lead", RETIRED: True}

CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")  # at the start of a line; "=======" alone can be markdown
COMMENT_BY_SUFFIX = {
    ".md": "<!-- {} -->",
    ".astro": "<!-- {} -->",
    ".html": "<!-- {} -->",
    ".css": "/* {} */",
    ".ts": "// {}",
    ".js": "// {}",
    ".mjs": "// {}",
    ".jsonc": "// {}",
    **dict.fromkeys((".yaml", ".yml", ".tf", ".hcl", ".toml", ".py", ".sh", ".mk", ".txt"), "# {}"),
}
COMMENT_BY_NAME = dict.fromkeys(("Makefile", ".gitignore", ".gitattributes", ".editorconfig"), "# {}")
MIN_LINES = 12  # room for an edit at the top that is far from a change at the end
VALUE_LINES = {
    # a Terraform variable default: `default = 3` or `default = "t3.medium"`
    ".tf": re.compile(r'^(?P<key>\s*default\s*=\s*)(?P<value>\d+|"[^"$\n]*")\s*$', re.MULTILINE),
    # a Helm value: `replicaCount: 2`
    ".yaml": re.compile(r"^(?P<key>\s*[A-Za-z][\w-]*:\s+)(?P<value>\d+)\s*$", re.MULTILINE),
}


# --- Building the synthetic versions ------------------------------------------------------------


def load_config(tree: Path) -> dict[str, Any]:
    return yaml.safe_load((tree / "copier.yml").read_text(encoding="utf-8"))


def dump_config(tree: Path, config: dict[str, Any]) -> None:
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=10_000)
    (tree / "copier.yml").write_text(text, encoding="utf-8")


def template_source(tree: Path, rel: str) -> Path:
    """The template file that renders to `rel` (plain or .jinja)."""
    for candidate in (tree / "template" / f"{rel}.jinja", tree / "template" / rel):
        if candidate.is_file():
            return candidate
    raise AssertionError(f"no template source renders {rel}")


def comment(rel: str, text: str) -> str:
    style = COMMENT_BY_NAME.get(Path(rel).name) or COMMENT_BY_SUFFIX[Path(rel).suffix]
    return style.format(text)


def append_line(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + line + "\n", encoding="utf-8")


def add_probe(tree: Path) -> None:
    """A project-owned file in both versions (an ADR, as the project's decisions are its own)."""
    probe = tree / "template" / PROJECT_OWNED_PROBE
    probe.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# 9000. Keep the update test's record", "", "Status: accepted", ""]
    lines += [f"Reason {n}: rendered once, then the project's own." for n in range(12)]
    probe.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_old_version(tree: Path) -> None:
    """1.0.0: the working tree, plus a question 2.0.0 removes and a project-owned file."""
    config = load_config(tree)
    config[RETIRED] = {"type": "bool", "help": "An option 2.0.0 no longer asks about", "default": False}
    dump_config(tree, config)
    add_probe(tree)


def edit_new_version(tree: Path, improved: list[str]) -> None:
    """2.0.0: the changes a real release makes, applied to a copy of the working tree."""
    add_probe(tree)
    for rel in [*improved, PROJECT_OWNED_PROBE]:
        append_line(template_source(tree, rel), comment(rel, TEMPLATE_CHANGE))

    source = template_source(tree, MOVED_FROM)
    target = (tree / "template" / MOVED_TO).parent / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    source.rename(target)

    # Rename the question everywhere it is used: copier.yml, templates, hooks.
    word = re.compile(rf"\b{RENAMED_FROM}\b")
    for path in [tree / "copier.yml", *(tree / "template").rglob("*"), *(tree / "hooks").rglob("*.py")]:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            if word.search(text):
                path.write_text(word.sub(RENAMED_TO, text), encoding="utf-8", errors="surrogateescape")

    (tree / "template" / f"{NEW_FILE}.jinja").write_text(
        "# Support\n\nSupport hours: {{ " + NEW_QUESTION + " }}.\n", encoding="utf-8"
    )
    config = load_config(tree)
    config[NEW_QUESTION] = {
        "type": "str",
        "help": "When the agency answers support requests",
        "default": NEW_DEFAULT,
    }
    migrations = [m for m in config.get("_migrations") or [] if str(m.get("version")) != NEW]
    for script, args in (
        ("rename_answer.py", [RENAMED_FROM, RENAMED_TO]),
        ("move_path.py", [MOVED_FROM, MOVED_TO]),
    ):
        command = ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/hooks/migrations/" + script, *args]
        migrations.append({"version": NEW, "command": command, "when": "{{ _stage == 'before' }}"})
    config["_migrations"] = migrations
    dump_config(tree, config)


# --- The user's edits ---------------------------------------------------------------------------


@dataclass
class Edit:
    """One change the project made to a rendered file, and what an update must do with it."""

    role: str
    rel: str
    expect: str  # "merge": survives next to the template's change; "conflict"; "kept": project-owned
    edited_line: str = ""
    apply: Callable[[str], str] = field(default=lambda text: text, repr=False)


# (what the file is, where to find it in the rendered project, what the update must do)
ROLES = [
    ("a doc page", "docs/*.md", "merge"),
    ("the Makefile", "Makefile", "merge"),
    ("a Terraform variable default", "infra/**/*.tf", "value"),
    ("a Helm value", "deploy/**/values.yaml", "value"),
    ("the README", "README.md", "conflict"),
    ("the git ignore list", ".gitignore", "conflict"),
    ("a site page", "apps/web/src/pages/**", "kept"),
    ("an architecture decision record", PROJECT_OWNED_PROBE, "kept"),
]
BASE_ROLES = {
    "a doc page",
    "the Makefile",
    "the README",
    "the git ignore list",
    "an architecture decision record",
}


def comment_edit(rel: str, lines: list[str]) -> tuple[str, Callable[[str], str]] | None:
    """Insert the project's comment line before the first blank line, far from the file's end."""
    line = comment(rel, USER_CHANGE)
    for index, existing in enumerate(lines[1 : len(lines) - 7], start=1):
        if not existing.strip():

            def insert(text: str, at: int = index) -> str:
                parts = text.splitlines(keepends=True)
                return "".join([*parts[:at], line + "\n", *parts[at:]])

            return line, insert
    return None


def value_edit(rel: str, text: str) -> tuple[str, Callable[[str], str]] | None:
    """Change the first value the project would tune (a number or a Terraform string default)."""
    pattern = VALUE_LINES.get(Path(rel).suffix)
    total = text.count("\n")
    for match in pattern.finditer(text) if pattern else ():
        if text.count("\n", 0, match.start()) > total - 8:
            break
        value = match["value"]
        new = str(int(value) + 7) if value.isdigit() else '"changed-by-the-project"'
        edited = match["key"] + new
        start, end = match.span()
        return edited, lambda t, start=start, end=end, edited=edited: t[:start] + edited + t[end:]
    return None


def choose_edits(root: Path, tree: Path, owned_by_project: Callable[[str], bool]) -> list[Edit]:
    """One file per role from what the project renders today, and the edit the project makes."""
    edits: list[Edit] = []
    files = [str(rel) for rel in project_files(root)]
    for role, pattern, expect in ROLES:
        spec = PathSpec.from_lines("gitignore", [pattern])
        for rel in sorted(f for f in files if spec.match_file(f)):
            if rel in (MOVED_FROM, ANSWERS_FILE) or "{" in rel:
                continue
            if (expect == "kept") != owned_by_project(rel):
                continue
            if not (Path(rel).suffix in COMMENT_BY_SUFFIX or Path(rel).name in COMMENT_BY_NAME):
                continue
            try:
                template_source(tree, rel)
            except AssertionError:
                continue
            text = (root / rel).read_text(encoding="utf-8")
            lines = text.splitlines()
            if len(lines) < MIN_LINES:
                continue
            if expect == "kept":
                client = comment(rel, f"{USER_CHANGE}: the client's own version of this file") + "\n"
                edits.append(Edit(role, rel, "kept", client, lambda _text, client=client: client))
                break
            if expect == "conflict":
                line = comment(rel, USER_CHANGE)
                edits.append(Edit(role, rel, "conflict", line, lambda t, line=line: t + line + "\n"))
                break
            found = value_edit(rel, text) if expect == "value" else comment_edit(rel, lines)
            if found:
                edits.append(Edit(role, rel, "merge", *found))
                break
    missing = BASE_ROLES - {e.role for e in edits}
    assert not missing, f"no rendered file fits these roles (see ROLES): {sorted(missing)}"
    return edits


# --- Copier operations --------------------------------------------------------------------------


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--allow-empty", "-m", message)


def update(root: Path, version: str, **kwargs: Any) -> float:
    """`copier update --trust --defaults` to `version`, as a person would; returns the wall time."""
    started = time.perf_counter()
    run_update(
        root,
        vcs_ref=version,
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
        settings=Settings(),
        **kwargs,
    )
    return time.perf_counter() - started


def answers_of(root: Path) -> dict[str, Any]:
    return yaml.safe_load((root / ANSWERS_FILE).read_text(encoding="utf-8"))


def skip_matcher(config_tree: Path) -> Callable[[str], bool]:
    """True for a path the template lists in `_skip_if_exists` (owned by the project)."""
    spec = PathSpec.from_lines("gitignore", load_config(config_tree).get("_skip_if_exists") or [])
    return spec.match_file


def tree_differences(
    updated: Path,
    fresh: Path,
    before: Path,
    owned_by_project: Callable[[str], bool],
    ignore: set[str] = frozenset(),
) -> list[str]:
    """How `updated` differs from a fresh render: project-owned files must equal `before` instead."""
    differences = []
    updated_files = {str(p) for p in project_files(updated)}
    fresh_files = {str(p) for p in project_files(fresh)}
    for rel in sorted((updated_files | fresh_files) - ignore):
        expected_root = before if owned_by_project(rel) and (before / rel).exists() else fresh
        if rel not in updated_files:
            differences.append(f"{rel}: missing after the update")
        elif not (expected_root / rel).exists():
            differences.append(f"{rel}: not in a fresh render")
        else:
            got, want = (updated / rel).read_bytes(), (expected_root / rel).read_bytes()
            if rel == ANSWERS_FILE:
                got, want = (re.sub(rb"(?m)^_commit:.*$", b"", x) for x in (got, want))
            if got != want:
                which = "the render before the update" if expected_root is before else "a fresh render"
                differences.append(f"{rel}: differs from {which}")
    return differences


def conflict_files(root: Path) -> list[str]:
    """Files with a conflict marker line (the markers quoted inside a line are documentation)."""
    return sorted(
        str(rel)
        for rel in project_files(root)
        if any(
            line.startswith(CONFLICT_MARKERS)
            for line in (root / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        )
    )


def rejects(root: Path) -> list[str]:
    return sorted(str(rel) for rel in project_files(root) if rel.suffix in (".rej", ".orig"))


# --- Fixtures -----------------------------------------------------------------------------------


@dataclass
class Upgrade:
    """A throwaway template repository and the two versions a project moves between."""

    repo: Path
    old: str
    new: str
    old_answers: dict[str, Any]
    new_answers: dict[str, Any]
    real_release: bool


@dataclass
class Scenario:
    upgrade: Upgrade
    edits: list[Edit]
    new_tree: Path


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """1.0.0 (the working tree) and a synthetic 2.0.0 that changes files the project edits."""
    scratch = tmp_path_factory.mktemp("scenario")
    repo = TemplateRepo(scratch / "repo")
    old_tree = repo.release_working_tree(OLD, scratch, edit_old_version)
    probe = render(repo.path, scratch / "probe", SCENARIO_ANSWERS, vcs_ref=OLD)
    edits = choose_edits(probe, old_tree, skip_matcher(old_tree))
    improved = [e.rel for e in edits if e.expect != "kept"]
    new_tree = repo.release_working_tree(NEW, scratch, lambda tree: edit_new_version(tree, improved))
    new_answers = {RENAMED_TO: SCENARIO_ANSWERS[RENAMED_FROM]}
    upgrade = Upgrade(repo.path, OLD, NEW, dict(SCENARIO_ANSWERS), new_answers, real_release=False)
    return Scenario(upgrade, edits, new_tree)


@pytest.fixture(scope="session")
def release_upgrade(tmp_path_factory: pytest.TempPathFactory, scenario: Scenario) -> Upgrade:
    """The newest release tag upgraded to the working tree; the scenario before the first release."""
    tag = previous_release()
    if tag is None:
        print("no release tag in this clone: the synthetic 1.0.0 -> 2.0.0 stands in for the release path")
        return scenario.upgrade
    scratch = tmp_path_factory.mktemp("release")
    repo = TemplateRepo(scratch / "repo")
    repo.release(tag, export_release(tag, scratch / f"tree-{tag}"))
    repo.release_working_tree(WORKING_TREE_VERSION, scratch)
    return Upgrade(repo.path, tag, WORKING_TREE_VERSION, {}, {}, real_release=True)


@pytest.fixture(scope="session")
def fresh_new(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh render of the scenario's 2.0.0, what every updated project is compared with."""
    up = scenario.upgrade
    return render(up.repo, tmp_path_factory.mktemp("fresh") / "project", up.new_answers, vcs_ref=up.new)


@pytest.fixture(scope="session")
def old_render(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    up = scenario.upgrade
    return render(up.repo, tmp_path_factory.mktemp("old") / "project", up.old_answers, vcs_ref=up.old)


@pytest.fixture(scope="session")
def untouched(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project rendered at 1.0.0 and updated to 2.0.0 without any edit of its own."""
    up = scenario.upgrade
    root = render(up.repo, tmp_path_factory.mktemp("untouched") / "project", up.old_answers, vcs_ref=up.old)
    update(root, up.new)
    return root


def render_edited(scenario: Scenario, dst: Path) -> Path:
    """A project rendered at 1.0.0 whose team then edited the scenario's files, committed."""
    up = scenario.upgrade
    root = render(up.repo, dst, up.old_answers, vcs_ref=up.old)
    for edit in scenario.edits:
        path = root / edit.rel
        path.write_text(edit.apply(path.read_text(encoding="utf-8")), encoding="utf-8")
    commit_all(root, "The project's own changes")
    return root


@pytest.fixture(scope="session")
def edited(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edited project, updated to 2.0.0 with copier's default inline conflicts."""
    root = render_edited(scenario, tmp_path_factory.mktemp("edited") / "project")
    update(root, scenario.upgrade.new)
    return root


# --- Tests --------------------------------------------------------------------------------------


def test_untouched_project_updates_to_a_fresh_render(release_upgrade: Upgrade, tmp_path: Path):
    """The release path: no conflict, no reject, nothing but `_commit` differs from a fresh render."""
    up = release_upgrade
    root = render(up.repo, tmp_path / "project", up.old_answers, vcs_ref=up.old)
    before = tmp_path / "before"
    subprocess.run(["cp", "-a", str(root), str(before)], check=True)
    seconds = update(root, up.new)
    fresh = render(up.repo, tmp_path / "fresh", up.new_answers, vcs_ref=up.new)

    kind = "release" if up.real_release else "synthetic release"
    print(
        f"update {up.old} -> {up.new} ({kind}), {len(project_files(root))} files: {seconds:.2f} s wall time"
    )
    assert conflict_files(root) == []
    assert rejects(root) == []
    assert tree_differences(root, fresh, before, skip_matcher(ROOT)) == []
    assert answers_of(root)["_commit"] == up.new

    commit_all(root, "Update the template")
    update(root, up.new)
    assert git(root, "status", "--porcelain") == "", "a second update to the same version changed files"


def test_scenario_untouched_update_equals_a_fresh_render(
    untouched: Path, fresh_new: Path, old_render: Path, scenario: Scenario
):
    owned_by_project = skip_matcher(scenario.new_tree)
    assert conflict_files(untouched) == []
    assert rejects(untouched) == []
    assert tree_differences(untouched, fresh_new, old_render, owned_by_project) == []
    # the project-owned file kept its first render; every template-owned file got 2.0.0's change
    assert TEMPLATE_CHANGE not in (untouched / PROJECT_OWNED_PROBE).read_text()
    for edit in scenario.edits:
        if edit.expect != "kept":
            assert TEMPLATE_CHANGE in (untouched / edit.rel).read_text(), edit.rel


def test_a_new_question_takes_its_default(untouched: Path):
    assert answers_of(untouched)[NEW_QUESTION] == NEW_DEFAULT
    assert f"Support hours: {NEW_DEFAULT}." in (untouched / NEW_FILE).read_text()


def test_a_renamed_question_keeps_its_answer_and_a_removed_one_is_dropped(untouched: Path):
    answers = answers_of(untouched)
    assert answers[RENAMED_TO] == SCENARIO_ANSWERS[RENAMED_FROM]
    assert RENAMED_FROM not in answers
    assert RETIRED not in answers
    # and the rendered files that used the old question now show the kept answer
    shown = [
        str(rel)
        for rel in project_files(untouched)
        if str(rel) != ANSWERS_FILE and SCENARIO_ANSWERS[RENAMED_FROM] in (untouched / rel).read_text()
    ]
    assert shown


def test_a_moved_file_moves_once_and_a_second_update_changes_nothing(untouched: Path, old_render: Path):
    assert not (untouched / MOVED_FROM).exists()
    assert (untouched / MOVED_TO).read_bytes() == (old_render / MOVED_FROM).read_bytes()
    commit_all(untouched, "Update the template to 2.0.0")
    head = git(untouched, "rev-parse", "HEAD")
    update(untouched, NEW)
    assert git(untouched, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(untouched, "rev-parse", "HEAD") == head
    assert not (untouched / MOVED_FROM).exists()


def test_edits_far_from_template_changes_survive(edited: Path, scenario: Scenario):
    merged = [e for e in scenario.edits if e.expect == "merge"]
    assert {"a doc page", "the Makefile"} <= {e.role for e in merged}
    for edit in merged:
        text = (edited / edit.rel).read_text()
        assert edit.edited_line in text.splitlines(), f"{edit.role} ({edit.rel}) lost the project's change"
        assert TEMPLATE_CHANGE in text, f"{edit.role} ({edit.rel}) did not get the template's change"
        assert not any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines())


def test_edits_next_to_template_changes_become_conflicts(edited: Path, scenario: Scenario):
    expected = sorted(e.rel for e in scenario.edits if e.expect == "conflict")
    assert conflict_files(edited) == expected
    for rel in expected:
        text = (edited / rel).read_text()
        assert comment(rel, USER_CHANGE) in text
        assert comment(rel, TEMPLATE_CHANGE) in text
    unmerged = git(edited, "diff", "--name-only", "--diff-filter=U").split()
    assert sorted(unmerged) == expected
    assert rejects(edited) == []


def test_project_owned_files_keep_the_projects_version(edited: Path, scenario: Scenario):
    kept = [e for e in scenario.edits if e.expect == "kept"]
    assert PROJECT_OWNED_PROBE in {e.rel for e in kept}
    for edit in kept:
        assert (edited / edit.rel).read_text() == edit.edited_line, edit.rel


def test_everything_the_project_did_not_touch_equals_a_fresh_render(
    edited: Path, fresh_new: Path, old_render: Path, scenario: Scenario
):
    touched = {e.rel for e in scenario.edits}
    differences = tree_differences(
        edited, fresh_new, old_render, skip_matcher(scenario.new_tree), ignore=touched
    )
    assert differences == []


def test_template_has_nothing_that_changes_on_every_update():
    """`_folder_name`, timestamps, random values and secrets in rendered content conflict on every update."""
    config = load_config(ROOT)
    assert [name for name, q in config.items() if isinstance(q, dict) and q.get("secret")] == []
    jinja = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")  # one line: a tag never spans code
    volatile = re.compile(r"_folder_name|\bnow\b|strftime|\brandom\b|uuid|_copier_conf\.dst_path")
    offenders = []
    for path in (ROOT / "template").rglob("*"):
        rel = str(path.relative_to(ROOT))
        text = path.read_text(encoding="utf-8", errors="replace") if path.suffix == ".jinja" else ""
        if any(volatile.search(tag) for tag in jinja.findall(rel + "\n" + text)):
            offenders.append(rel)
    assert offenders == []


# --- The generated project's own check refuses what an update leaves behind -------------------


def pre_commit(root: Path, hook: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pre-commit", "run", hook, "--all-files", "--color=never"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.e2e
@pytest.mark.xdist_group("update")
def test_the_projects_check_refuses_conflicts_until_they_are_resolved(scenario: Scenario, tmp_path: Path):
    edited = render_edited(scenario, tmp_path / "project")
    update(edited, scenario.upgrade.new)
    conflicted = conflict_files(edited)
    assert conflicted
    # Straight after the update git itself still holds the conflict: pre-commit refuses to run.
    assert pre_commit(edited, "no-conflict-markers").returncode != 0
    # Marked resolved without resolving: the hook finds the markers and names the files.
    git(edited, "add", "--all")
    result = pre_commit(edited, "no-conflict-markers")
    assert result.returncode != 0, result.stdout
    for rel in conflicted:
        assert rel in result.stdout
    # Resolved (keep both lines): the hook passes.
    for rel in conflicted:
        path = edited / rel
        lines = path.read_text().splitlines(keepends=True)
        path.write_text(
            "".join(line for line in lines if not line.startswith((*CONFLICT_MARKERS, "=======")))
        )
    git(edited, "add", "--all")
    result = pre_commit(edited, "no-conflict-markers")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.e2e
@pytest.mark.xdist_group("update")
def test_the_projects_check_refuses_rejected_patches(scenario: Scenario, tmp_path: Path):
    root = render_edited(scenario, tmp_path / "project")
    update(root, scenario.upgrade.new, conflict="rej")
    rejected = rejects(root)
    # `--conflict rej` also rejects the moved file (copier diffs it against an empty file there):
    # one more reason the docs say to keep the default inline conflicts.
    assert {f"{e.rel}.rej" for e in scenario.edits if e.expect == "conflict"} <= set(rejected)
    git(root, "add", "--all")
    result = pre_commit(root, "no-rejected-patches")
    assert result.returncode != 0, result.stdout
    for rel in rejected:
        assert rel in result.stdout
    for rel in rejected:
        (root / rel).unlink()
    git(root, "add", "--all")
    result = pre_commit(root, "no-rejected-patches")
    assert result.returncode == 0, result.stdout + result.stderr


# --- The migration scripts on their own ---------------------------------------------------------

MIGRATIONS = ROOT / "hooks" / "migrations"


def migrate(cwd: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MIGRATIONS / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_rename_answer_renames_once_and_keeps_multiline_values(tmp_path: Path):
    answers = {
        "_commit": "1.0.0",
        "description": "line one: with a colon\nline two " + "long " * 40,
        "tech_lead_extra": "not the same key",
        RENAMED_FROM: "Zoë",
        "components": ["web", "edge"],
    }
    path = tmp_path / ANSWERS_FILE
    path.write_text(yaml.safe_dump(answers, allow_unicode=True, width=80))
    assert migrate(tmp_path, "rename_answer.py", RENAMED_FROM, RENAMED_TO).returncode == 0
    renamed = yaml.safe_load(path.read_text())
    expected = {RENAMED_TO if k == RENAMED_FROM else k: v for k, v in answers.items()}
    assert renamed == expected
    text = path.read_text()
    assert migrate(tmp_path, "rename_answer.py", RENAMED_FROM, RENAMED_TO).returncode == 0
    assert path.read_text() == text


def test_rename_answer_keeps_an_answer_the_new_name_already_has(tmp_path: Path):
    path = tmp_path / ANSWERS_FILE
    path.write_text(f"{RENAMED_FROM}: old\n{RENAMED_TO}: given with --data\n")
    assert migrate(tmp_path, "rename_answer.py", RENAMED_FROM, RENAMED_TO).returncode == 0
    assert yaml.safe_load(path.read_text())[RENAMED_TO] == "given with --data"
    (tmp_path / "elsewhere").mkdir()
    assert migrate(tmp_path / "elsewhere", "rename_answer.py", "a", "b").returncode == 0  # no answers file
    assert migrate(tmp_path, "rename_answer.py", "not a name", "b").returncode == 2


def test_move_path_stages_the_move_once_and_stays_inside_the_project(tmp_path: Path):
    git(tmp_path, "init", "--quiet")
    (tmp_path / "SECURITY.md").write_text("report here\n")
    commit_all(tmp_path, "first")
    assert migrate(tmp_path, "move_path.py", MOVED_FROM, MOVED_TO).returncode == 0
    assert (tmp_path / MOVED_TO).read_text() == "report here\n"
    assert git(tmp_path, "status", "--porcelain").split() == ["R", "SECURITY.md", "->", MOVED_TO]
    # a second run, or a project that already has the new path, changes nothing
    (tmp_path / "SECURITY.md").write_text("the project's new file\n")
    assert migrate(tmp_path, "move_path.py", MOVED_FROM, MOVED_TO).returncode == 0
    assert (tmp_path / MOVED_TO).read_text() == "report here\n"
    assert (tmp_path / "SECURITY.md").read_text() == "the project's new file\n"
    result = migrate(tmp_path, "move_path.py", "SECURITY.md", "../outside.md")
    assert result.returncode != 0
    assert not (tmp_path.parent / "outside.md").exists()
