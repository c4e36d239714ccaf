"""The observability component: rules, alert unit tests, Alertmanager, dashboards, Loki, compose.

promtool and amtool validate what they can (rules, rule unit tests, the Prometheus config,
the Alertmanager config), check-jsonschema validates compose.yaml against the compose spec.
No offline validator exists for Grafana dashboards, Loki, Alloy or the Helm values of the
monitoring charts (the charts cannot be fetched here), so those checks are our own: the keys
and references the stack relies on, and that every metric a rule or dashboard queries has a
producer.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.answers import matrix, with_component
from support.files import parse
from support.render import render
from support.tools import require

OBSERVED = with_component("observability")
# The matrix has no set with platform but neither web nor edge: add the combinations that
# change which rules render, so each rule file is tested alone and together.
EXTRA_SETS: dict[str, dict[str, Any]] = {
    "platform+observability": {"components": ["platform", "observability"]},
    "edge+platform+observability": {"components": ["edge", "platform", "observability"]},
}
ALL_SETS = [*OBSERVED, *EXTRA_SETS]
SEVERITIES = {"page", "ticket"}
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")
RELEASES = ("kube-prometheus-stack", "loki", "alloy", "prometheus-blackbox-exporter")

# Every metric a rule or dashboard may query, by the thing in the rendered project that
# produces it. Recording rules are added from the rendered rule files.
PRODUCERS: dict[str, dict[str, Any]] = {
    # services/api /metrics (prometheus_client), scraped as job="api": the metric contract.
    "service /metrics": {
        "when": lambda c: "platform" in c,
        "metrics": {
            "http_requests_total",
            "http_request_duration_seconds_bucket",
            "http_request_duration_seconds_count",
            "http_request_duration_seconds_sum",
            "http_requests_in_flight",
            "upstream_requests_total",
        },
    },
    # blackbox exporter, http prober (observability/blackbox/blackbox.yml), every scrape of /probe.
    "blackbox exporter": {
        "when": lambda c: True,
        "metrics": {
            "probe_success",
            "probe_duration_seconds",
            "probe_http_status_code",
            "probe_http_duration_seconds",
            "probe_http_content_length",
            "probe_ssl_earliest_cert_expiry",
        },
    },
    # kube-state-metrics, part of kube-prometheus-stack (cluster only, so with platform).
    "kube-state-metrics": {
        "when": lambda c: "platform" in c,
        "metrics": {
            "kube_pod_container_status_waiting_reason",
            "kube_pod_status_ready",
            "kube_pod_status_phase",
            "kube_horizontalpodautoscaler_status_current_replicas",
            "kube_horizontalpodautoscaler_spec_max_replicas",
            "kube_node_status_condition",
        },
    },
    # Prometheus itself, for every scrape target.
    "prometheus": {"when": lambda c: True, "metrics": {"up"}},
}

PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "offset", "inf", "nan",
}  # fmt: skip


@pytest.fixture(scope="session")
def project(render_set, template_src: Path, tmp_path_factory: pytest.TempPathFactory):
    """`project(name)`: a rendered matrix set, or one of EXTRA_SETS, rendered once."""
    extra: dict[str, Path] = {}

    def _project(name: str) -> Path:
        if name in EXTRA_SETS:
            if name not in extra:
                dst = tmp_path_factory.mktemp(name.replace("+", "-")) / "project"
                extra[name] = render(template_src, dst, EXTRA_SETS[name])
            return extra[name]
        return render_set(name)

    return _project


def components_of(name: str) -> list[str]:
    answers = EXTRA_SETS.get(name) or matrix()[name]
    return answers.get("components", ["web", "edge", "platform", "observability"])


def answers_of(root: Path) -> dict[str, Any]:
    return yaml.safe_load((root / ".copier-answers.yml").read_text())


def rule_files(root: Path) -> list[Path]:
    return sorted((root / "observability/prometheus/rules").glob("*.rules.yml"))


def rules(root: Path) -> list[dict[str, Any]]:
    return [r for f in rule_files(root) for g in parse(f)[0]["groups"] for r in g["rules"]]


def alerts(root: Path) -> list[dict[str, Any]]:
    return [r for r in rules(root) if "alert" in r]


def dashboards(root: Path) -> dict[str, dict[str, Any]]:
    folder = root / "observability/grafana/dashboards"
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def all_panels(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for panel in panels:
        out.append(panel)
        out += all_panels(panel.get("panels", []))
    return out


def prometheus_queries(board: dict[str, Any]) -> list[str]:
    return [
        target["expr"]
        for panel in all_panels(board["panels"])
        for target in panel.get("targets", [])
        if target.get("datasource", panel.get("datasource", {})).get("type") == "prometheus"
    ]


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (no parser offline: a careful tokenizer)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"(?<![\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        if text[match.end() :].lstrip().startswith("(") or match.group().lower() in PROMQL_WORDS:
            continue
        names.add(match.group())
    return names


def grafana_to_promql(expr: str, slug: str) -> str:
    """A dashboard query with Grafana's variables replaced, so promtool can parse it."""
    for variable, value in {
        "$__rate_interval": "5m",
        "$__auto": "5m",
        "$namespace": slug,
        "$slo": "api-availability",
    }.items():
        expr = expr.replace(variable, value)
    return expr


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False)


