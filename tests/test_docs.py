"""The generated project's documentation, and the template's own.

For every answer set: the docs build with `mkdocs build --strict` (broken links and anchors are
errors), links in the markdown outside docs/ resolve, no page carries placeholder text or
mentions a component that was not selected, Mermaid blocks are well-formed, the Backstage
catalog is consistent, and every `make` target the docs tell people to run is a real one.
Mermaid has no offline validator here: `test_mermaid_blocks_are_well_formed` is a focused
structural check instead.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from functools import cache
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import slugify
from support.answers import COMPONENTS, HOSTILE, HOSTILE_MULTILINE, all_component_subsets, matrix
from support.render import ROOT, render
from support.tools import require

from hooks.quoting import to_md

MATRIX = matrix()
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# Pages every project has; the rest depend on the components.
BASE_PAGES = {
    "index.md",
    "architecture.md",
    "environments.md",
    "deployment.md",
    "capacity.md",
    "onboarding.md",
    "handover.md",
    "security.md",
    "runbooks/index.md",
    "runbooks/site-down.md",
    "runbooks/elevated-5xx.md",
    "runbooks/deploy-failed.md",
    "runbooks/certificate-expiring.md",
    "runbooks/cost-spike.md",
    "adr/index.md",
    "adr/0001-record-architecture-decisions.md",
    "adr/0002-terraform-for-all-infrastructure.md",
    "adr/0003-github-actions-with-oidc.md",
}
COMPONENT_PAGES = {
    "web": {"adr/0005-static-astro-site.md"},
    "edge": {"adr/0006-api-on-cloudflare-workers.md"},
    "platform": {"adr/0007-service-on-eks-with-helm.md"},
    "observability": {"observability.md", "adr/0008-prometheus-grafana-loki.md"},
}
CLOUDFLARE_PAGES = {"adr/0004-cloudflare-at-the-edge.md"}
# Folders the docs checks never read, left out of their renders to keep them fast. (Negated
# patterns would re-include what an unselected component excludes, so none are used.)
NOT_DOCS = ["apps", "services", "deploy", "infra", "observability", ".github"]

# Make targets the docs may send people to, by the component that owns them (the briefing's
# contracts; `dev` is the local environment's, `load-test` this component's make/capacity.mk).
CONTRACT_TARGETS = {
    "web": {"web-check", "web-build", "web-test", "web-deploy"},
    "edge": {"edge-check", "edge-test", "edge-build", "edge-deploy", "edge-rollback"},
    "platform": {
        "api-lint",
        "api-test",
        "api-image",
        "chart-lint",
        "chart-render",
        "platform-deploy",
        "platform-rollback",
    },
    "observability": {"observability-check", "dev-observability"},
    "infra": {"fmt", "infra-check", "plan", "apply"},
    "base": {"help", "setup", "check", "lint", "docs", "test", "doctor", "smoke", "dev", "load-test"},
}
# Where each owner's targets are defined in the generated project.
TARGET_FILES = {
    "web": "make/web.mk",
    "edge": "make/edge.mk",
    "platform": "make/platform.mk",
    "observability": "make/observability.mk",
    "infra": "make/infra.mk",
}

PLACEHOLDER = re.compile(
    r"\b(TODO|TBD|FIXME|XXX)\b|lorem|ipsum|CHANGE_?ME|REPLACE_?ME|<your[ _-]|your-domain|INSERT ",
    re.IGNORECASE,
)
EXAMPLE_DOMAIN = re.compile(r"example\.(com|org|net)", re.IGNORECASE)


# --- helpers ------------------------------------------------------------------------------


def answers_of(root: Path) -> dict[str, Any]:
    return yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))


def selected(root: Path) -> set[str]:
    return set(answers_of(root)["components"])


def doc_pages(root: Path) -> set[str]:
    docs = root / "docs"
    return {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}


def prose_files(root: Path) -> list[Path]:
    """Every file a reader sees as documentation: the docs site and the markdown around it."""
    extra = ["README.md", "SECURITY.md", "mkdocs.yml", "catalog-info.yaml"]
    return sorted((root / "docs").rglob("*.md")) + [root / n for n in extra if (root / n).exists()]


def docs_tree_key(root: Path) -> str:
    digest = hashlib.sha256((root / "mkdocs.yml").read_bytes())
    for path in sorted((root / "docs").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


_BUILDS: dict[str, tuple[int, str, Path]] = {}


def build_docs(root: Path) -> tuple[int, str, Path]:
    """`mkdocs build --strict` once per distinct docs tree: (exit code, output, site folder)."""
    key = docs_tree_key(root)
    if key not in _BUILDS:
        # Next to the project, not in it: other tests compare the rendered tree file by file.
        site = root.parent / f"site-{key[:12]}"
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
            cwd=root,
            capture_output=True,
            text=True,
            env=MKDOCS_ENV,
            check=False,
        )
        _BUILDS[key] = (result.returncode, result.stdout + result.stderr, site)
    return _BUILDS[key]


def strip_code(text: str) -> str:
    """Markdown without fenced code blocks (headings and links inside them are not real)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


