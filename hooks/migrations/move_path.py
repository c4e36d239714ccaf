"""Migration: move a file or folder the template moved, keeping the project's version of it.

    move_path.py OLD_PATH NEW_PATH

Run it in the "before" stage: it moves the project's file with `git mv`, so the move is
staged, which is what copier compares with the new template version (changes a "before"
migration leaves unstaged are not seen). Lines the project changed in the file then come back
from the update as conflicts to resolve, never silently lost; a file the project did not change
updates cleanly as long as the release that moves it does not also change its content.

Idempotent: when OLD_PATH is gone (already moved, or deleted by the project) or NEW_PATH
already exists, it changes nothing. Stdlib and git only; paths must stay inside the project.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def inside(root: Path, relpath: str) -> Path:
    path = (root / relpath).resolve()
    if path == root or root not in path.parents:
        raise SystemExit(f"move_path: {relpath!r} is not a path inside the project")
    return path


def is_tracked(path: Path) -> bool:
    result = subprocess.run(
        ["git", "ls-files", "--error-unmatch", "--", str(path)], capture_output=True, check=False
    )
    return result.returncode == 0


def move_path(root: Path, old_rel: str, new_rel: str) -> bool:
    """Move `old_rel` to `new_rel` inside `root`; True when something moved."""
    old, new = inside(root, old_rel), inside(root, new_rel)
    if not (old.exists() or old.is_symlink()) or new.exists() or new.is_symlink():
        return False
    new.parent.mkdir(parents=True, exist_ok=True)
    if is_tracked(old):
        subprocess.run(["git", "mv", "--", str(old), str(new)], check=True)
    else:
        old.rename(new)
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    old_rel, new_rel = argv
    if move_path(Path.cwd().resolve(), old_rel, new_rel):
        print(f"move_path: {old_rel} -> {new_rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
