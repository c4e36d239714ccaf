"""Throwaway git repositories of the template with real version tags, for `copier update` tests.

Copier updates only between commits it can find again, so every version a test renders is a
tagged commit here: a real release exported from this repository's own tags (`git archive`),
the working tree, or a synthetic version built by editing a copy of the working tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from support.render import ROOT, snapshot_template

# The working tree stands for the next release: newer than any real tag, so every migration
# declared for the next release runs when a test updates to it.
WORKING_TREE_VERSION = "9999.0.0"
RELEASE_TAG_PATTERN = "[0-9]*"

IDENTITY = {
    "GIT_AUTHOR_NAME": "Groundwork tests",
    "GIT_AUTHOR_EMAIL": "tests@groundwork.invalid",
    "GIT_COMMITTER_NAME": "Groundwork tests",
    "GIT_COMMITTER_EMAIL": "tests@groundwork.invalid",
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in `cwd` with a fixed identity, no hooks and no signing; return stdout."""
    env = {**os.environ, **IDENTITY}
    command = [
        "git",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "commit.gpgSign=false",
        "-c",
        "tag.gpgSign=false",
    ]
    result = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{result.stdout}{result.stderr}")
    return result.stdout


def release_tags(repo: Path = ROOT) -> list[str]:
    """This repository's release tags, newest version first."""
    out = git(repo, "tag", "--list", RELEASE_TAG_PATTERN, "--sort=-v:refname")
    return [tag for tag in out.split() if tag]


def previous_release(repo: Path = ROOT) -> str | None:
    """The newest release tag that is not the commit being tested, or None before the first release."""
    head = git(repo, "rev-parse", "HEAD").strip()
    for tag in release_tags(repo):
        if git(repo, "rev-list", "-n", "1", tag).strip() != head:
            return tag
    return None


def export_release(tag: str, dst: Path, repo: Path = ROOT) -> Path:
    """The tree of release `tag` as a plain folder (fails loudly if the tag cannot be read)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", tag], cwd=repo, capture_output=True, check=True
    )
    dst.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(dst, filter="data")
    return dst


class TemplateRepo:
    """A git repository that gets one commit and one tag per template version."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "--quiet", "--initial-branch=main")

    def release(self, version: str, tree: Path) -> None:
        """Make the repository's content exactly `tree`, commit it and tag it `version`."""
        for child in self.path.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        shutil.copytree(tree, self.path, dirs_exist_ok=True, symlinks=True)
        git(self.path, "add", "--all")
        git(self.path, "commit", "--quiet", "--allow-empty", "-m", f"Template {version}")
        git(self.path, "tag", version)

    def release_working_tree(
        self, version: str, scratch: Path, edit: Callable[[Path], None] | None = None
    ) -> Path:
        """Tag the working tree's template as `version`, after `edit(tree)` changes it if given."""
        tree = snapshot_template(scratch / f"tree-{version}")
        if edit is not None:
            edit(tree)
        self.release(version, tree)
        return tree
