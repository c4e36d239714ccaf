"""Values computed from the answers, shared by every template file.

Templates read names from here instead of rebuilding them, so a cluster, namespace or
hostname is spelled once. Stdlib, jinja2 and copier-template-extensions only: copier runs it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from copier_template_extensions import ContextHook

ENVIRONMENTS = ("staging", "production")

# The paths each component owns in the generated project. copier.yml excludes the paths of
# every unselected component, so nothing of it is rendered. Keep each component's files
# under these paths.
COMPONENT_PATHS: dict[str, list[str]] = {
    "web": [
        "apps/web",
        "make/web.mk",
        "infra/modules/cloudflare-site",
    ],
    "edge": [
        "apps/edge",
        "make/edge.mk",
        "infra/modules/cloudflare-edge",
    ],
    "platform": [
        "infra/modules/aws-network",
        "infra/modules/aws-eks",
        "infra/modules/cluster-addons",
        "services",
        "deploy",
        "make/platform.mk",
    ],
    "observability": [
        "observability",
        "make/observability.mk",
        "docs/runbooks/alerts",
    ],
}


def slugify(text: str) -> str:
    """A DNS-label-safe slug: ascii, lowercase, single hyphens, at most 30 characters."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:30].rstrip("-")
    if not slug or not slug[0].isalpha():
        slug = f"p-{slug}".rstrip("-")[:30]
    return slug


def fullmatch(value: Any, pattern: str) -> bool:
    """True when the whole of `value` matches `pattern` (validators use it)."""
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def environments(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """One record per environment: every name that differs between staging and production."""
    slug, domain = answers["project_slug"], answers["domain"]
    records = []
    for name in ENVIRONMENTS:
        hostname = domain if name == "production" else f"{name}.{domain}"
        account = answers.get(f"aws_account_id_{name}", "")
        records.append(
            {
                "name": name,
                "is_production": name == "production",
                "hostname": hostname,
                "url": f"https://{hostname}",
                "api_url": f"https://{hostname}/api",
                # The EKS service's own host name (the ALB's; DNS points it at the Ingress).
                "service_hostname": f"api.{hostname}",
                # the service's ECR repository: one per environment, so two environments in one
                # account never share (or overwrite) an immutable tag
                "image_repository": f"{slug}/{name}/api",
                "aws_account_id": account,
                "cluster_name": f"{slug}-{name}",
                "namespace": slug,
                "worker_name": f"{slug}-edge-{name}",
                # Cloudflare names Terraform creates (with the routes) and the site/Worker configs bind to.
                "site_name": f"{slug}-web-{name}",
                "contact_queue": f"{slug}-contact-{name}",
                "contact_dead_letter_queue": f"{slug}-contact-{name}-dlq",  # the consumer matches "-dlq"
                "state_key": f"{name}/terraform.tfstate",
            }
        )
    return records


def latency_le(seconds: float) -> str:
    """The `le` label regex for the bucket at `seconds`, escaped for a PromQL string literal.

    prometheus_client writes whole numbers as "1.0"; Prometheus 3 normalises them to "1" on
    ingestion, so a whole number matches both spellings.
    """
    text = f"{seconds:g}" if seconds != int(seconds) else str(int(seconds))
    escaped = text.replace(".", "\\\\.")
    return f"{escaped}(\\\\.0)?" if seconds == int(seconds) else escaped


def slos(answers: dict[str, Any]) -> list[dict[str, str]]:
    """The service level objectives of the selected components, one record per SLI.

    `error_ratio` is the PromQL of the fraction of bad events over `WINDOW` (templates replace it
    with each burn-rate window), so recording rules, alerts and dashboards share one definition.
    """
    components = list(answers.get("components") or [])
    slug = answers.get("project_slug", "")
    seconds = int(answers.get("slo_latency_ms", 300)) / 1000
    # probes and scrapes are not users: their routes stay out of the API's SLIs
    api = f'job="api",namespace="{slug}",route!~"/healthz|/readyz|/metrics"'
    records = []
    if "platform" in components:
        records += [
            {
                "name": "api-availability",
                "service": "api",
                "alert": "ApiAvailabilityBudgetBurn",
                "sli": "share of API requests answered without a 5xx",
                "error_ratio": f'sum(rate(http_requests_total{{{api},status=~"5.."}}[WINDOW]))'
                f" / sum(rate(http_requests_total{{{api}}}[WINDOW]))",
            },
            {
                "name": "api-latency",
                "service": "api",
                "alert": "ApiLatencyBudgetBurn",
                "sli": f"share of API requests answered within {seconds:g}s",
                "error_ratio": f"1 - sum(rate(http_request_duration_seconds_bucket"
                f'{{{api},le=~"{latency_le(seconds)}"}}[WINDOW]))'
                f" / sum(rate(http_request_duration_seconds_count{{{api}}}[WINDOW]))",
            },
        ]
    if "edge" in components:
        records += [
            {
                "name": "edge-availability",
                "service": "edge",
                "alert": "EdgeAvailabilityBudgetBurn",
                "sli": "share of synthetic probes of the edge API health check that succeed",
                "error_ratio": '1 - avg(avg_over_time(probe_success{probe="edge"}[WINDOW]))',
            },
            {
                "name": "edge-latency",
                "service": "edge",
                "alert": "EdgeLatencyBudgetBurn",
                "sli": f"share of synthetic probes of the edge API that succeed within {seconds:g}s",
                "error_ratio": '1 - avg(avg_over_time(probe:fast_success:bool{probe="edge"}[WINDOW]))',
            },
        ]
    if "web" in components:
        records.append(
            {
                "name": "site-availability",
                "service": "site",
                "alert": "SiteAvailabilityBudgetBurn",
                "sli": "share of synthetic probes of the home page that succeed",
                "error_ratio": '1 - avg(avg_over_time(probe_success{probe="site"}[WINDOW]))',
            }
        )
    for record in records:
        record["runbook"] = kebab(record["alert"])
    return records


def kebab(name: str) -> str:
    """`ApiAvailabilityBudgetBurn` -> `api-availability-budget-burn` (runbook file names)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def computed(answers: dict[str, Any]) -> dict[str, Any]:
    """Everything templates derive from the answers, computed in one place."""
    components = list(answers.get("components") or [])
    slo = float(answers.get("slo_availability", 99.9))
    latency_seconds = int(answers.get("slo_latency_ms", 300)) / 1000
    owner, _, repo = str(answers.get("github_repository", "")).partition("/")
    return {
        "component_paths": COMPONENT_PATHS,
        "has_web": "web" in components,
        "has_edge": "edge" in components,
        "has_platform": "platform" in components,
        "has_observability": "observability" in components,
        "environments": environments(answers) if {"project_slug", "domain"} <= answers.keys() else [],
        "site_url": f"https://{answers.get('domain', '')}",
        "github_owner": owner,
        "github_repo": repo,
        "state_bucket": f"{answers.get('project_slug', '')}-tfstate",
        "slo_error_budget": round(1 - slo / 100, 6),
        "slo_latency_seconds": latency_seconds,
        "slos": slos(answers),
        "labels": {
            "app.kubernetes.io/part-of": answers.get("project_slug", ""),
            "app.kubernetes.io/managed-by": "groundwork",
        },
    }


class GroundworkContext(ContextHook):
    """Adds the computed values and the validators' filters to copier's Jinja environment."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update({"slugify": slugify, "fullmatch": fullmatch})
        environment.globals["component_paths"] = COMPONENT_PATHS

    def hook(self, context: dict[str, Any]) -> None:
        context.update(computed(context))
