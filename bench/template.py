"""How long copier takes to render and update Groundwork, how much it writes, and how long the
static validation layer takes over one full render."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from copier import Settings, run_update

from bench.common import ROOT, median_of
from tests.support.render import project_files, render, snapshot_template

ANSWER_SETS = {"default": {}, "minimal": {"components": ["web"]}}
RUNS = 5
UPDATE_RUNS = 3

# The static validators (every test that is not e2e) restricted to the default answers: the
# matrix's other answer sets are deselected by name, tests that are not parametrized all run.
STATIC_FILES = [
    "tests/test_platform.py",
    "tests/test_infra.py",
    "tests/test_observability.py",
    "tests/test_pipeline.py",
    "tests/test_docs.py",
    "tests/test_web.py",
    "tests/test_edge.py",
]
OTHER_SETS = "not (minimal or alone or pair or hostile or long)"
STATIC_COMMAND = [
    "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup",
    "-m", "not e2e", "-k", OTHER_SETS, *STATIC_FILES,
]  # fmt: skip


def _tree_size(root: Path) -> tuple[int, int]:
    files = project_files(root)
    return len(files), sum((root / p).stat().st_size for p in files)


def _render_cli(src: Path, dst: Path, answers: dict[str, Any]) -> None:
    data = ["--data", "components=" + json.dumps(answers["components"])] if answers else []
    copier = [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet"]
    subprocess.run(
        [*copier, *data, str(src), str(dst)],
        check=True,
        capture_output=True,
    )


def _copy_times(tmp: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    src = snapshot_template(tmp / "template")
    dst = tmp / "out"

    def clean() -> None:
        shutil.rmtree(dst, ignore_errors=True)

    for name, answers in ANSWER_SETS.items():
        api = median_of(RUNS, lambda a=answers: render(src, dst, a), setup=clean)
        cli = median_of(RUNS, lambda a=answers: _render_cli(src, dst, a), setup=clean)
        files, size = _tree_size(dst)
        results[name] = {"api": api, "cli": cli, "files": files, "bytes": size}
    return results


def _release_edit(tree: Path) -> None:
    """What the newer version changes: one line in a rendered file, as a small release would."""
    readme = tree / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n<!-- benchmark release 2.0.0 -->\n")


def _update_time(tmp: Path) -> dict[str, Any]:
    """`copier update` of the default project from a tagged 1.0.0 to a tagged 2.0.0 (API, --trust)."""
    sys.path.insert(0, str(ROOT / "tests"))  # template_repo imports the test helpers as `support`
    from support.template_repo import TemplateRepo, git

    repo = TemplateRepo(tmp / "repo")
    repo.release_working_tree("1.0.0", tmp / "scratch")
    repo.release_working_tree("2.0.0", tmp / "scratch2", _release_edit)
    pristine = render(repo.path, tmp / "pristine", {}, vcs_ref="1.0.0")
    # The post-copy task makes the first commit; commit whatever it left, as a user would.
    if not (pristine / ".git").exists():
        git(pristine, "init", "--quiet", "--initial-branch=main")
    if git(pristine, "status", "--porcelain").strip():
        git(pristine, "add", "--all")
        git(pristine, "commit", "--quiet", "-m", "Project from Groundwork 1.0.0")
    project = tmp / "project"

    def fresh() -> None:
        shutil.rmtree(project, ignore_errors=True)
        shutil.copytree(pristine, project, symlinks=True)

    def update() -> None:
        run_update(
            project,
            vcs_ref="2.0.0",
            defaults=True,
            overwrite=True,
            unsafe=True,
            quiet=True,
            settings=Settings(),
        )

    result = median_of(UPDATE_RUNS, update, setup=fresh)
    if "benchmark release 2.0.0" not in (project / "README.md").read_text():
        raise RuntimeError("copier update did not apply the 2.0.0 change")
    return result


def _static_validation(env: dict[str, str] | None) -> dict[str, Any]:
    """One run of the static validators over the default render, on two workers as `nox -s tests` runs."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", *STATIC_COMMAND],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}
    return {
        "seconds": round(seconds, 1),
        "exit_code": result.returncode,
        "summary": re.sub(r"=+", "", summary).strip(),
        **counts,
        "command": shlex.join(STATIC_COMMAND[: -len(STATIC_FILES)]) + " tests/test_{platform,infra,...}.py",
    }


def run(env: dict[str, str] | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        renders = _copy_times(Path(tmp) / "copy")
        update = _update_time(Path(tmp) / "update")
    return {"renders": renders, "update": update, "static_validation": _static_validation(env)}