@cache
def anchors_of(path: Path) -> set[str]:
    """The anchors mkdocs' toc extension gives the headings of a markdown file."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*$", strip_code(path.read_text(encoding="utf-8")), re.M)
    return {slugify(html.unescape(re.sub(r"[`*_]", "", h)), "-") for h in headings}


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def broken_links(root: Path, path: Path) -> list[str]:
    """Relative links (and their anchors) of a markdown file that do not resolve."""
    broken = []
    for target in LINK.findall(strip_code(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists() or root.resolve() not in (dest, *dest.parents):
            broken.append(f"{path.relative_to(root)}: {target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors_of(dest):
            broken.append(f"{path.relative_to(root)}: {target} (no such anchor)")
    return broken


def forbidden_terms(root: Path) -> dict[str, re.Pattern[str]]:
    """Words that may only appear when a component (or Cloudflare at all) is part of the project."""
    answers = answers_of(root)
    chosen = set(answers["components"])
    slug = re.escape(answers["project_slug"])
    workers_hosting = "web" in chosen and answers.get("web_hosting") == "workers"
    terms = {
        "web": [
            r"Astro",
            r"apps/web",
            r"\bweb-(check|build|test|deploy)\b",
            r"Cloudflare Pages",
            r"static assets",
        ],
        "edge": [
            r"apps/edge",
            r"\bedge-(check|test|build|deploy|rollback)\b",
            r"/api/(health|contact|\*)",
            r"API Worker",
            r"\bQueues?\b",
            r"dead-letter",
            r"wrangler (tail|secret)",
            r"workerd",
            r"\.dev\.vars",
            rf"{slug}-edge-",
        ],
        "platform": [
            r"\bEKS\b",
            r"Kubernetes",
            r"kubectl",
            r"\b[Hh]elm\b",
            r"services/api",
            r"deploy/(charts|environments)",
            r"\bplatform-(deploy|rollback)\b",
            r"\b(api-lint|api-test|api-image|chart-lint|chart-render)\b",
            r"HorizontalPodAutoscaler|\bHPA\b|PodDisruptionBudget|NetworkPolic",
            r"\b[Pp]ods?\b",
            r"[Nn]ode group",
            r"(?<!no )(?<!no\n)\b[Cc]lusters?\b",  # "this project has no cluster" is fine
            r"FastAPI|uvicorn|/healthz|/readyz",
            r"Ingress|Load Balancer Controller",
            r"containeri[sz]ed|container image",
            rf"{slug}-(staging|production)\b",
        ],
        "observability": [
            r"Prometheus",
            r"Grafana",
            r"\bLoki\b",
            r"Alertmanager",
            r"promtool|amtool",
            r"[Bb]lackbox",
            r"observability/|observability\.md|observability-check|dev-observability",
            r"\bAlloy\b",
            r"probe_success|runbook_url",
        ],
    }
    patterns = {c: re.compile("|".join(t)) for c, t in terms.items() if c not in chosen}
    if not chosen & {"web", "edge"}:
        patterns["cloudflare"] = re.compile(r"Cloudflare|wrangler|\bWorkers?\b")
    elif "edge" not in chosen and not workers_hosting:
        # "Workers static assets" is a hosting option of the site, "Workers & Pages" a dashboard menu.
        patterns["worker"] = re.compile(r"wrangler|\bWorkers?\b(?! & Pages| static assets)")
    return patterns


def unselected_mentions(root: Path) -> list[str]:
    """`component: file:line: 'word'` for every word of an unselected component in the docs."""
    found = []
    for component, pattern in forbidden_terms(root).items():
        for path in prose_files(root):
            text = path.read_text(encoding="utf-8")
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{component}: {path.relative_to(root)}:{line}: {match.group(0)!r}")
    return found


def mentioned_targets(markdown_text: str) -> set[str]:
    """Make targets named in code (inline spans and blocks): `make a b ENV=x` names a and b."""
    code = re.findall(r"^```[a-z]*\n(.*?)^```", markdown_text, re.M | re.S)
    code += re.findall(r"`([^`\n]+)`", strip_code(markdown_text))
    targets = set()
    for snippet in code:
        snippet = re.sub(r"#.*$", "", snippet, flags=re.M)  # shell comments are prose
        for words in re.findall(r"(?:^|[\s;&|(])make((?:[ \t]+[a-z][a-z0-9-]*(?=\s|$))+)", snippet, re.M):
            targets.update(words.split())
    return targets


def defined_targets(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return set(re.findall(r"^([a-zA-Z0-9_.-]+):", path.read_text(encoding="utf-8"), re.MULTILINE))


class _Text(HTMLParser):
    """Collects the text and the element names of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_text(fragment: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.text), parser.tags


