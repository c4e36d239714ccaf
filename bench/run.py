"""`nox -s bench`: measure, then write build/bench/report.json and docs/performance.md."""

from __future__ import annotations

import sys

from bench import template
from bench.common import REPORT_MD, ROOT, machine, write_json


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# Performance",
        "",
        "<!-- Written by `nox -s bench`; numbers from one run on the machine below. -->",
        "",
        f"Machine: {m['cpus']} cores ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"template at {m['git']}. Medians of {template.RUNS} runs.",
        "",
        "## Rendering the template",
        "",
        "| answers | files | KiB | `run_copy` (API) | `copier copy` (CLI) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in report["template"].items():
        lines.append(
            f"| {name} | {r['files']} | {r['bytes'] / 1024:.0f} | {r['api']['median_s']:.2f} s "
            f"| {r['cli']['median_s']:.2f} s |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    report = {"machine": machine(), "template": template.run()}
    path = write_json(report)
    REPORT_MD.write_text(markdown(report))
    print(f"wrote {path.relative_to(ROOT)} and {REPORT_MD.relative_to(ROOT)}")
    print(REPORT_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
