"""`nox -s bench`: measure, then write build/bench/report.json and docs/performance.md.

Sections run in order on one rendered default project (site, Worker and service share its
`npm ci`). A section that fails is reported as failed; the others still run, and the exit
status is non-zero.
"""

from __future__ import annotations

import json
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import load, service, site, template, worker
from bench.common import REPORT_JSON, REPORT_MD, ROOT, machine, node_env, write_json
from tests.support.render import render, snapshot_template

COMMANDS = {
    "template": "copier's API (`run_copy`, `run_update`) and CLI (`copier copy --trust --defaults`)",
    "static": "`"
    + shlex.join(template.STATIC_COMMAND[: -len(template.STATIC_FILES)])
    + " tests/test_<component>.py`",
    "site": "`make node-setup` (npm ci), `make web-build`, Lighthouse 13 in headless Chromium, 1 run a page",
    "worker": "`make edge-build`; `wrangler dev --ip 127.0.0.1` for the Worker and a hello-world Worker",
    "service": "`make services/api/.venv/.installed`; `python -m api` (uvicorn) on 127.0.0.1",
    "load": f"`wrk --threads=2 --connections=N --duration={load.SECONDS}s --latency`",
}


def _section(report: dict[str, Any], name: str, action: Callable[[], Any]) -> None:
    start = time.perf_counter()
    print(f"bench: {name} ...", flush=True)
    try:
        report[name] = action()
    except Exception as error:  # a failed section is reported, the others still run
        traceback.print_exc()
        report[name] = {"error": f"{type(error).__name__}: {str(error)[-2000:]}"}
    report.setdefault("section_seconds", {})[name] = round(time.perf_counter() - start, 1)


def _kib(n: int) -> str:
    return f"{n / 1024:.1f}"


def _statuses(numbers: dict[str, Any]) -> str:
    mix = ", ".join(f"{status}: {count}" for status, count in numbers["statuses"].items())
    errors = numbers["socket_errors"]
    return mix + (f"; socket errors: {errors}" if errors else "")


