"""Terraform of the generated project (infra/): formatted, parsed, wired, and clean under checkov.

`terraform validate` needs providers from the registry, which is out of reach here, so the wiring
check below does what validate does without a provider binary: every module call passes only
declared variables and every required one, every var./local./module./data./resource reference
resolves, every provider a module uses is declared in the root, every resource passes only
arguments its provider documents (top level, transcribed in SCHEMAS) and all required ones, and
every output the project's CI reads exists. Registry modules cannot be downloaded either: their
inputs and outputs are transcribed in REGISTRY_MODULES from the pinned releases' documentation.
Validate would still catch what this does not: nested block and attribute names and types,
expression type errors (a list where a string is expected), and provider-side validation.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml
from support.answers import COMPONENTS, matrix
from support.render import ROOT, project_files
from support.tools import require

from hooks.context import computed

MATRIX = matrix()
ENVIRONMENTS = ("staging", "production")
META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}
# Only these two may be left unset in terraform.tfvars, and only when the answer was empty.
FILL_IN_LATER = {"aws_account_id": "aws_account_id_{env}", "cloudflare_account_id": "cloudflare_account_id"}

# Inputs and outputs of the pinned community modules, from their documentation (docs/UPGRADE-21.0.md
# and variables.tf of terraform-aws-eks, variables.tf of -vpc and -eks-pod-identity). Only what this
# template uses needs to be here: an input or output missing from this list fails the wiring check.
REGISTRY_MODULES: dict[tuple[str, str], tuple[set[str], set[str]]] = {
    ("terraform-aws-modules/vpc/aws", "6.0.1"): (
        {
            "name",
            "cidr",
            "azs",
            "private_subnets",
            "public_subnets",
            "enable_nat_gateway",
            "single_nat_gateway",
            "one_nat_gateway_per_az",
            "enable_dns_hostnames",
            "enable_dns_support",
            "manage_default_security_group",
            "default_security_group_ingress",
            "default_security_group_egress",
            "enable_flow_log",
            "create_flow_log_cloudwatch_log_group",
            "create_flow_log_cloudwatch_iam_role",
            "flow_log_cloudwatch_log_group_retention_in_days",
            "flow_log_max_aggregation_interval",
            "public_subnet_tags",
            "private_subnet_tags",
            "tags",
        },
        {"vpc_id", "private_subnets", "public_subnets", "azs"},
    ),
    ("terraform-aws-modules/eks/aws", "21.9.0"): (
        {
            "name",
            "kubernetes_version",
            "vpc_id",
            "subnet_ids",
            "control_plane_subnet_ids",
            "endpoint_private_access",
            "endpoint_public_access",
            "endpoint_public_access_cidrs",
            "enabled_log_types",
            "cloudwatch_log_group_retention_in_days",
            "deletion_protection",
            "enable_cluster_creator_admin_permissions",
            "access_entries",
            "addons",
            "eks_managed_node_groups",
            "encryption_config",
            "tags",
        },
        {
            "cluster_name",
            "cluster_arn",
            "cluster_endpoint",
            "cluster_certificate_authority_data",
            "node_security_group_id",
            "cluster_security_group_id",
            "oidc_provider_arn",
        },
    ),
    ("terraform-aws-modules/eks-pod-identity/aws", "2.0.0"): (
        {
            "name",
            "attach_aws_lb_controller_policy",
            "attach_aws_ebs_csi_policy",
            "additional_policy_arns",
            "associations",
            "tags",
        },
        {"iam_role_arn", "iam_role_name"},
    ),
}

# Top-level arguments (required, optional) of every resource and data source the template uses,
# from the providers' documentation (cloudflare v5 docs/resources/*.md, hashicorp registry docs).
# An argument name validate would reject as unsupported, or a missing required one, fails here.
SCHEMAS: dict[str, tuple[set[str], set[str]]] = {
    "cloudflare_zone_setting": ({"zone_id", "setting_id", "value"}, {"id"}),
    "cloudflare_ruleset": ({"kind", "name", "phase"}, {"account_id", "zone_id", "description", "rules"}),
    "cloudflare_pages_project": (
        {"account_id", "name", "production_branch"},
        {"build_config", "deployment_configs", "source"},
    ),
    "cloudflare_pages_domain": ({"name", "project_name"}, {"account_id"}),
    "cloudflare_dns_record": (
        {"name", "ttl", "type", "zone_id"},
        {"comment", "content", "data", "priority", "proxied", "settings", "tags"},
    ),
    "cloudflare_workers_route": ({"pattern", "script", "zone_id"}, set()),
    "cloudflare_queue": ({"queue_name"}, {"account_id", "settings"}),
    "data.cloudflare_zone": (set(), {"filter", "zone_id"}),
    "aws_iam_openid_connect_provider": ({"url"}, {"client_id_list", "thumbprint_list", "tags"}),
    "aws_s3_bucket": (set(), {"bucket", "bucket_prefix", "force_destroy", "object_lock_enabled", "tags"}),
    "aws_s3_bucket_versioning": ({"bucket", "versioning_configuration"}, {"expected_bucket_owner", "mfa"}),
    "aws_s3_bucket_server_side_encryption_configuration": ({"bucket", "rule"}, {"expected_bucket_owner"}),
    "aws_s3_bucket_public_access_block": (
        {"bucket"},
        {"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"},
    ),
    "aws_s3_bucket_ownership_controls": ({"bucket", "rule"}, set()),
    "aws_s3_bucket_lifecycle_configuration": ({"bucket"}, {"rule", "expected_bucket_owner"}),
    "aws_s3_bucket_policy": ({"bucket", "policy"}, set()),
    "aws_iam_role": (
        {"assume_role_policy"},
        {
            "name",
            "name_prefix",
            "description",
            "max_session_duration",
            "path",
            "permissions_boundary",
            "tags",
        },
    ),
    "aws_iam_role_policy": ({"policy", "role"}, {"name", "name_prefix"}),
    "aws_iam_role_policy_attachment": ({"role", "policy_arn"}, set()),
    "aws_ecr_repository": (
        {"name"},
        {
            "image_tag_mutability",
            "image_scanning_configuration",
            "encryption_configuration",
            "force_delete",
            "image_tag_mutability_exclusion_filter",
            "tags",
        },
    ),
    "aws_ecr_lifecycle_policy": ({"repository", "policy"}, set()),
    "data.aws_iam_policy_document": (
        set(),
        {"statement", "source_policy_documents", "override_policy_documents", "version", "policy_id"},
    ),
    "data.aws_iam_openid_connect_provider": (set(), {"arn", "url", "tags"}),
    "data.aws_availability_zones": (
        set(),
        {"state", "filter", "all_availability_zones", "exclude_names", "exclude_zone_ids"},
    ),
    "kubernetes_namespace_v1": ({"metadata"}, {"timeouts", "wait_for_default_service_account"}),
    "kubernetes_storage_class_v1": (
        {"metadata", "storage_provisioner"},
        {"reclaim_policy", "volume_binding_mode", "allow_volume_expansion", "parameters", "mount_options"},
    ),
    "helm_release": (
        {"name", "chart"},
        {
            "namespace",
            "repository",
            "version",
            "atomic",
            "cleanup_on_fail",
            "timeout",
            "set",
            "values",
            "create_namespace",
            "wait",
            "max_history",
            "skip_crds",
            "dependency_update",
        },
    ),
}
RESOURCE_META = {"count", "for_each", "depends_on", "lifecycle", "provider", "dynamic"}

# Outputs the pipeline and the docs read from each environment's root module, by component.
CONTRACT_OUTPUTS = {
    None: {"environment", "terraform_role_arn"},
    "web": {"hostname", "site_name"},
    "edge": {"hostname", "worker_name"},
    "platform": {"deploy_role_arn", "cluster_name", "app_namespace", "app_role_arn"},
}

# The environment roots share every file but these.
PER_ENVIRONMENT_FILES = {"backend.tf", "terraform.tfvars"}

# `terraform [-chdir=DIR] output [-raw|-json] NAME`, as a workflow, Makefile or script writes it.
TERRAFORM_OUTPUT = re.compile(
    r"(?:terraform|\$\(TF\))(?:\s+-chdir[= ]\S+)?\s+output\s+(?:-[\w-]+(?:=\S+)?\s+)*([a-z_][a-z0-9_]*)"
)

MONITORING_RELEASES = ("kube-prometheus-stack", "loki", "alloy", "prometheus-blackbox-exporter")

REF_PATTERNS = {
    "var": re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)"),
    "local": re.compile(r"(?<![\w.])local\.([A-Za-z_][\w-]*)"),
    "module": re.compile(r"(?<![\w.])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?"),
    "data": re.compile(r"(?<![\w.])data\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)"),
    "resource": re.compile(
        r"(?<![\w.\"/:-])((?:aws|cloudflare|helm|kubernetes)_[a-z0-9_]+)\.([A-Za-z_][\w-]*)"
    ),
}


def components_of(name: str) -> list[str]:
    return list(MATRIX[name].get("components", COMPONENTS))


def answers_of(name: str) -> dict[str, Any]:
    return MATRIX[name]


@functools.cache
def distinct_trees() -> dict[str, str]:
    """One matrix set per component selection: the .tf text depends on the selection only
    (names and ids land in terraform.tfvars), so checkov runs once per distinct tree."""
    trees: dict[frozenset[str], str] = {}
    for name in MATRIX:
        trees.setdefault(frozenset(components_of(name)), name)
    return {"+".join(sorted(key)): name for key, name in trees.items()}


def expected_modules(components: list[str]) -> set[str]:
    modules = {"github-oidc"}
    if "web" in components or "edge" in components:
        modules.add("cloudflare-zone")
    if "web" in components:
        modules.add("cloudflare-site")
    if "edge" in components:
        modules.add("cloudflare-edge")
    if "platform" in components:
        modules |= {"aws-network", "aws-eks", "cluster-addons"}
    return modules


# --- A small Terraform model, from python-hcl2's parse ---------------------------------------


def unquote(text: Any) -> Any:
    if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def labelled(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """`[{'"name"': body}, ...]` -> `{name: body}`."""
    return {unquote(k): v for block in blocks for k, v in block.items()}


def expressions(value: Any, key: str = "") -> list[str]:
    """Every string in `value` that holds an expression (comments and descriptions excluded)."""
    if key in {"__comments__", "description"}:
        return []
    if isinstance(value, dict):
        keys = [k for k in value if "${" in k]  # object keys can interpolate too
        return keys + [e for k, v in value.items() for e in expressions(v, k)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v, key)]
    if isinstance(value, str) and "${" in value:
        return [value]
    return []


@dataclass
class Module:
    path: Path
    variables: dict[str, bool] = field(default_factory=dict)  # name -> required
    outputs: set[str] = field(default_factory=set)
    locals: dict[str, Any] = field(default_factory=dict)
    resources: set[tuple[str, str]] = field(default_factory=set)
    data: set[tuple[str, str]] = field(default_factory=set)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    required_providers: dict[str, str] = field(default_factory=dict)  # name -> source
    backends: list[dict[str, Any]] = field(default_factory=list)
    bodies: list[Any] = field(default_factory=list)  # everything whose references must resolve
    typed: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (schema key, name, body)


@functools.cache
def load_module(path: Path) -> Module:
    module = Module(path)
    for tf in sorted(path.glob("*.tf")):
        parsed = hcl2.loads(tf.read_text(encoding="utf-8"))
        for name, body in labelled(parsed.get("variable", [])).items():
            module.variables[name] = "default" not in body
            module.bodies.append(body.get("validation", []))
        for name, body in labelled(parsed.get("output", [])).items():
            module.outputs.add(name)
            module.bodies.append(body)
        for block in parsed.get("locals", []):
            items = {k: v for k, v in block.items() if not k.startswith("__")}
            module.locals.update(items)
            module.bodies.append(items)
        for kind, target in (("resource", module.resources), ("data", module.data)):
            for block in parsed.get(kind, []):  # one entry per block: a type may repeat
                for rtype, named in block.items():
                    for rname, body in named.items():
                        target.add((unquote(rtype), unquote(rname)))
                        module.bodies.append(body)
                        prefix = "data." if kind == "data" else ""
                        module.typed.append((prefix + unquote(rtype), unquote(rname), body))
        for name, body in labelled(parsed.get("module", [])).items():
            module.calls[name] = body
            module.bodies.append(body)
        module.bodies += labelled(parsed.get("provider", [])).values()
        for block in parsed.get("terraform", []):
            for providers in block.get("required_providers", []):
                for pname, spec in providers.items():
                    if not pname.startswith("__"):
                        module.required_providers[pname] = unquote(spec["source"])
            module.backends += block.get("backend", [])
    return module


def provider_of(resource_type: str) -> str:
    return resource_type.split("_", 1)[0]


def used_providers(module: Module) -> set[str]:
    return {provider_of(t) for t, _ in module.resources | module.data}


def wiring_problems(module: Module, seen: set[Path] | None = None) -> tuple[list[str], set[str]]:
    """Everything `terraform validate` would reject without provider schemas, in `module` and the
    local modules it calls. Returns the problems and every provider the tree uses."""
    seen = set() if seen is None else seen
    seen.add(module.path)
    where = module.path.name
    problems: list[str] = []
    providers = used_providers(module)
    for provider in providers:
        if provider not in module.required_providers:
            problems.append(f"{where}: uses provider {provider} without declaring it in required_providers")

    callee_outputs: dict[str, set[str] | None] = {}
    for call, body in module.calls.items():
        source = unquote(body["source"])
        args = {k for k in body if not k.startswith("__")} - META_ARGUMENTS
        if source.startswith("./") or source.startswith("../"):
            callee_path = (module.path / source).resolve()
            if not callee_path.is_dir():
                problems.append(f"{where}: module.{call} source {source} does not exist")
                callee_outputs[call] = None
                continue
            callee = load_module(callee_path)
            declared = set(callee.variables)
            required = {v for v, req in callee.variables.items() if req}
            problems += [f"{where}: module.{call} passes undeclared {a}" for a in sorted(args - declared)]
            problems += [f"{where}: module.{call} misses required {r}" for r in sorted(required - args)]
            callee_outputs[call] = callee.outputs
            if callee_path not in seen:
                sub_problems, sub_providers = wiring_problems(callee, seen)
                problems += sub_problems
                providers |= sub_providers
            else:
                providers |= used_providers(callee)
        else:
            key = (source, unquote(body.get("version", "")))
            if key not in REGISTRY_MODULES:
                problems.append(f"{where}: module.{call} uses {key}, whose interface is not transcribed here")
                callee_outputs[call] = None
                continue
            inputs, outputs = REGISTRY_MODULES[key]
            problems += [f"{where}: module.{call} passes unknown input {a}" for a in sorted(args - inputs)]
            callee_outputs[call] = outputs
            providers.add("aws")

    for rtype, rname, body in module.typed:
        if rtype not in SCHEMAS:
            problems.append(f"{where}: {rtype}.{rname}: no schema transcribed for {rtype}")
            continue
        required, optional = SCHEMAS[rtype]
        args = {k for k in body if not k.startswith("__")} - RESOURCE_META
        problems += [
            f"{where}: {rtype}.{rname} has unsupported argument {a}" for a in args - required - optional
        ]
        problems += [f"{where}: {rtype}.{rname} misses required argument {a}" for a in required - args]

    text = "\n".join(expressions(module.bodies))
    for ref in set(REF_PATTERNS["var"].findall(text)) - set(module.variables):
        problems.append(f"{where}: var.{ref} is not declared")
    for ref in set(REF_PATTERNS["local"].findall(text)) - set(module.locals):
        problems.append(f"{where}: local.{ref} is not defined")
    for call, output in set(REF_PATTERNS["module"].findall(text)):
        if call not in module.calls:
            problems.append(f"{where}: module.{call} is not called")
        elif output and callee_outputs.get(call) is not None and output not in callee_outputs[call]:
            problems.append(f"{where}: module.{call}.{output} is not an output of the module")
    for rtype, rname in set(REF_PATTERNS["data"].findall(text)) - module.data:
        problems.append(f"{where}: data.{rtype}.{rname} is not declared")
    for rtype, rname in set(REF_PATTERNS["resource"].findall(text)) - module.resources:
        problems.append(f"{where}: {rtype}.{rname} is not declared")
    return problems, providers


def tfvars(root: Path, env: str) -> dict[str, Any]:
    parsed = hcl2.loads((root / "infra" / "environments" / env / "terraform.tfvars").read_text())
    return {k: unquote(v) for k, v in parsed.items() if not k.startswith("__")}


def answer(name: str, key: str) -> str:
    """An answer as copier resolves it (the matrix leaves defaults out)."""
    return str(answers_of(name).get(key, ""))


# --- Tests -----------------------------------------------------------------------------------


def test_distinct_trees_cover_every_component_and_the_full_selection():
    trees = distinct_trees()
    assert len(trees) >= 5
    assert "+".join(sorted(COMPONENTS)) in trees
    for component in COMPONENTS:
        assert any(component in key.split("+") for key in trees)


@pytest.mark.parametrize("name", MATRIX)
def test_only_the_modules_of_the_selected_components_render(name: str, render_set):
    root = render_set(name)
    modules = {p.name for p in (root / "infra" / "modules").iterdir() if p.is_dir()}
    assert modules == expected_modules(components_of(name))
    for env in ENVIRONMENTS:
        files = {p.name for p in (root / "infra" / "environments" / env).iterdir()}
        assert {"main.tf", "backend.tf", "terraform.tfvars", "environment.tf", "outputs.tf"} <= files
    assert (root / "infra" / "bootstrap" / "state.tf").is_file()
    assert (root / "make" / "infra.mk").is_file()
    assert (root / ".tflint.hcl").is_file()


@pytest.mark.parametrize("name", MATRIX)
def test_wiring_resolves_like_terraform_validate(name: str, render_set):
    root = render_set(name)
    problems: list[str] = []
    for env in ENVIRONMENTS:
        env_root = load_module((root / "infra" / "environments" / env).resolve())
        env_problems, providers = wiring_problems(env_root)
        problems += [f"{env}/{p}" for p in env_problems]
        # A provider a child module uses must be declared in the root too, or Terraform
        # resolves it to hashicorp/<name> (wrong for cloudflare) and installs no lock entry.
        problems += [
            f"{env}: root does not declare provider {p} its modules use"
            for p in sorted(providers - set(env_root.required_providers))
        ]
    bootstrap_problems, _ = wiring_problems(load_module((root / "infra" / "bootstrap").resolve()))
    problems += [f"bootstrap/{p}" for p in bootstrap_problems]
    assert problems == []


@pytest.mark.parametrize("name", MATRIX)
def test_every_profile_defines_what_the_root_reads(name: str, render_set):
    """Staging and production differ in one place, environment.tf's profiles: both define every key."""
    root = render_set(name)
    env_root = load_module((root / "infra" / "environments" / "staging").resolve())
    profiles = env_root.locals["profiles"]
    assert set(profiles) == set(ENVIRONMENTS)
    used = set(re.findall(r"local\.profile\.(\w+)", "\n".join(expressions(env_root.bodies))))
    assert used, "the root reads nothing from its profile"
    for env in ENVIRONMENTS:
        assert used <= set(profiles[env]), f"{env} profile misses {used - set(profiles[env])}"
        assert set(profiles[env]) <= used, f"{env} profile has unused keys {set(profiles[env]) - used}"
    if "platform" in components_of(name):
        assert profiles["production"]["deletion_protection"] is True
        assert profiles["staging"]["deletion_protection"] is False
        assert profiles["production"]["nat_gateway_per_az"] is True
        assert profiles["production"]["node_min_size"] >= 3  # one node per AZ survives an AZ loss


