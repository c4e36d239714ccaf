"""Every developer and CI entry point. `nox` alone runs the full test suite (what CI runs)."""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
TOOLS_BIN = ROOT / ".cache" / "tools" / "bin"

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "tests", "e2e", "docs"]


def install(session: nox.Session, *groups: str) -> None:
    """Install dependency groups from pyproject.toml (pins live there, in one place)."""
    requirements = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    session.install("--quiet", "--disable-pip-version-check", *requirements)


def tools_env(session: nox.Session) -> dict[str, str]:
    """Install the external validators once, and put them first on PATH."""
    session.run("python", "scripts/install_tools.py")
    path = os.pathsep.join([str(TOOLS_BIN), session.bin, os.environ.get("PATH", "")])
    return {"PATH": path, "ASTRO_TELEMETRY_DISABLED": "1", "WRANGLER_SEND_METRICS": "false"}


def workers() -> str:
    return str(max(1, min(os.cpu_count() or 1, 4)))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and yamllint on the template repository itself."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("yamllint", "--strict", "copier.yml", ".yamllint.yaml")


@nox.session
def tests(session: nox.Session) -> None:
    """Questions, rendering matrix and static validation of the output (fast layers)."""
    install(session, "test")
    env = tools_env(session)
    session.run("pytest", "-m", "not e2e", "-n", workers(), "--dist", "loadgroup", *session.posargs, env=env)


@nox.session
def e2e(session: nox.Session) -> None:
    """Install and run the generated project's own checks (npm ci, builds, browser, workerd)."""
    install(session, "test")
    env = tools_env(session)
    session.run("pytest", "-m", "e2e", "-n", workers(), "--dist", "loadgroup", *session.posargs, env=env)


@nox.session
def docs(session: nox.Session) -> None:
    """The template's own documentation: regenerate the questions reference, strict build."""
    install(session, "docs")
    session.run("python", "scripts/questions_reference.py", "--check")
    session.run("mkdocs", "build", "--strict", "--site-dir", "build/site")


@nox.session(name="questions-reference")
def questions_reference(session: nox.Session) -> None:
    """Rewrite docs/questions.md from copier.yml (the docs session fails when it drifts)."""
    install(session, "docs")
    session.run("python", "scripts/questions_reference.py")


@nox.session
def locks(session: nox.Session) -> None:
    """Regenerate locks/*.json, the package-lock.json the template renders for each set of workspaces."""
    install(session, "test")
    env = tools_env(session)
    session.run("python", "scripts/npm_locks.py", env=env)


@nox.session
def demo(session: nox.Session) -> None:
    """Render the default answers into build/demo and print a summary of the tree."""
    install(session, "template")
    session.run("python", "scripts/demo.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: numbers written to build/bench/report.json and docs/performance.md."""
    install(session, "test")
    env = tools_env(session)
    session.run("python", "-m", "bench.run", env=env)


@nox.session
def update(session: nox.Session) -> None:
    """The update tests alone: upgrade from the newest release tag (or a synthetic one) to HEAD."""
    install(session, "test")
    env = tools_env(session)
    session.run(
        "pytest", "tests/test_update.py", "-n", workers(), "--dist", "loadgroup", *session.posargs, env=env
    )


@nox.session
def release(session: nox.Session) -> None:
    """Cut a release: `nox -s release -- 1.2.0` checks the changelog, runs the update tests, tags."""
    if len(session.posargs) != 1:
        session.error("give the version: nox -s release -- 1.2.0")
    version = session.posargs[0]
    install(session, "test")
    session.run("python", "scripts/release.py", version, "--dry-run")
    env = tools_env(session)
    # Upgrades from the newest release tag to this commit, so every release is tested as an
    # upgrade from the one before (before the first release, from a synthetic older version).
    session.run(
        "pytest",
        "tests/test_update.py",
        "tests/test_release.py",
        "-n",
        workers(),
        "--dist",
        "loadgroup",
        env=env,
    )
    session.run("python", "scripts/release.py", version)
