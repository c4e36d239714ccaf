"""Cut a template release: check the changelog and the repository, then tag the version.

    python scripts/release.py 1.2.0 [--dry-run]   check everything, then `git tag -a 1.2.0`
    python scripts/release.py --check             only check the changelog's format

`nox -s release -- 1.2.0` runs this with --dry-run, then the update tests (which upgrade from
the newest release tag to the working tree), then this again to tag. Pushing the tag is left
to the person: `git push origin 1.2.0`.

A release needs, in CHANGELOG.md, a section `## 1.2.0 - YYYY-MM-DD` with an `### Upgrading`
subsection that says what changes in a generated project and what to do by hand (or that
there is nothing to do). Tags are plain semantic versions (`1.2.0`), which copier orders.
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
SECTION = re.compile(r"^## (?P<title>.+?)\s*$", re.MULTILINE)
RELEASE_TITLE = re.compile(r"(?P<version>\d+\.\d+\.\d+) - (?P<date>\d{4}-\d{2}-\d{2})")
SUBSECTION = re.compile(r"^### (?P<title>.+?)\s*$", re.MULTILINE)
UNRELEASED = "Unreleased"


class ReleaseError(Exception):
    """A reason not to release, in words the person can act on."""


@dataclass
class Section:
    title: str
    body: str
    subsections: dict[str, str] = field(default_factory=dict)

    @property
    def has_entries(self) -> bool:
        return any(line.startswith("- ") for line in self.body.splitlines())

    @property
    def version(self) -> str | None:
        match = RELEASE_TITLE.fullmatch(self.title)
        return match["version"] if match else None


def parse_changelog(text: str) -> list[Section]:
    """The `## ` sections of a changelog, each with its `### ` subsections."""
    sections = []
    for head, body in split(SECTION, text):
        subsections = {sub["title"]: sub_body.strip() for sub, sub_body in split(SUBSECTION, body)}
        sections.append(Section(head["title"], body, subsections))
    return sections


def split(heading: re.Pattern[str], text: str) -> list[tuple[re.Match[str], str]]:
    """Each heading `heading` finds in `text`, with the text up to the next one."""
    heads = list(heading.finditer(text))
    ends = [h.start() for h in heads[1:]] + [len(text)]
    return [(head, text[head.end() : ends[i]]) for i, head in enumerate(heads)]


def check_changelog(text: str) -> list[Section]:
    """Every section is `Unreleased` or `X.Y.Z - date`, and each with entries says how to upgrade."""
    sections = parse_changelog(text)
    if not sections:
        raise ReleaseError("CHANGELOG.md has no `## ` sections")
    problems, seen = [], set()
    for section in sections:
        if section.title != UNRELEASED:
            match = RELEASE_TITLE.fullmatch(section.title)
            if not match:
                problems.append(f"`## {section.title}`: write `## X.Y.Z - YYYY-MM-DD` or `## {UNRELEASED}`")
                continue
            try:
                datetime.date.fromisoformat(match["date"])
            except ValueError:
                problems.append(f"`## {section.title}`: {match['date']} is not a date")
            if match["version"] in seen:
                problems.append(f"`## {section.title}`: version {match['version']} appears twice")
            seen.add(match["version"])
        if not section.subsections.get("Upgrading") and (section.version or section.has_entries):
            problems.append(
                f"`## {section.title}` needs an `### Upgrading` subsection saying what changes in a "
                "generated project and what to do by hand (or that there is nothing to do)"
            )
    if problems:
        raise ReleaseError("CHANGELOG.md:\n  " + "\n  ".join(problems))
    return sections


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def check_release(root: Path, version: str) -> Section:
    """Every reason not to tag `version` now; the changelog section to tag it with otherwise."""
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"{version!r} is not a semantic version such as 1.2.0 (no `v` prefix)")
    sections = check_changelog((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    section = next((s for s in sections if s.version == version), None)
    if section is None:
        raise ReleaseError(
            f"CHANGELOG.md has no `## {version} - YYYY-MM-DD` section: rename `## {UNRELEASED}` "
            "to it (with today's date) and commit"
        )
    unreleased = next((s for s in sections if s.title == UNRELEASED), None)
    if unreleased and unreleased.has_entries:
        raise ReleaseError(f"`## {UNRELEASED}` still has entries: move them into `## {section.title}`")

    if git(root, "status", "--porcelain"):
        raise ReleaseError("the working tree has uncommitted changes: a tag must name what was tested")
    tags = [t for t in git(root, "tag", "--list", "[0-9]*").split() if VERSION.fullmatch(t)]
    if version in tags:
        raise ReleaseError(f"tag {version} already exists")
    newer = [t for t in tags if version_key(t) >= version_key(version)]
    if newer:
        raise ReleaseError(f"{version} is not newer than the existing release {max(newer, key=version_key)}")

    config = yaml.safe_load((root / "copier.yml").read_text(encoding="utf-8")) or {}
    late = [
        str(m.get("version"))
        for m in config.get("_migrations") or []
        if isinstance(m, dict) and VERSION.fullmatch(str(m.get("version", "")))
        if version_key(str(m["version"])) > version_key(version)
    ]
    if late:
        raise ReleaseError(
            f"copier.yml has migrations for {', '.join(late)}, newer than {version}: "
            "projects updating to this release would not run them"
        )
    return section


def tag(root: Path, version: str, section: Section) -> None:
    message = f"Groundwork {version}\n\n{section.body.strip()}\n"
    subprocess.run(
        ["git", "tag", "--annotate", "--file=-", version], cwd=root, input=message, text=True, check=True
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", help="the version to release, such as 1.2.0")
    parser.add_argument("--dry-run", action="store_true", help="check everything, tag nothing")
    parser.add_argument("--check", action="store_true", help="only check CHANGELOG.md's format")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.check:
            sections = check_changelog((args.root / "CHANGELOG.md").read_text(encoding="utf-8"))
            print(f"CHANGELOG.md is well formed ({len(sections)} sections)")
            return 0
        if not args.version:
            parser.error("give the version to release, or --check")
        section = check_release(args.root, args.version)
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"release: {args.version} is ready to tag ({section.title})")
        return 0
    tag(args.root, args.version, section)
    print(f"release: tagged {args.version}; publish it with `git push origin {args.version}`")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