# --- Prometheus: rules, their unit tests, the config --------------------------------------


@pytest.mark.parametrize("name", ALL_SETS)
def test_promtool_checks_config_and_rules(name: str, project):
    promtool = require("promtool")
    prometheus = project(name) / "observability/prometheus"
    result = run(promtool, "check", "rules", *rule_files(project(name)))
    assert result.returncode == 0, result.stdout + result.stderr
    result = run(promtool, "check", "config", prometheus / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(rule_files(project(name)))} rule files found" in result.stdout


@pytest.mark.parametrize("name", ALL_SETS)
def test_promtool_unit_tests_pass(name: str, project):
    promtool = require("promtool")
    tests = sorted((project(name) / "observability/prometheus/tests").glob("*.test.yml"))
    result = run(promtool, "test", "rules", *tests)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(tests)


@pytest.mark.parametrize("name", ALL_SETS)
def test_every_alert_has_a_test_that_fires_and_one_that_stays_quiet(name: str, project):
    root = project(name)
    fires: set[str] = set()
    quiet: set[str] = set()
    for path in (root / "observability/prometheus/tests").glob("*.test.yml"):
        for test in parse(path)[0]["tests"]:
            for case in test.get("alert_rule_test", []):
                (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
    names = {a["alert"] for a in alerts(root)}
    assert names - fires == set(), "alerts without a test that makes them fire"
    assert names - quiet == set(), "alerts without a test that keeps them quiet"
    # A page alert that fires in a test must fire with both of its severities' rules tested.
    for alert in {a["alert"] for a in alerts(root) if a["alert"].endswith("BudgetBurn")}:
        severities = {
            exp["exp_labels"]["severity"]
            for path in (root / "observability/prometheus/tests").glob("*.test.yml")
            for test in parse(path)[0]["tests"]
            for case in test.get("alert_rule_test", [])
            if case["alertname"] == alert
            for exp in case.get("exp_alerts") or []
        }
        assert severities == SEVERITIES, alert


def test_unit_tests_catch_a_broken_rule(project, tmp_path: Path):
    """The promtool tests can fail: a burn-rate alert that waits 5 hours breaks them."""
    promtool = require("promtool")
    prometheus = tmp_path / "prometheus"
    shutil.copytree(project("default") / "observability/prometheus", prometheus)
    alerts_file = prometheus / "rules/slo-alerts.rules.yml"
    alerts_file.write_text(alerts_file.read_text().replace("for: 2m", "for: 5h"))
    result = run(promtool, "test", "rules", prometheus / "tests/slo.test.yml")
    assert result.returncode != 0
    assert "BudgetBurn" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("slo", "latency_ms", "le"),
    [(90.0, 50, "0\\\\.05"), (99.0, 1000, "1(\\\\.0)?"), (99.99, 10000, "10(\\\\.0)?")],
)
def test_answers_drive_the_thresholds(slo: float, latency_ms: int, le: str, template_src, tmp_path):
    """The SLO answers reach the rules; at 90% the fast-burn threshold is capped at 100%."""
    promtool = require("promtool")
    answers = {"slo_availability": slo, "slo_latency_ms": latency_ms}
    root = render(template_src, tmp_path / "project", answers)
    budget = round(1 - slo / 100, 6)
    exprs = {(a["alert"], a["labels"]["severity"]): a["expr"] for a in alerts(root)}
    page = exprs[("ApiAvailabilityBudgetBurn", "page")]
    assert f">= {min(round(14.4 * budget, 6), 1)}" in page
    assert f">= {round(6 * budget, 6)}" in page
    assert f">= {round(budget, 6)}" in exprs[("ApiAvailabilityBudgetBurn", "ticket")]
    recorded = {r["expr"] for r in rules(root) if "record" in r}
    assert any(f'le=~"{le}"' in expr for expr in recorded)
    assert f"vector({round(slo / 100, 6)})" in recorded
    result = run(promtool, "test", "rules", root / "observability/prometheus/tests/slo.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ALL_SETS)
def test_rule_groups_follow_the_components(name: str, project):
    root = project(name)
    components = components_of(name)
    slos = {r["labels"]["slo"] for r in rules(root) if r.get("record", "").startswith("slo:sli_error")}
    expected = set()
    if "platform" in components:
        expected |= {"api-availability", "api-latency"}
    if "edge" in components:
        expected |= {"edge-availability", "edge-latency"}
    if "web" in components:
        expected.add("site-availability")
    assert slos == expected
    names = {a["alert"] for a in alerts(root)}
    assert ("KubePodCrashLooping" in names) == ("platform" in components)
    assert ("ApiTargetDown" in names) == ("platform" in components)
    assert ("CertificateExpiringSoon" in names) == bool({"web", "edge"} & set(components))
    windows = {r["record"] for r in rules(root) if r.get("record", "").startswith("slo:sli_error")}
    assert windows == {f"slo:sli_error:ratio_rate{w}" for w in WINDOWS}


@pytest.mark.parametrize("name", ALL_SETS)
def test_every_alert_has_severity_annotations_and_a_runbook_that_exists(name: str, project):
    root = project(name)
    base = f"https://github.com/{answers_of(root)['github_repository']}/blob/main/"
    linked = set()
    for alert in alerts(root):
        assert alert["labels"]["severity"] in SEVERITIES, alert["alert"]
        annotations = alert["annotations"]
        assert annotations["summary"].strip(), alert["alert"]
        assert annotations["description"].strip(), alert["alert"]
        url = annotations["runbook_url"]
        assert url.startswith(base), url
        path = url.removeprefix(base)
        assert (root / path).is_file(), f"{alert['alert']}: {path} is not rendered"
        assert Path(path).stem == re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", alert["alert"]).lower()
        linked.add(Path(path).name)
    runbooks = {p.name for p in (root / "docs/runbooks/alerts").glob("*.md")} - {"index.md"}
    assert runbooks == linked, "a runbook without an alert, or an alert without a runbook"


@pytest.mark.parametrize("name", ALL_SETS)
def test_runbooks_have_every_section_and_working_links(name: str, project):
    folder = project(name) / "docs/runbooks/alerts"
    for page in folder.glob("*.md"):
        text = page.read_text()
        if page.name != "index.md":
            for section in ("## What it means", "## Impact", "## Confirm", "## Mitigate", "## Escalate"):
                assert section in text, f"{page.name}: {section}"
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", text):
            assert (folder / target).is_file(), f"{page.name} links to missing {target}"


@pytest.mark.parametrize("name", ALL_SETS)
def test_every_queried_metric_is_produced(name: str, project):
    root = project(name)
    components = components_of(name)
    known = {r["record"] for r in rules(root) if "record" in r}
    for producer in PRODUCERS.values():
        if producer["when"](components):
            known |= producer["metrics"]
    queried: dict[str, set[str]] = {}
    for rule in rules(root):
        queried.setdefault(rule.get("alert") or rule["record"], set()).update(metric_names(rule["expr"]))
    for board_name, board in dashboards(root).items():
        for expr in prometheus_queries(board):
            queried.setdefault(f"dashboard {board_name}", set()).update(metric_names(expr))
    unknown = {where: names - known for where, names in queried.items() if names - known}
    assert unknown == {}
    assert set().union(*queried.values()), "the tokenizer found no metric at all"


def test_metric_tokenizer():
    expr = (
        'sum by (route) (rate(http_requests_total{job="api",status=~"5.."}[5m])) / '
        "on (slo) group_left scalar(slo:error_budget:ratio) > bool 1e3 unless "
        'absent(up{job="x"} == 1) and probe_ssl_earliest_cert_expiry - time() < 14 * 86400'
    )
    assert metric_names(expr) == {
        "http_requests_total",
        "slo:error_budget:ratio",
        "up",
        "probe_ssl_earliest_cert_expiry",
    }


@pytest.mark.parametrize("name", ALL_SETS)
def test_probe_selectors_match_rendered_probe_targets(name: str, project):
    """Every `probe="x"` a rule or dashboard selects is a target label of every environment."""
    root = project(name)
    exprs = [r["expr"] for r in rules(root)]
    exprs += [q for b in dashboards(root).values() for q in prometheus_queries(b)]
    selected = {m for e in exprs for m in re.findall(r'probe="([a-z]+)"', e)}
    local = {t["labels"]["probe"] for t in parse(root / "observability/prometheus/targets/local.yml")[0]}
    assert selected <= local
    for env in ("staging", "production"):
        values = parse(root / f"observability/cluster/prometheus-blackbox-exporter.{env}.values.yaml")[0]
        cluster = {t["additionalMetricsRelabels"]["probe"] for t in values["serviceMonitor"]["targets"]}
        assert selected <= cluster, env
        public = root / f"observability/prometheus/targets/{env}.yml"
        if public.exists():
            assert {t["labels"]["probe"] for t in parse(public)[0]} == cluster - {"api"}


@pytest.mark.parametrize("name", [n for n in ALL_SETS if "platform" in components_of(n)])
def test_service_metrics_contract_matches_the_service(name: str, project):
    """When the API's source is rendered alongside, it names every metric the rules rely on."""
    root = project(name)
    source = root / "services/api"
    if not source.is_dir():
        pytest.skip("services/api is not in this branch yet (the platform component renders it)")
    text = "\n".join(p.read_text() for p in source.rglob("*.py"))
    for metric in PRODUCERS["service /metrics"]["metrics"]:
        base = re.sub(r"_(total|bucket|count|sum)$", "", metric)
        assert base in text, f"services/api does not define {base}"


# The generated project's yamllint rules (its .yamllint.yaml when rendered, else the same
# settings): `make lint` must pass on these files.
YAMLLINT_FALLBACK = """
extends: default
rules:
  document-start: disable
  line-length: {max: 140}
  truthy: {allowed-values: ["true", "false"], check-keys: false}
  comments: {min-spaces-from-content: 1}
"""


@pytest.mark.parametrize("name", ALL_SETS)
def test_yaml_passes_the_projects_yamllint(name: str, project, tmp_path: Path):
    yamllint = require("yamllint")
    root = project(name)
    config = root / ".yamllint.yaml"
    if not config.exists():
        config = tmp_path / "yamllint.yaml"
        config.write_text(YAMLLINT_FALLBACK)
    result = run(yamllint, "--strict", "-f", "parsable", "-c", config, "observability", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Alertmanager ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SETS)
def test_alertmanager_config(name: str, project):
    amtool = require("amtool")
    root = project(name)
    path = root / "observability/alertmanager/alertmanager.yml"
    result = run(amtool, "check-config", path)
    assert result.returncode == 0, result.stdout + result.stderr
    config = parse(path)[0]
    assert "smtp_auth_password" not in config["global"], "the SMTP password must come from a file"
    assert config["global"]["smtp_auth_password_file"].startswith("/etc/alertmanager/secrets/")
    routes = {tuple(r["matchers"]): r["receiver"] for r in config["route"]["routes"]}
    assert routes == {
        ('environment="staging"',): "ticket",
        ('severity="page"',): "page",
        ('severity="ticket"',): "ticket",
    }
    assert config["route"]["routes"][0]["matchers"] == ['environment="staging"'], "staging first"
    # amtool walks the routing tree as Alertmanager would.
    for labels, receiver in [
        (["severity=page"], "page"),
        (["severity=page", "environment=production"], "page"),
        (["severity=page", "environment=staging"], "ticket"),
        (["severity=ticket"], "ticket"),
        (["alertname=Unknown"], "ticket"),
    ]:
        routed = run(amtool, "config", "routes", "test", f"--config.file={path}", *labels)
        assert routed.stdout.strip() == receiver, labels
    assert {"alertname", "service"} <= set(config["route"]["group_by"])
    page_inhibits_ticket = {
        "source_matchers": ['severity="page"'],
        "target_matchers": ['severity="ticket"'],
        "equal": ["alertname", "service"],
    }
    assert page_inhibits_ticket in config["inhibit_rules"]
    email = answers_of(root)["alert_email"]
    for receiver in config["receivers"]:
        assert [c["to"] for c in receiver["email_configs"]] == [email]
    # Every inhibited or routed alert name exists.
    names = {a["alert"] for a in alerts(root)}
    for rule in config["inhibit_rules"]:
        for matcher in rule["source_matchers"]:
            if matcher.startswith("alertname="):
                assert matcher.split("=", 1)[1].strip('"') in names


# --- Grafana --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SETS)
def test_dashboards_are_well_formed(name: str, project):
    root = project(name)
    components = components_of(name)
    boards = dashboards(root)
    expected = {"slo"}
    expected |= {"api-overview"} if "platform" in components else set()
    expected |= {"edge-overview"} if "edge" in components else set()
    expected |= {"site-overview"} if "web" in components else set()
    expected |= {"logs"} if {"platform", "edge"} & set(components) else set()
    assert set(boards) == expected
    datasources = root / "observability/grafana/provisioning/datasources/datasources.yaml"
    provisioned = {d["uid"]: d["type"] for d in parse(datasources)[0]["datasources"]}
    uids = [b["uid"] for b in boards.values()]
    assert len(set(uids)) == len(uids)
    for board_name, board in boards.items():
        assert board["schemaVersion"] >= 36, board_name
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,40}", board["uid"]), board_name
        assert "id" not in board, "a provisioned dashboard carries no database id"
        variables = {v["name"]: v for v in board["templating"]["list"]}
        assert len(variables) == len(board["templating"]["list"])
        ds_variables = {n: v["query"] for n, v in variables.items() if v["type"] == "datasource"}
        assert set(ds_variables.values()) <= set(provisioned.values())
        panels = all_panels(board["panels"])
        ids = [p["id"] for p in panels]
        assert len(set(ids)) == len(ids), f"{board_name}: duplicate panel ids"
        for panel in panels:
            assert {"x", "y", "w", "h"} <= set(panel["gridPos"]), panel["title"]
            if panel["type"] == "row":
                continue
            assert panel.get("targets"), f"{board_name}/{panel['title']}: no query"
            for ref in [panel["datasource"], *(t["datasource"] for t in panel["targets"])]:
                assert isinstance(ref, dict), f"{board_name}/{panel['title']}: datasource by name or id"
                match = re.fullmatch(r"\$\{(\w+)\}", ref["uid"])
                assert match, f"{board_name}/{panel['title']}: datasource uid not a variable"
                assert ds_variables.get(match.group(1)) == ref["type"], panel["title"]
        for variable in variables.values():
            if variable["type"] == "query":
                assert variable["datasource"]["uid"][2:-1] in ds_variables


