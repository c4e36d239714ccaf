"""A person at a terminal: prompts show their help, a bad answer is refused live, the run completes."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest

TIMEOUT = 30


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX terminal")
def test_interactive_run(template_src: Path, tmp_path: Path):
    dst = tmp_path / "project"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", str(template_src), str(dst)],
        env={"TERM": "xterm", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
    )
    # The first prompt shows its help text.
    child.expect("Project name, as people say it")
    child.send("\x15Harbour Lights\r")  # ctrl-u clears the default, then type
    child.expect("Short machine name")
    child.send("\x15Bad Slug!\r")
    child.expect("project_slug: 2-30 characters")  # refused live, under the prompt
    child.send("\x15harbour-lights\r")
    # Take the defaults for every other question until copier says it is done.
    # copier marks each prompt with a microphone; a multiline prompt submits with Esc, Enter.
    while True:
        index = child.expect(["\U0001f3a4[^\r\n]*", "is ready in", pexpect.EOF])
        if index != 0:
            break
        child.send("\x1b\r" if "One or two sentences" in child.match.group(0) else "\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    answers = (dst / ".copier-answers.yml").read_text()
    assert "project_slug: harbour-lights" in answers
    assert "project_name: Harbour Lights" in answers
