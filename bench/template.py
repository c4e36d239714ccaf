"""How long copier takes to render Groundwork, and how much it writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import median_of
from tests.support.render import project_files, render, snapshot_template

ANSWER_SETS = {"default": {}, "minimal": {"components": ["web"]}}
RUNS = 5


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


def run() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = snapshot_template(Path(tmp) / "template")
        dst = Path(tmp) / "out"

        def clean() -> None:
            shutil.rmtree(dst, ignore_errors=True)

        for name, answers in ANSWER_SETS.items():
            api = median_of(RUNS, lambda a=answers: render(src, dst, a), setup=clean)
            cli = median_of(RUNS, lambda a=answers: _render_cli(src, dst, a), setup=clean)
            files, size = _tree_size(dst)
            results[name] = {"api": api, "cli": cli, "files": files, "bytes": size}
    return results
