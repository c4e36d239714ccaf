"""The edge component: the API Worker in apps/edge, its wrangler config, and its own checks run for real."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from support.answers import matrix, with_component
from support.files import parse
from support.node_project import record, run

from hooks.context import environments

MATRIX = matrix()
EDGE_SETS = with_component("edge")


def answers_of(root: Path) -> dict:
    return parse(root / ".copier-answers.yml")[0]


def wrangler(root: Path) -> dict:
    return parse(root / "apps/edge/wrangler.jsonc")


@pytest.mark.parametrize("name", EDGE_SETS)
def test_wrangler_config_names_everything_from_the_answers(name: str, render_set):
    root = render_set(name)
    answers = answers_of(root)
    config = wrangler(root)
    slug = answers["project_slug"]
    assert config["name"] == f"{slug}-edge"
    assert config["main"] == "src/index.ts"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", config["compatibility_date"])
    assert config["observability"]["enabled"] is True
    assert config["workers_dev"] is False
    assert config.get("account_id", "") == answers["cloudflare_account_id"]
    envs = environments(answers)
    assert set(config["env"]) == {e["name"] for e in envs}
    for env in envs:
        section = config["env"][env["name"]]
        assert section["name"] == env["worker_name"]
        assert "routes" not in section  # Terraform owns the routes (infra/modules/cloudflare-edge)
        assert section["vars"]["SITE_ORIGIN"] == env["url"]
        assert section["vars"]["ENVIRONMENT"] == env["name"]
        # bindings are not inherited by environments: each one declares the same set
        assert {k for k in section if k in config} >= {"vars", "kv_namespaces", "ratelimits", "queues"}
        assert set(section["vars"]) == set(config["vars"])


@pytest.mark.parametrize("name", EDGE_SETS)
def test_logs_go_to_the_tail_worker_only_with_observability(name: str, render_set):
    root = render_set(name)
    answers = answers_of(root)
    config = wrangler(root)
    for env in environments(answers):
        tail = config["env"][env["name"]].get("tail_consumers")
        if "observability" in answers["components"]:
            assert tail == [{"service": f"{env['worker_name']}-tail"}]
            tail_config = parse(root / "observability/edge-tail/wrangler.jsonc")
            assert tail_config["env"][env["name"]]["name"] == tail[0]["service"]
        else:
            assert tail is None


@pytest.mark.parametrize("name", EDGE_SETS)
def test_queue_has_a_consumer_and_a_dead_letter_queue_per_environment(name: str, render_set):
    root = render_set(name)
    config = wrangler(root)
    for env in environments(answers_of(root)):
        queues = config["env"][env["name"]]["queues"]
        contact, dlq = env["contact_queue"], env["contact_dead_letter_queue"]  # the names Terraform creates
        assert dlq.endswith("-dlq")
        assert queues["producers"] == [{"binding": "CONTACT_QUEUE", "queue": contact}]
        consumers = {c["queue"]: c for c in queues["consumers"]}
        assert set(consumers) == {contact, dlq}
        assert consumers[contact]["dead_letter_queue"] == dlq
        assert consumers[contact]["max_retries"] >= 3
        assert "dead_letter_queue" not in consumers[dlq]
    # the consumer tells the dead-letter queue apart by this suffix
    assert 'batch.queue.endsWith("-dlq")' in (root / "apps/edge/src/index.ts").read_text()


def test_secrets_are_never_in_the_config(render_set):
    root = render_set("default")
    config = wrangler(root)
    for section in (config, *config["env"].values()):
        assert not {"CONTACT_UPSTREAM_URL", "CONTACT_UPSTREAM_TOKEN"} & set(section["vars"])
    env_ts = (root / "apps/edge/src/env.ts").read_text()
    assert "CONTACT_UPSTREAM_URL?: string" in env_ts
    assert (root / "apps/edge/.dev.vars.example").exists()
    assert ".dev.vars" in (root / ".gitignore").read_text().split()


def test_hostile_answers_stay_json(render_set):
    root = render_set("hostile")
    package = parse(root / "apps/edge/package.json")
    assert package["name"] == f"{answers_of(root)['project_slug']}-edge"
    assert wrangler(root)["env"]["production"]["vars"]["SITE_ORIGIN"].startswith("https://")


def test_make_targets_follow_the_contract(render_set):
    text = (render_set("default") / "make/edge.mk").read_text()
    for target in ("edge-check", "edge-test", "edge-build", "edge-deploy", "edge-rollback", "edge-dev"):
        assert re.search(rf"^{target}:.*## \S", text, re.M), f"{target} missing or without ## help"
    assert "CHECK_TARGETS += edge-check" in text
    assert "TEST_TARGETS += edge-test" in text
    assert "wrangler deploy --env $(ENV)" in text
    assert "wrangler rollback --env $(ENV)" in text


# --- e2e: the generated project's own checks ---------------------------------------------------


@pytest.mark.e2e
@pytest.mark.xdist_group("webedge")
def test_edge_check_type_checks_the_worker(project: Path):
    run(project, "make", "edge-check")


@pytest.mark.e2e
@pytest.mark.xdist_group("webedge")
def test_edge_tests_pass_inside_workerd(project: Path):
    report = project / "build" / "edge-vitest.json"
    report.parent.mkdir(exist_ok=True)
    run(project, "make", "edge-test")
    # Count what ran, from vitest's own report (a second, quiet run writes it).
    run(
        project,
        "npm",
        "exec",
        "--workspace",
        "apps/edge",
        "--",
        "vitest",
        "run",
        "--reporter=json",
        f"--outputFile={report}",
    )
    results = json.loads(report.read_text())
    tests = [t for f in results["testResults"] for t in f["assertionResults"]]
    # the Worker's fault-injection tests live in describe blocks named "upstream faults..."
    faults = [
        t for t in tests if t["ancestorTitles"][:1] and t["ancestorTitles"][0].startswith("upstream faults")
    ]
    assert results["success"] is True
    assert results["numFailedTests"] == 0
    assert len(tests) >= 30
    assert len(faults) >= 12
    assert all(t["status"] == "passed" for t in tests)
    record(worker_tests=len(tests), worker_fault_injection_tests=len(faults))


@pytest.mark.e2e
@pytest.mark.xdist_group("webedge")
def test_edge_build_bundles_the_worker(project: Path):
    run(project, "make", "edge-build")
    bundle = project / "apps/edge/dist/index.js"
    assert bundle.is_file()
    raw = bundle.read_bytes()
    size, gzipped = len(raw), len(gzip.compress(raw, compresslevel=9))
    assert b"/api/health" in raw
    assert size < 100_000, "the Worker bundle grew past 100 kB: check what was pulled in"
    record(worker_bundle_bytes=size, worker_bundle_gzip_bytes=gzipped)
