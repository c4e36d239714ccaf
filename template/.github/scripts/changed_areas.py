#!/usr/bin/env python3
"""Say which CI jobs a change needs, as `<area>=true|false` lines for $GITHUB_OUTPUT.

Usage: changed_areas.py FILTERS_JSON [BASE_SHA]

Without BASE_SHA (pushes to main, manual runs) every area runs: main is always fully checked.
With it, an area runs when a file changed since the merge base starts with one of its prefixes
in FILTERS_JSON, or when a file under the "always" prefixes changed (the pipeline itself).
Stdlib only, so it runs on a bare runner.
"""

from __future__ import annotations

import json
import subprocess
import sys


def changed_files(base: str) -> list[str]:
    out = subprocess.run(
        ["git", "diff", "--name-only", "--no-renames", f"{base}...HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def matches(path: str, prefixes: list[str]) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in prefixes)


def areas(filters: dict[str, list[str]], files: list[str] | None) -> dict[str, bool]:
    names = [n for n in filters if not n.startswith("_") and n != "always"]
    if files is None or any(matches(f, filters.get("always", [])) for f in files):
        return dict.fromkeys(names, True)
    return {n: any(matches(f, filters[n]) for f in files) for n in names}


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 64
    with open(argv[1], encoding="utf-8") as handle:
        filters = json.load(handle)
    base = argv[2] if len(argv) == 3 and argv[2] else None
    files = changed_files(base) if base else None
    if files is not None:
        print(f"{len(files)} changed file(s) since {base}", file=sys.stderr)
    for name, run in areas(filters, files).items():
        print(f"{name}={'true' if run else 'false'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