@pytest.mark.parametrize("name", ALL_SETS)
def test_dashboard_queries_are_valid_promql(name: str, project, tmp_path: Path):
    """promtool parses every dashboard query (as recording rules, with Grafana's variables set)."""
    promtool = require("promtool")
    root = project(name)
    slug = answers_of(root)["project_slug"]
    queries = [grafana_to_promql(q, slug) for b in dashboards(root).values() for q in prometheus_queries(b)]
    assert queries
    records = [{"record": f"dashboard:q{i}", "expr": q} for i, q in enumerate(queries)]
    groups = [{"name": "dashboards", "rules": records}]
    path = tmp_path / "dashboards.rules.yml"
    path.write_text(yaml.safe_dump({"groups": groups}))
    result = run(promtool, "check", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ALL_SETS)
def test_grafana_datasources_and_provider(name: str, project):
    root = project(name)
    datasources = parse(root / "observability/grafana/provisioning/datasources/datasources.yaml")[0]
    by_uid = {d["uid"]: d for d in datasources["datasources"]}
    assert {u: d["type"] for u, d in by_uid.items()} == {
        "prometheus": "prometheus",
        "loki": "loki",
        "alertmanager": "alertmanager",
    }
    assert [d["uid"] for d in datasources["datasources"] if d.get("isDefault")] == ["prometheus"]
    provider = parse(root / "observability/grafana/provisioning/dashboards/dashboards.yaml")[0]
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    # The cluster's Grafana gives the same UIDs to the same kinds of data source.
    grafana = parse(root / "observability/cluster/kube-prometheus-stack.values.yaml")[0]["grafana"]
    assert grafana["sidecar"]["datasources"]["uid"] == "prometheus"
    assert grafana["sidecar"]["datasources"]["alertmanager"]["uid"] == "alertmanager"
    assert [(d["uid"], d["type"]) for d in grafana["additionalDataSources"]] == [("loki", "loki")]


