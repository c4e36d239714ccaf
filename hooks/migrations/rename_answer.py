"""Migration: carry an answer over when a question is renamed (run it in the "before" stage).

    rename_answer.py OLD_NAME NEW_NAME [ANSWERS_FILE]

Copier reads the answers file again after the "before" migrations, so the renamed answer is
what the new template version sees; without this, the new question would silently take its
default and the project's own answer would be dropped. Idempotent: when OLD_NAME is absent
(already renamed, or never answered) or NEW_NAME is already answered, it changes nothing.

Stdlib only. The answers file is YAML written by copier: one top-level key per line at column
0, with any continuation of a long value indented below it, so renaming the key line is safe.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DEFAULT_ANSWERS_FILE = ".copier-answers.yml"


def key_line(name: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(name)}:(?=\s|$)", re.MULTILINE)


def rename_answer(text: str, old: str, new: str) -> str:
    """The answers file's text with the top-level key `old` renamed to `new` (if `new` is unset)."""
    if key_line(new).search(text) or not key_line(old).search(text):
        return text
    return key_line(old).sub(f"{new}:", text, count=1)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or not all(NAME.fullmatch(name) for name in argv[:2]):
        print(__doc__, file=sys.stderr)
        return 2
    old, new = argv[:2]
    path = Path(argv[2] if len(argv) == 3 else DEFAULT_ANSWERS_FILE)
    if not path.is_file():
        print(f"rename_answer: {path} not found; nothing to rename", file=sys.stderr)
        return 0
    text = path.read_text(encoding="utf-8")
    renamed = rename_answer(text, old, new)
    if renamed != text:
        path.write_text(renamed, encoding="utf-8")
        print(f"rename_answer: {old} -> {new} in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
