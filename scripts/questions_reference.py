"""Write docs/questions.md from copier.yml, or with --check fail when it has drifted."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "questions.md"


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def allowed(name: str, validator: str) -> str:
    """The validator's messages, minus the question name they start with."""
    messages = re.findall(rf"%\}}\s*{name}: ((?:(?!\{{%).)+)", validator or "")
    return "; ".join(m.strip() for m in messages)


def render() -> str:
    questions = {
        k: v for k, v in yaml.safe_load((ROOT / "copier.yml").read_text()).items() if not k.startswith("_")
    }
    lines = [
        "# Questions reference",
        "",
        "<!-- Generated from copier.yml by `nox -s questions-reference`; do not edit by hand. -->",
        "",
        f"Groundwork asks {len(questions)} questions. Pass any of them non-interactively with",
        "`--data name=value` (or `--data-file answers.yml`); `--defaults` takes the default for the rest.",
        "",
        "| question | type | default | asked when | what it is | allowed |",
        "|---|---|---|---|---|---|",
    ]
    for name, spec in questions.items():
        choices = spec.get("choices")
        rule = allowed(name, spec.get("validator", ""))
        if choices:
            values = choices.values() if isinstance(choices, dict) else choices
            rule = rule or "one of " + ", ".join(f"`{v}`" for v in values)
        default = f"`{cell(spec['default'])}`" if spec.get("default", "") != "" else "*(empty)*"
        when = spec.get("when", "always")
        lines.append(
            f"| `{name}` | {spec.get('type', 'str')}{' (several)' if spec.get('multiselect') else ''} "
            f"| {default} | {cell(when).replace('{{ ', '`').replace(' }}', '`')} "
            f"| {cell(spec.get('help', ''))} | {cell(rule)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run `nox -s questions-reference`")
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