def _template_md(r: dict[str, Any]) -> list[str]:
    lines = [
        "## Rendering the template",
        "",
        "| answers | files | KiB | `run_copy` (API) | `copier copy` (CLI) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, x in r["renders"].items():
        lines.append(
            f"| {name} | {x['files']} | {x['bytes'] / 1024:.0f} | {x['api']['median_s']:.2f} s "
            f"| {x['cli']['median_s']:.2f} s |"
        )
    static = r["static_validation"]
    lines += [
        "",
        f"- `copier update` of the default project, 1.0.0 to 2.0.0 (tagged throwaway repository, API): "
        f"**{r['update']['median_s']:.2f} s** (median of {r['update']['runs']}).",
        f"- Static validation layer over one full render (default answers, 2 xdist workers): "
        f"**{static['seconds']:.0f} s**, {static['summary']} (exit {static['exit_code']}).",
    ]
    return lines


def _site_md(r: dict[str, Any], setup: dict[str, Any]) -> list[str]:
    lines = [
        "## Generated site",
        "",
        f"`npm ci` {setup['npm_ci_s']:.0f} s, `make web-build` {setup['build_s']:.0f} s. "
        f"JavaScript files in the build: {r['js_files_in_dist']}.",
        "",
        "| page | HTML KiB (gzip) | CSS KiB (gzip) | JS bytes | requests | transferred KiB "
        "| performance | accessibility | best practices | SEO | audits below 100 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for path, p in r["pages"].items():
        s = p["scores"]
        lines.append(
            f"| `{path}` | {_kib(p['html_bytes'])} ({_kib(p['html_gzip_bytes'])}) "
            f"| {_kib(p['css_bytes'])} ({_kib(p['css_gzip_bytes'])}) | {p['js_bytes']} | {p['requests']} "
            f"| {_kib(p['transfer_bytes'])} | {s['performance']} | {s['accessibility']} "
            f"| {s['best-practices']} | {s['seo']} | {', '.join(p['audits_below_full_score']) or '-'} |"
        )
    return lines


def _load_rows(
    name: str, levels: dict[str, Any], ratios: dict[str, Any] | None, ratio_columns: bool = False
) -> list[str]:
    rows = []
    for level, x in levels.items():
        ratio = ratios[level] if ratios else None
        extra = f" | {ratio['rps']:.2f} | {ratio['p50']:.2f} | {ratio['p99']:.2f}" if ratio else ""
        extra = extra or (" | 1 | 1 | 1" if ratio_columns else "")
        rows.append(
            f"| {name} | {level} ({load.LEVELS[level]}) | {x['rps']:.0f} | {x['p50_ms']:.1f} "
            f"| {x['p99_ms']:.1f}{extra} | {_statuses(x)} |"
        )
    return rows


def _worker_md(r: dict[str, Any], b: dict[str, Any]) -> list[str]:
    lines = [
        "## Generated Worker",
        "",
        f"Bundle (`make edge-build`, wrangler dry-run): {_kib(b['raw_bytes'])} KiB raw, "
        f"{_kib(b['gzip_bytes'])} KiB gzip.",
        "",
        "Under `wrangler dev` on loopback; ratios are the Worker over a hello-world Worker run alongside "
        f"(same wrangler, same requests, runs alternated, medians of {load.ROUNDS}). "
        f"Write rate limit: {r['rate_limit']}. `wrangler dev` is a local simulator with its own proxy in "
        "front of workerd, so its absolute numbers say little about Cloudflare's network: compare the "
        "ratios from one run to the next.",
        "",
        "| endpoint | connections | req/s | p50 ms | p99 ms | req/s ratio | p50 ratio | p99 ratio "
        "| statuses |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for endpoint, levels in r["worker"].items():
        lines += _load_rows(endpoint, levels, r["ratio_to_hello"][endpoint])
    for endpoint, levels in r["hello"].items():
        lines += _load_rows(f"hello-world ({endpoint.split()[0]})", levels, None, ratio_columns=True)
    lines += ["", "Doubling the connections (2x over 1x):", ""]
    for endpoint, d in r["doubling"].items():
        lines.append(f"- {endpoint}: throughput x{d['rps_2x_over_1x']:.2f}, p99 x{d['p99_2x_over_1x']:.2f}")
    return lines


def _service_md(r: dict[str, Any]) -> list[str]:
    lines = [
        "## Generated service",
        "",
        f"{r['server']}; medians of {load.ROUNDS} runs.",
        "",
        "| endpoint | connections | req/s | p50 ms | p99 ms | statuses |",
        "|---|---|---:|---:|---:|---|",
    ]
    for endpoint, levels in r["endpoints"].items():
        for row in _load_rows(endpoint, levels, None):
            lines.append(row)
    lines += ["", "Doubling the connections (2x over 1x):", ""]
    for endpoint, d in r["doubling"].items():
        lines.append(f"- {endpoint}: throughput x{d['rps_2x_over_1x']:.2f}, p99 x{d['p99_2x_over_1x']:.2f}")
    return lines


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Performance",
        "",
        "<!-- Written by `nox -s bench`; numbers from one run on the machine below. -->",
        "",
        f"Machine: {m['cpus']} cores ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"template at {m['git']}"
        + (f", load average {m['load_average_1m']} at the start" if "load_average_1m" in m else "")
        + f". Render times are medians of {template.RUNS} runs. Whole bench: "
        f"{sum(report['section_seconds'].values()) / 60:.1f} min. Everything runs on loopback.",
        "",
    ]
    sections = [
        ("template", lambda: _template_md(report["template"])),
        ("site", lambda: _site_md(report["site"], report["site_setup"])),
        ("worker", lambda: _worker_md(report["worker"], report["worker_bundle"])),
        ("service", lambda: _service_md(report["service"])),
    ]
    for name, write in sections:
        failed = [
            k for k in report if k.startswith(name) and isinstance(report[k], dict) and "error" in report[k]
        ]
        if failed:
            lines += [f"## {name}: failed", "", f"`{report[failed[0]]['error'].splitlines()[0]}`"]
        else:
            lines += write()
        lines.append("")
    lines += ["## Commands", ""] + [f"- {what}: {how}" for what, how in COMMANDS.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    if sys.argv[1:] == ["--markdown-only"]:  # rewrite the table from the last report.json
        REPORT_MD.write_text(markdown(json.loads(REPORT_JSON.read_text())))
        return 0
    report: dict[str, Any] = {"machine": machine(), "commands": COMMANDS}
    env = node_env()
    _section(report, "template", lambda: template.run(env))
    with tempfile.TemporaryDirectory(prefix="groundwork-bench-") as tmp:
        scratch = Path(tmp)
        project = scratch / "project"
        _section(
            report,
            "site_setup",
            lambda: site.install(render(snapshot_template(scratch / "src"), project, {})),
        )
        if "error" not in report["site_setup"]:
            _section(report, "site", lambda: site.run(project, scratch / "site"))
            _section(report, "worker_bundle", lambda: worker.bundle(project))
            _section(report, "worker", lambda: worker.run(project, scratch / "worker"))
        _section(report, "service", lambda: service.run(project, scratch / "service"))
    path = write_json(report)
    REPORT_MD.write_text(markdown(report))
    print(f"wrote {path.relative_to(ROOT)} and {REPORT_MD.relative_to(ROOT)}")
    print(REPORT_MD.read_text())
    failed = [name for name, value in report.items() if isinstance(value, dict) and "error" in value]
    if failed:
        print(f"bench: failed sections: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