# --- The cluster's Helm values --------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SETS)
def test_cluster_values_exist_per_release_and_environment(name: str, project):
    cluster = project(name) / "observability/cluster"
    expected = {f"{r}{e}.values.yaml" for r in RELEASES for e in ("", ".staging", ".production")}
    assert {p.name for p in cluster.iterdir()} == expected
    for release in RELEASES:
        for env in ("staging", "production"):
            values = parse(cluster / f"{release}.{env}.values.yaml")[0]
            assert values, f"{release}.{env}"
    kps = {e: parse(cluster / f"kube-prometheus-stack.{e}.values.yaml")[0] for e in ("staging", "production")}
    spec = {e: v["prometheus"]["prometheusSpec"] for e, v in kps.items()}
    assert spec["production"]["replicas"] > spec["staging"]["replicas"]
    for env, values in spec.items():
        assert values["externalLabels"]["environment"] == env
        assert values["resources"]["limits"]["memory"]
        assert values["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"]
    base = parse(cluster / "kube-prometheus-stack.values.yaml")[0]
    assert base["defaultRules"]["create"] is False
    assert base["prometheus"]["prometheusSpec"]["retention"] == "31d", "the SLO window is 30 days"
    assert base["grafana"]["admin"]["existingSecret"]
    assert "adminPassword" not in base["grafana"]