@pytest.mark.parametrize("name", MATRIX)
def test_environment_roots_share_everything_but_backend_and_tfvars(name: str, render_set):
    root = render_set(name)
    staging, production = (root / "infra" / "environments" / env for env in ENVIRONMENTS)
    assert {p.name for p in staging.iterdir()} == {p.name for p in production.iterdir()}
    for path in staging.iterdir():
        if path.name not in PER_ENVIRONMENT_FILES:
            assert path.read_bytes() == (production / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", MATRIX)
def test_backend_is_s3_with_native_locking(name: str, render_set):
    root = render_set(name)
    context = computed({"components": components_of(name), **_resolved_answers(root)})
    for record in context["environments"]:
        env_root = load_module((root / "infra" / "environments" / record["name"]).resolve())
        (backend,) = env_root.backends
        settings = {k: unquote(v) for k, v in labelled([backend])["s3"].items() if not k.startswith("__")}
        assert settings == {
            "bucket": context["state_bucket"],
            "key": record["state_key"],
            "region": _resolved_answers(root)["aws_region"],
            "encrypt": True,
            "use_lockfile": True,
        }


def _resolved_answers(root: Path) -> dict[str, Any]:
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
    return {k: v for k, v in answers.items() if not k.startswith("_")}


@pytest.mark.parametrize("name", MATRIX)
def test_tfvars_set_every_required_variable_or_name_the_missing_id(name: str, render_set):
    root = render_set(name)
    answers = _resolved_answers(root)
    for env in ENVIRONMENTS:
        env_dir = root / "infra" / "environments" / env
        module = load_module(env_dir.resolve())
        values = tfvars(root, env)
        assert set(values) <= set(module.variables), f"{env}: tfvars sets undeclared variables"
        assert values["environment"] == env
        unset = {v for v, required in module.variables.items() if required} - set(values)
        for variable in unset:
            assert variable in FILL_IN_LATER, f"{env}: required variable {variable} is not set"
            assert not answers.get(FILL_IN_LATER[variable].format(env=env)), f"{env}: {variable} was answered"
            # The file says what to fill in, next to a commented example.
            assert f"# {variable} = " in (env_dir / "terraform.tfvars").read_text()
        for variable, key in FILL_IN_LATER.items():
            given = answers.get(key.format(env=env))
            if given and variable in module.variables:
                assert values[variable] == given


@pytest.mark.parametrize("name", MATRIX)
def test_outputs_ci_reads_exist(name: str, render_set):
    root = render_set(name)
    components = components_of(name)
    expected = set(CONTRACT_OUTPUTS[None])
    for component in components:
        expected |= CONTRACT_OUTPUTS.get(component, set())
    outputs = load_module((root / "infra" / "environments" / "staging").resolve()).outputs
    assert expected <= outputs
    # Whatever the generated workflows and Makefiles read with `terraform output` must exist.
    readers = [root / rel for rel in project_files(root) if rel.suffix in {".yml", ".yaml", ".mk", ".sh"}]
    read = set()
    for path in readers:
        read |= set(TERRAFORM_OUTPUT.findall(path.read_text()))
    assert read <= outputs, f"outputs read but not defined: {read - outputs}"


@pytest.mark.parametrize("name", MATRIX)
def test_no_secret_is_a_variable_or_in_a_provider_block(name: str, render_set):
    root = render_set(name)
    for path in (root / "infra").rglob("*.tf"):
        text = path.read_text()
        assert not re.search(r'variable\s+"[^"]*(token|secret|password)[^"]*"', text, re.I), path
        assert "api_token" not in text, path
    if {"web", "edge"} & set(components_of(name)):
        providers = (root / "infra" / "environments" / "staging" / "providers.tf").read_text()
        assert 'provider "cloudflare" {}' in providers  # token from CLOUDFLARE_API_TOKEN only


@pytest.mark.parametrize(
    "name", [n for n in MATRIX if {"platform", "observability"} <= set(components_of(n))]
)
def test_monitoring_values_files_exist_for_the_observability_component(name: str, render_set):
    """Tied to the observability component, which owns observability/cluster/: the add-ons module
    reads <release>.values.yaml and <release>.<env>.values.yaml for each monitoring release."""
    if not (ROOT / "template" / "observability").is_dir():
        pytest.skip("the observability component is not in this tree yet")
    values_dir = render_set(name) / "observability" / "cluster"
    missing = [
        f"{release}{suffix}.values.yaml"
        for release in MONITORING_RELEASES
        for suffix in ("", *(f".{env}" for env in ENVIRONMENTS))
        if not (values_dir / f"{release}{suffix}.values.yaml").is_file()
    ]
    assert missing == []


@pytest.mark.parametrize("name", MATRIX)
def test_terraform_fmt_is_clean(name: str, render_set):
    """Every set, not one per tree: the tfvars' alignment depends on which ids were answered."""
    terraform = require("terraform", "formats and checks the generated Terraform")
    root = render_set(name)
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", "infra"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("tree", distinct_trees())
def test_checkov_finds_nothing_and_every_skip_says_why(tree: str, render_set):
    checkov = require("checkov", "scans the generated Terraform")
    root = render_set(distinct_trees()[tree])
    result = subprocess.run(
        [checkov, "-d", "infra", "--framework", "terraform", "--skip-download", "-o", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    summary = report["summary"]
    results = report["results"]
    failed = [f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in results["failed_checks"]]
    assert failed == []
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 0
    for check in results["skipped_checks"]:
        reason = check["check_result"].get("suppress_comment", "")
        assert len(reason.split()) >= 8, f"{check['check_id']} on {check['resource']}: skip reason too thin"
    # Every inline skip names a check and gives a reason (checkov alone accepts a bare skip).
    for path in (root / "infra").rglob("*.tf"):
        for skip in re.findall(r"#checkov:skip=(.*)", path.read_text()):
            assert re.fullmatch(r"CKV2?_[A-Z0-9]+_\d+:.{30,}", skip), f"{path.name}: {skip}"


@pytest.mark.parametrize("name", MATRIX)
def test_infra_files_end_cleanly(name: str, render_set):
    """The generated project's pre-commit (end-of-file-fixer, trailing-whitespace) finds nothing."""
    root = render_set(name)
    for path in [*(root / "infra").rglob("*"), root / ".tflint.hcl", root / "make" / "infra.mk"]:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert text.endswith("\n"), path
            assert not text.endswith("\n\n"), path
            assert not re.search(r"[ \t]+$", text, re.M), path


@pytest.mark.parametrize("name", MATRIX)
def test_bootstrap_tfvars_follow_the_account_answers(name: str, render_set):
    root = render_set(name)
    answers = _resolved_answers(root)
    staging_id, production_id = answers["aws_account_id_staging"], answers["aws_account_id_production"]
    bootstrap = root / "infra" / "bootstrap"
    production = hcl2.loads((bootstrap / "production.tfvars").read_text())
    staging = hcl2.loads((bootstrap / "staging.tfvars").read_text())
    assert production["create_state_bucket"] is True
    assert staging["create_state_bucket"] is False
    assert unquote(production["state_bucket"]) == f"{answers['project_slug']}-tfstate"
    for values, given in ((production, production_id), (staging, staging_id)):
        assert unquote(values.get("aws_account_id", "")) == given
    if staging_id and staging_id != production_id:
        assert {unquote(k): unquote(v) for k, v in production["state_access"].items()} == {
            staging_id: "staging/"
        }
    else:
        assert "state_access" not in production
    variables = load_module(bootstrap.resolve()).variables
    for values in (production, staging):
        assert {k for k in values if not k.startswith("__")} <= set(variables)


def _make(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    make = require("make", "runs the generated project's targets")
    return subprocess.run([make, "-C", str(root), *args], capture_output=True, text=True, check=False)


def test_make_targets_guard_their_environment_and_plan(render_set, tmp_path: Path):
    """make/infra.mk is the same for every selection: one project is enough."""
    root = tmp_path / "project"
    shutil.copytree(render_set("minimal"), root)
    listed = _make(root, "help").stdout
    for target in ("fmt", "infra-check", "infra-lock", "plan", "apply"):
        assert re.search(rf"^\s+{target}\s+\S", listed, re.M), target

    wrong = _make(root, "plan", "ENV=prod")
    assert wrong.returncode != 0
    assert "ENV must be one of: staging production" in wrong.stderr
    no_plan = _make(root, "apply", "ENV=staging")
    assert no_plan.returncode != 0
    assert "no saved plan" in no_plan.stderr

    # The environment roots must stay identical but for backend.tf and terraform.tfvars.
    production_main = root / "infra" / "environments" / "production" / "main.tf"
    production_main.write_text(production_main.read_text() + "# drift\n")
    drift = _make(root, "infra-check", "TF=true")  # skip terraform itself: the diff comes first
    assert drift.returncode != 0
    assert "main.tf differ" in drift.stderr


def test_make_fmt_formats_and_offline_infra_check_passes(render_set, tmp_path: Path):
    require("terraform", "formats the generated Terraform")
    root = tmp_path / "project"
    shutil.copytree(render_set("default"), root)
    offline = _make(root, "infra-check", "TF_VALIDATE=false")
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert "terraform init/validate skipped" in offline.stdout
    outputs = root / "infra" / "modules" / "github-oidc" / "outputs.tf"
    tidy = outputs.read_text()
    outputs.write_text(tidy.replace("  value       =", "  value =", 1))
    assert _make(root, "fmt").returncode == 0
    assert outputs.read_text() == tidy


@pytest.mark.parametrize("tree", distinct_trees())
def test_modules_document_every_input_and_output(tree: str, render_set):
    """terraform-aws-modules style: a README listing the interface, and a description on each
    variable and output (what tflint's documented_* rules check in the project's CI)."""
    root = render_set(distinct_trees()[tree])
    undocumented = []
    for module_dir in sorted((root / "infra" / "modules").iterdir()):
        readme = (module_dir / "README.md").read_text()
        module = load_module(module_dir.resolve())
        for name in [*module.variables, *module.outputs]:
            if f"`{name}`" not in readme:
                undocumented.append(f"{module_dir.name}/README.md: {name}")
    for tf in (root / "infra").rglob("*.tf"):
        parsed = hcl2.loads(tf.read_text())
        for kind in ("variable", "output"):
            for name, body in labelled(parsed.get(kind, [])).items():
                if not unquote(body.get("description", "")).strip():
                    undocumented.append(f"{tf.relative_to(root)}: {kind} {name} has no description")
    assert undocumented == []
