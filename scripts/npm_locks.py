"""Regenerate locks/*.json: the package-lock.json of each combination of Node workspaces.

`npm ci` needs a lock that lists exactly the workspaces present, so a project with the site
only, the Worker only, or both gets its own lock. For each combination this renders the
template with a stand-in slug, runs `npm install --package-lock-only` (resolves from the
registry, installs nothing) and stores the lock; the template swaps the project's slug in.
Run it through `nox -s locks` after changing a package.json of apps/web or apps/edge.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.render import render, snapshot_template  # noqa: E402

LOCKS = ROOT / "locks"
STAND_IN_SLUG = "gwlockslug"
COMBINATIONS = {"web": ["web"], "edge": ["edge"], "web+edge": ["web", "edge"]}


def main() -> int:
    LOCKS.mkdir(exist_ok=True)
    for name in COMBINATIONS:
        lock = LOCKS / f"{name}.json"
        if not lock.exists():
            lock.write_text("{}\n")  # lets the template render before its first lock exists
    with tempfile.TemporaryDirectory() as tmp:
        src = snapshot_template(Path(tmp) / "template")
        for name, components in COMBINATIONS.items():
            project = render(src, Path(tmp) / name, {"project_slug": STAND_IN_SLUG, "components": components})
            (project / "package-lock.json").unlink()
            subprocess.run(
                ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"],
                cwd=project,
                check=True,
            )
            shutil.copyfile(project / "package-lock.json", LOCKS / f"{name}.json")
            print(f"locks/{name}.json: {len((project / 'package-lock.json').read_text())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