@pytest.mark.parametrize("name", ALL_SETS)
def test_cluster_values_embed_the_same_rules_config_and_dashboards(name: str, project):
    """The cluster runs exactly what the compose stack runs and promtool tested."""
    root = project(name)
    obs = root / "observability"
    kps = parse(obs / "cluster/kube-prometheus-stack.values.yaml")[0]
    embedded = kps["additionalPrometheusRulesMap"]
    assert embedded == {p.name.removesuffix(".rules.yml"): parse(p)[0] for p in rule_files(root)}
    assert kps["alertmanager"]["config"] == parse(obs / "alertmanager/alertmanager.yml")[0]
    secret = kps["alertmanager"]["config"]["global"]["smtp_auth_password_file"].split("/")[-2]
    assert kps["alertmanager"]["alertmanagerSpec"]["secrets"] == [secret]
    slug = answers_of(root)["project_slug"]
    boards = {n: json.loads(d["json"]) for n, d in kps["grafana"]["dashboards"][slug].items()}
    assert boards == dashboards(root)
    blackbox = parse(obs / "cluster/prometheus-blackbox-exporter.values.yaml")[0]
    assert blackbox["config"] == parse(obs / "blackbox/blackbox.yml")[0]


@pytest.mark.parametrize("name", ALL_SETS)
def test_loki_and_alloy_have_the_keys_the_stack_needs(name: str, project):
    """No offline validator for Loki or Alloy: check the keys and addresses we rely on."""
    root = project(name)
    obs = root / "observability"
    local = parse(obs / "loki/loki.yaml")[0]
    schema = local["schema_config"]["configs"][-1]
    assert (schema["store"], schema["schema"], schema["object_store"]) == ("tsdb", "v13", "filesystem")
    assert local["auth_enabled"] is False
    assert local["server"]["http_listen_port"] == 3100
    assert local["compactor"]["retention_enabled"] is True
    assert local["compactor"]["delete_request_store"] == "filesystem"
    assert local["limits_config"]["retention_period"]
    cluster = parse(obs / "cluster/loki.values.yaml")[0]
    assert cluster["deploymentMode"] == "SingleBinary"
    assert cluster["loki"]["schemaConfig"]["configs"] == local["schema_config"]["configs"]
    assert all(cluster[t]["replicas"] == 0 for t in ("read", "write", "backend"))
    for env in ("staging", "production"):
        values = parse(obs / f"cluster/loki.{env}.values.yaml")[0]
        assert values["loki"]["limits_config"]["retention_period"]
        ingress = values.get("gateway", {}).get("ingress")
        assert bool(ingress) == ("edge" in components_of(name)), "the Tail Worker's door"
    assert cluster["gateway"]["basicAuth"]["existingSecret"]
    # Alloy: where it sends logs, with balanced braces (the one syntax slip a reader misses).
    for text, url in [
        ((obs / "alloy/config.alloy").read_text(), "http://loki:3100/loki/api/v1/push"),
        (
            parse(obs / "cluster/alloy.values.yaml")[0]["alloy"]["configMap"]["content"],
            "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push",
        ),
    ]:
        assert f'url = "{url}"' in text
        code = re.sub(r'"(?:[^"\\]|\\.)*"|//[^\n]*', "", text)
        assert code.count("{") == code.count("}")
    content = parse(obs / "cluster/alloy.values.yaml")[0]["alloy"]["configMap"]["content"]
    assert json.dumps(answers_of(root)["project_slug"]) in content
    for env in ("staging", "production"):
        extra = parse(obs / f"cluster/alloy.{env}.values.yaml")[0]["alloy"]["extraEnv"]
        assert {e["name"] for e in extra} == set(re.findall(r'sys\.env\("(\w+)"\)', content))