def page_heading(site: Path, page: str) -> str:
    source = (site / page).read_text(encoding="utf-8")
    match = re.search(r"<h1[^>]*>(.*?)</h1>", source, re.DOTALL)
    assert match, f"{page} has no h1"
    text, _ = html_text(match.group(1))
    return text.rstrip("¶").strip()


# --- the generated project's docs, for every answer set -----------------------------------


@pytest.mark.parametrize("name", MATRIX)
def test_docs_build_strict_with_the_expected_pages(name: str, render_set):
    root = render_set(name)
    code, output, site = build_docs(root)
    assert code == 0, output[-3000:]
    assert "WARNING" not in output, output[-3000:]

    chosen = selected(root)
    expected = set(BASE_PAGES)
    for component in chosen:
        expected |= COMPONENT_PAGES[component]
    if chosen & {"web", "edge"}:
        expected |= CLOUDFLARE_PAGES
    pages = doc_pages(root)
    # Other components add pages (one runbook per alert); every page here must be built.
    assert expected <= pages
    assert not {p for c in set(COMPONENTS) - chosen for p in COMPONENT_PAGES[c]} & pages
    for page in pages:
        built = (
            page.removesuffix("index.md") + "index.html"
            if page.endswith("index.md")
            else page[:-3] + "/index.html"
        )
        assert (site / built).is_file(), f"{page} was not built"


@pytest.mark.parametrize("name", MATRIX)
def test_links_outside_docs_resolve(name: str, render_set):
    root = render_set(name)
    broken = [b for n in ("README.md", "SECURITY.md") for b in broken_links(root, root / n)]
    assert broken == []


