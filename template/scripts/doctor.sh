#!/usr/bin/env bash
# Usage: scripts/doctor.sh [--quiet] TOOL... — prints each tool's version, or how to get it when
# missing (--quiet: only the missing ones; `make setup` checks its own tools that way).
# Exits 1 when a tool is missing, so `make doctor` fails loudly in CI.
set -euo pipefail

quiet=0
if [ "${1:-}" = --quiet ]; then
  quiet=1
  shift
fi

hint() {
  case "$1" in
    node | npm) echo "install Node $(cat .node-version 2>/dev/null || echo 24) or newer (fnm, nvm or mise read .node-version)" ;;
    python3) echo "install Python 3.11 or newer from your package manager" ;;
    pre-commit) echo "run 'make setup' (installs it into .venv)" ;;
    terraform) echo "install Terraform (the version in infra/*/versions.tf), e.g. with tfenv or mise" ;;
    helm) echo "install Helm 3.15+ or 4 from your package manager or mise" ;;
    kubectl) echo "install kubectl matching the cluster version" ;;
    aws) echo "install the AWS CLI v2" ;;
    promtool | amtool) echo "install the prometheus and alertmanager packages (apt-get install prometheus prometheus-alertmanager)" ;;
    chromium) echo "install Chromium (apt-get install chromium) for the browser tests" ;;
    docker) echo "install Docker for the local monitoring stack (optional)" ;;
    *) echo "install $1" ;;
  esac
}

version() {
  case "$1" in
    pre-commit) if [ -x .venv/bin/pre-commit ]; then .venv/bin/pre-commit --version; else return 1; fi ;;
    terraform) terraform version | head -n 1 ;;
    kubectl) kubectl version --client 2>/dev/null | head -n 1 ;;
    helm) helm version --short ;;
    node) node_version ;;
    *) "$1" --version 2>&1 | head -n 1 ;;
  esac
}

# Node older than .node-version's major counts as missing: the Node toolchain refuses to run on it.
node_version() {
  local found wanted
  found=$(node --version) || return 1
  wanted=$(cut -d. -f1 .node-version 2>/dev/null || echo 0)
  if [ "$(echo "${found#v}" | cut -d. -f1)" -lt "${wanted:-0}" ]; then
    return 1
  fi
  echo "$found"
}

missing=0
for tool in "$@"; do
  if { [ "$tool" = pre-commit ] || command -v "$tool" >/dev/null 2>&1; } && found=$(version "$tool" 2>/dev/null); then
    if [ "$quiet" = 0 ]; then printf 'ok       %-12s %s\n' "$tool" "$found"; fi
  else
    printf 'MISSING  %-12s %s\n' "$tool" "$(hint "$tool")"
    missing=1
  fi
done
exit "$missing"