# --- The compose stack ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SETS)
def test_compose_stack(name: str, project):
    """The compose spec's JSON schema, then what no schema knows: pins, ports, mounts, secrets.

    No Docker engine (nor compose plugin) exists here to run `docker compose config`.
    """
    obs = project(name) / "observability"
    result = run(require("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", obs / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    compose = parse(obs / "compose.yaml")[0]
    services = compose["services"]
    assert set(services) == {"prometheus", "alertmanager", "grafana", "loki", "alloy", "blackbox-exporter"}
    for service_name, service in services.items():
        image, _, tag = service["image"].rpartition(":")
        assert image, service_name
        assert re.fullmatch(r"v?\d+\.\d+\.\d+", tag), f"{service_name}: pin a version"
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{service_name}: {port} listens beyond localhost"
        for volume in service.get("volumes", []):
            source = volume.split(":/")[0]
            if source.startswith("."):
                envs = ("local", "staging", "production") if "${OBSERVABILITY_ENV" in source else ("",)
                paths = {re.sub(r"\$\{OBSERVABILITY_ENV:-local\}", e, source) for e in envs}
                assert any((obs / p).exists() for p in paths), f"{service_name}: {source} is not rendered"
        for key in service.get("environment") or {}:
            assert "PASSWORD" not in key or key.endswith("__FILE"), f"{service_name}: {key} inline"
    assert all("file" in s for s in compose["secrets"].values())
    assert ".secrets/" in (obs / ".gitignore").read_text()
    mounted = services["alertmanager"]["secrets"][0]["target"]
    assert mounted == parse(obs / "alertmanager/alertmanager.yml")[0]["global"]["smtp_auth_password_file"]


def test_make_observability_check_runs_in_the_project(project):
    require("promtool")
    require("amtool")
    root = project("default")
    result = run("make", "observability-check", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
    help_text = run("make", "help", cwd=root).stdout
    assert "observability-check" in help_text
    assert "dev-observability" in help_text


# --- The edge Tail Worker -------------------------------------------------------------------

EDGE_SETS = [n for n in ALL_SETS if "edge" in components_of(n)]


@pytest.mark.parametrize("name", ALL_SETS)
def test_edge_tail_worker_follows_the_edge_component(name: str, project):
    root = project(name)
    tail = root / "observability/edge-tail"
    assert tail.is_dir() == ("edge" in components_of(name))
    if not tail.is_dir():
        return
    config = parse(tail / "wrangler.jsonc")
    slug = answers_of(root)["project_slug"]
    loki_hosts = {}
    for env in ("staging", "production"):
        env_config = config["env"][env]
        assert env_config["name"] == f"{slug}-edge-{env}-tail"
        assert env_config["vars"]["ENVIRONMENT"] == env
        secrets = {"LOKI_USERNAME", "LOKI_PASSWORD", "CF_ACCESS_CLIENT_ID", "CF_ACCESS_CLIENT_SECRET"}
        assert not secrets & set(env_config["vars"]), "secrets, not vars"
        loki_hosts[env] = env_config["vars"]["LOKI_PUSH_URL"]
        if "platform" in components_of(name):
            values = parse(root / f"observability/cluster/loki.{env}.values.yaml")[0]
            ingress = values["gateway"]["ingress"]["hosts"][0]
            expected = f"https://{ingress['host']}{ingress['paths'][0]['path']}"
            assert loki_hosts[env] == expected, "the Tail Worker pushes to the cluster's Loki gateway"
    assert loki_hosts["staging"] != loki_hosts["production"]


@pytest.mark.parametrize("name", EDGE_SETS[:1])
def test_edge_tail_worker_unit_tests_pass(name: str, project):
    node = require("node")
    root = project(name)
    tests = sorted((root / "observability/edge-tail/test").glob("*.test.js"))
    result = run(node, "--test", "--test-reporter=tap", *tests, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
    assert "# pass 5" in result.stdout
