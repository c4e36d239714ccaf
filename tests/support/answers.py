"""The answer sets the render matrix is built from: generated, never hand-listed."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from allpairspy import AllPairs

COMPONENTS = ("web", "edge", "platform", "observability")

# Text that breaks naive quoting in every format the template writes.
HOSTILE = 'Ünïcødé "Quote\'s" key: value # not-a-comment ${var} %{x} `tick` $(id) \\back\\slash & <b> 🚀'
HOSTILE_MULTILINE = HOSTILE + "\nsecond line: with colon\n- looks like a list\n\ttabbed ]}"

FILLED_IDS = {
    "cloudflare_account_id": "0123456789abcdef0123456789abcdef",
    "aws_account_id_staging": "111111111111",
    "aws_account_id_production": "222222222222",
}


def components_valid(components: list[str]) -> bool:
    return bool(components) and components != ["observability"]


def _name(answers: dict[str, Any]) -> str:
    parts = ["+".join(answers["components"])]
    if "web" in answers["components"]:
        parts.append(answers["web_hosting"])
    parts.append("ids" if "aws_account_id_staging" in answers else "noids")
    return "-".join(parts)


def pairwise() -> dict[str, dict[str, Any]]:
    """A pairwise-covering set over every option that changes what is rendered."""
    factors = [[True, False]] * len(COMPONENTS) + [["pages", "workers"], [True, False]]

    def valid(row: list[Any]) -> bool:
        if len(row) < len(COMPONENTS):
            return True
        return components_valid([c for c, on in zip(COMPONENTS, row, strict=False) if on])

    sets = {}
    for row in AllPairs(factors, filter_func=valid):
        answers: dict[str, Any] = {"components": [c for c, on in zip(COMPONENTS, row, strict=False) if on]}
        answers["web_hosting"] = row[len(COMPONENTS)]
        if row[len(COMPONENTS) + 1]:
            answers.update(FILLED_IDS)
        sets[f"pair-{_name(answers)}"] = answers
    return sets


def alone() -> dict[str, dict[str, Any]]:
    """Each component on its own (observability with the smallest thing it can watch)."""
    sets = {}
    for component in COMPONENTS:
        chosen = [component] if components_valid([component]) else ["web", component]
        sets[f"alone-{component}"] = {"components": chosen}
    return sets


def hostile() -> dict[str, Any]:
    return {
        "project_name": HOSTILE[:80],
        "client_name": HOSTILE[:80],
        "agency_name": "Agence « Ça: marche » ${oops}",
        "tech_lead": 'Zoë O\'Brien-Łukasz: "ZB"',
        "description": HOSTILE_MULTILINE,
        **FILLED_IDS,
    }


def matrix() -> dict[str, dict[str, Any]]:
    """Every answer set the render tests and the static validators run over."""
    sets: dict[str, dict[str, Any]] = {"default": {}, "minimal": {"components": ["web"]}}
    sets.update(alone())
    sets.update(pairwise())
    sets["hostile"] = hostile()
    sets["long-values"] = {
        "project_name": "N" * 80,
        "project_slug": "a" + "b" * 28 + "c",
        "description": "D" * 500,
        "domain": ("sub." * 20) + "example.org",
    }
    return sets


def with_component(component: str) -> list[str]:
    """Names of the matrix's answer sets that select `component` (default answers select all)."""
    return [n for n, a in matrix().items() if component in a.get("components", COMPONENTS)]


def all_component_subsets() -> list[list[str]]:
    """Every valid combination of components (for exhaustive, cheap checks)."""
    subsets = []
    for size in range(1, len(COMPONENTS) + 1):
        subsets += [list(c) for c in combinations(COMPONENTS, size) if components_valid(list(c))]
    return subsets
