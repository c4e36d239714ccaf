"""Render the template with its default answers into build/demo and summarise the tree."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

from copier import Settings, run_copy

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    dst = Path(argv[0]) if argv else ROOT / "build" / "demo"
    if dst.exists():
        shutil.rmtree(dst)
    run_copy(str(ROOT), dst, defaults=True, unsafe=True, vcs_ref="HEAD", quiet=True, settings=Settings())
    files = [p for p in dst.rglob("*") if p.is_file() and ".git" not in p.relative_to(dst).parts]
    tops = Counter(p.relative_to(dst).parts[0] if len(p.relative_to(dst).parts) > 1 else "." for p in files)
    size = sum(p.stat().st_size for p in files)
    print(f"Rendered {len(files)} files ({size / 1024:.0f} KiB) into {dst}")
    for top, count in sorted(tops.items()):
        print(f"  {top + ('/' if top != '.' else ''):<20} {count:>4} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
