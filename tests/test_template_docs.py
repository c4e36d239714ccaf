"""The template's own documentation stays true to copier.yml."""

from __future__ import annotations

import subprocess
import sys

from support.render import ROOT


def test_questions_reference_is_current():
    result = subprocess.run(
        [sys.executable, "scripts/questions_reference.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
