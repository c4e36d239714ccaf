"""Post-copy task: make a new project a git repository with a first commit.

Copier runs it in the destination folder. It does nothing when the folder is already inside a
git work tree (an update, or a project rendered into an existing repository) or when git is
not installed, so running it again is always safe. Stdlib only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

# Used only when the person has no git identity configured, so the first commit still happens.
FALLBACK_IDENTITY = ["-c", "user.name=Groundwork", "-c", "user.email=groundwork@users.noreply.github.com"]


def git(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], check=check, capture_output=True, text=True)


def main() -> int:
    if shutil.which("git") is None:
        print("git is not installed: skipping the first commit", file=sys.stderr)
        return 0
    if git("rev-parse", "--is-inside-work-tree", check=False).returncode == 0:
        return 0
    git("init", "--quiet", "--initial-branch=main")
    git("add", "--all")
    has_identity = git("config", "user.email", check=False).stdout.strip() != ""
    identity = [] if has_identity else FALLBACK_IDENTITY
    git(*identity, "commit", "--quiet", "--no-verify", "-m", "Initial commit from the Groundwork template")
    return 0


if __name__ == "__main__":
    sys.exit(main())
