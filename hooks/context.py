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
    "web": [],
    "edge": [],
    "platform": ["services", "deploy", "make/platform.mk"],
    "observability": [],
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
                "aws_account_id": account,
                "cluster_name": f"{slug}-{name}",
                "namespace": slug,
                "worker_name": f"{slug}-edge-{name}",
                "state_key": f"{name}/terraform.tfstate",
            }
        )
    return records


def computed(answers: dict[str, Any]) -> dict[str, Any]:
    """Everything templates derive from the answers, computed in one place."""
    components = list(answers.get("components") or [])
    slo = float(answers.get("slo_availability", 99.9))
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