@pytest.mark.parametrize("name", MATRIX)
def test_no_placeholder_text(name: str, render_set):
    root = render_set(name)
    answers = answers_of(root)
    found = []
    for path in prose_files(root):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(root)}: {m.group(0)!r}" for m in PLACEHOLDER.finditer(text)]
        # "example.com" is fine only as part of an answer (the default domain is <slug>.example.com).
        for answer in sorted((answers["domain"], answers["alert_email"]), key=len, reverse=True):
            text = text.replace(answer, "")
        found += [f"{path.relative_to(root)}: {m.group(0)!r}" for m in EXAMPLE_DOMAIN.finditer(text)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("name", MATRIX)
def test_no_page_mentions_an_unselected_component(name: str, render_set):
    found = unselected_mentions(render_set(name))
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("name", MATRIX)
def test_docs_send_people_only_to_real_make_targets(name: str, render_set):
    root = render_set(name)
    chosen = selected(root)
    allowed = {t for owner, ts in CONTRACT_TARGETS.items() if owner in chosen | {"base", "infra"} for t in ts}
    mentioned = set()
    for path in prose_files(root):
        mentioned |= mentioned_targets(path.read_text(encoding="utf-8"))
    assert mentioned, "the docs name no make target at all"
    assert mentioned - allowed == set()
    # Where the owner's make file is rendered, its targets must be defined there.
    for owner, file in TARGET_FILES.items():
        defined = defined_targets(root / file)
        if defined:
            assert (mentioned & CONTRACT_TARGETS[owner]) - defined == set(), file
    base = defined_targets(root / "Makefile") | {
        t for f in (root / "make").glob("*.mk") for t in defined_targets(f)
    }
    assert {"help", "setup", "check", "lint", "docs", "test", "doctor", "load-test"} <= base


@pytest.mark.parametrize("name", MATRIX)
def test_mermaid_blocks_are_well_formed(name: str, render_set):
    """No offline Mermaid parser exists: check the flowchart grammar the docs use."""
    root = render_set(name)
    statement = re.compile(
        r'(?:[a-z][a-zA-Z0-9]*(?:\(\["[^"]*"\]\)|\["[^"]*"\]|\[\["[^"]*"\]\]|\[\("[^"]*"\)\])?'
        r'(?:\s+(?:-->|-\.->|-\.-)(?:\|"[^"]*"\|)?\s+[a-z][a-zA-Z0-9]*(?:\["[^"]*"\]|\[\("[^"]*"\)\]|\[\["[^"]*"\]\])?)*'
        r'|subgraph [a-z][a-zA-Z0-9]*\["[^"]*"\]|end)'
    )
    blocks = 0
    for path in (root / "docs").rglob("*.md"):
        for block in re.findall(r"^```mermaid\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S):
            blocks += 1
            lines = [line.strip() for line in block.splitlines() if line.strip()]
            assert lines[0] == "flowchart LR", path
            bad = [line for line in lines[1:] if not statement.fullmatch(line)]
            assert bad == [], f"{path.name}: {bad}"
            opened = sum(line.startswith("subgraph ") for line in lines)
            assert opened == lines.count("end"), f"{path.name}: unbalanced subgraph/end"
            unlabelled = re.sub(r'"[^"]*"', "", "\n".join(lines[1:]))
            nodes = set(re.findall(r"(?:^|\s)([a-z][a-zA-Z0-9]*)(?=[\[(]|\s|$)", unlabelled, re.M))
            defined = set(re.findall(r"(?:^|\s)([a-z][a-zA-Z0-9]*)[\[(]", unlabelled, re.M))
            assert nodes - defined - {"subgraph", "end"} == set(), f"{path.name}: nodes without a label"
    assert blocks >= 2  # architecture and deployment


@pytest.mark.parametrize("name", MATRIX)
def test_catalog_describes_the_selected_components(name: str, render_set):
    root = render_set(name)
    answers = answers_of(root)
    entities = list(yaml.safe_load_all((root / "catalog-info.yaml").read_text(encoding="utf-8")))
    valid_name = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
    by_ref = {}
    for entity in entities:
        assert entity["apiVersion"] == "backstage.io/v1alpha1"
        assert entity["kind"] in {"System", "Component", "Resource"}
        name_ = entity["metadata"]["name"]
        assert valid_name.fullmatch(name_), name_
        assert len(name_) <= 63, name_
        assert entity["spec"]["owner"].startswith("group:default/")
        for key, value in entity["metadata"].get("annotations", {}).items():
            assert re.fullmatch(r"[a-z0-9.-]+/[A-Za-z0-9._-]+", key), key
            assert isinstance(value, str), key
        by_ref[f"{entity['kind'].lower()}:default/{name_}"] = entity
    (system,) = [e for e in entities if e["kind"] == "System"]
    assert system["metadata"]["name"] == answers["project_slug"]
    assert system["metadata"]["title"] == answers["project_name"]
    assert system["metadata"]["description"] == answers["description"]
    assert system["metadata"]["annotations"]["github.com/project-slug"] == answers["github_repository"]
    assert {link["url"] for link in system["metadata"]["links"]} >= {f"https://{answers['domain']}"}
    suffix = {"web": "web", "edge": "edge", "platform": "api"}
    components = {e["metadata"]["name"] for e in entities if e["kind"] == "Component"}
    assert components == {
        f"{answers['project_slug']}-{suffix[c]}" for c in answers["components"] if c in suffix
    }
    for entity in entities:
        if entity["kind"] != "System":
            assert entity["spec"]["system"] == answers["project_slug"]
        if entity["kind"] == "Component":
            assert entity["spec"]["lifecycle"] == "production"
            assert entity["spec"]["type"] in {"website", "service"}
        for ref in entity["spec"].get("dependsOn", []):
            assert ref in by_ref, f"{name_} depends on {ref}, which the catalog does not define"


@pytest.mark.parametrize("name", MATRIX)
def test_docs_yaml_passes_the_projects_own_yamllint(name: str, render_set):
    """`make lint` runs yamllint --strict with the project's config on these files."""
    root = render_set(name)
    result = subprocess.run(
        [sys.executable, "-m", "yamllint", "--strict", "mkdocs.yml", "catalog-info.yaml"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hostile_answers_display_as_written(render_set):
    root = render_set("hostile")
    code, output, site = build_docs(root)
    assert code == 0, output[-3000:]
    assert page_heading(site, "index.html") == HOSTILE[:80].strip()
    index = (site / "index.html").read_text(encoding="utf-8")
    first = re.search(r"</h1>\s*<p>(.*?)</p>", index, re.DOTALL)
    assert first
    text, tags = html_text(first.group(1))
    assert tags == []  # the answer's <b>, backticks and "- list" stayed text
    assert text.split() == HOSTILE_MULTILINE.split()


# --- the filter that puts answers into Markdown ---------------------------------------------


TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=120)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_to_md_displays_any_one_line_answer_as_text(text: str):
    for template, wrapper in (("{}", "p"), ("# {}", "h1"), ("| a |\n|---|\n| {} |", "td")):
        out = markdown.markdown(template.format(to_md(text)), extensions=["tables"])
        match = re.search(rf"<{wrapper}>(.*)</{wrapper}>", out, re.DOTALL)
        if not text.strip():
            continue
        assert match, (text, out)
        shown, tags = html_text(match.group(1))
        assert tags == [], (text, out)
        assert shown.split() == text.split(), (text, out)


def test_to_md_keeps_paragraphs_and_never_starts_a_block():
    text = "First line\n\n- not a list\n1. not a list\n# not a heading\n    not code\n> not a quote\n---"
    out = markdown.markdown(to_md(text))
    shown, tags = html_text(out)
    assert tags == ["p", "p"]
    assert shown.split() == text.split()


# --- every combination of components, beyond the pairwise matrix -----------------------------


@pytest.mark.parametrize("components", all_component_subsets(), ids="+".join)
def test_every_component_combination_builds_and_stays_on_topic(
    components, template_src: Path, tmp_path: Path
):
    root = render(
        template_src, tmp_path / "p", {"components": components, "web_hosting": "workers"}, exclude=NOT_DOCS
    )
    code, output, _ = build_docs(root)
    assert code == 0, output[-3000:]
    found = unselected_mentions(root)
    assert found == [], "\n".join(found)


# --- the checks themselves catch what they are meant to --------------------------------------


def test_strict_build_fails_on_a_broken_anchor_or_page(render_set, tmp_path: Path):
    source = render_set("minimal")
    for broken in ("[x](deployment.md#no-such-section)", "[x](no-such-page.md)"):
        root = tmp_path / re.sub(r"\W", "", broken)
        shutil.copytree(source / "docs", root / "docs")
        shutil.copy2(source / "mkdocs.yml", root / "mkdocs.yml")
        with (root / "docs" / "index.md").open("a", encoding="utf-8") as page:
            page.write(f"\n{broken}\n")
        code, output, _ = build_docs(root)
        assert code != 0, output[-2000:]
        assert "no-such-" in output


def test_link_check_outside_docs_fails_on_a_broken_link(render_set, tmp_path: Path):
    root = tmp_path / "p"
    shutil.copytree(render_set("minimal") / "docs", root / "docs")
    (root / "README.md").write_text(
        "[a](docs/index.md) [b](docs/nope.md) [c](docs/handover.md#who-to-call) [d](docs/handover.md#nope)\n"
    )
    assert broken_links(root, root / "README.md") == [
        "README.md: docs/nope.md (no such file)",
        "README.md: docs/handover.md#nope (no such anchor)",
    ]


def test_unselected_component_words_are_caught(render_set):
    """The forbidden words of a component do occur in a project that selects it."""
    root = render_set("default")
    text = "\n".join(p.read_text(encoding="utf-8") for p in prose_files(root))
    minimal = render_set("alone-platform")
    for component, pattern in forbidden_terms(minimal).items():
        if component in COMPONENTS or component == "cloudflare":
            assert pattern.search(text), component


# --- the load test script the capacity page describes ----------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    """Serves files; `/slow` answers after 30 ms, slower than any objective the test sets."""

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(0.03)
            self.path = "/"
        super().do_GET()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_site(tmp_path: Path):
    (tmp_path / "index.html").write_text("<!doctype html><title>ok</title><p>ok</p>\n")

    def handler(*args: Any, **kwargs: Any) -> _Quiet:
        return _Quiet(*args, directory=str(tmp_path), **kwargs)

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_load_test_script_is_clean_shell(render_set):
    for name in ("default", "minimal"):
        script = render_set(name) / "scripts" / "load-test.sh"
        result = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout


def test_load_test_doubles_the_load_and_judges_it(render_set, local_site: str):
    require("wrk")
    root = render_set("default")
    answers = answers_of(root)

    def run(url: str, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command or ("bash", "scripts/load-test.sh", url, "1s", "2")),
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=60,
            check=False,
        )

    # Through the Make target the docs give; a busy CI machine is slow, not broken.
    target = (
        "make",
        "--no-print-directory",
        "load-test",
        f"URL={local_site}/",
        "LOAD_DURATION=1s",
        "LOAD_CONNECTIONS=2",
    )
    ok = run("", *target, LATENCY_OBJECTIVE_MS="5000")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"^baseline\s+2\s", ok.stdout, re.M)
    assert re.search(r"^doubled\s+4\s", ok.stdout, re.M)
    assert "OK: doubled load holds" in ok.stdout

    missing = run(f"{local_site}/no-such-page")
    assert missing.returncode == 1
    assert "FAIL: " in missing.stdout
    assert "errors (non-2xx/3xx responses or socket errors)" in missing.stdout

    slow = run(f"{local_site}/slow", LATENCY_OBJECTIVE_MS="10")
    assert slow.returncode == 1, slow.stdout + slow.stderr
    assert "over the 10 ms objective" in slow.stdout
    unjudged = run(f"{local_site}/slow", LATENCY_OBJECTIVE_MS="0")  # 0: no latency objective
    assert unjudged.returncode == 0, unjudged.stdout + unjudged.stderr

    production = run(f"https://{answers['domain']}/")
    assert production.returncode == 2
    assert "refusing to load test production" in production.stderr


# --- the template's own documentation ------------------------------------------------------


def test_template_docs_build_strict(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=MKDOCS_ENV,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert {
        "index.md",
        "getting-started.md",
        "components.md",
        "questions.md",
        "updating.md",
        "maintaining.md",
    } <= pages


def test_template_readme_links_resolve():
    assert broken_links(ROOT, ROOT / "README.md") == []
