"""Parse a rendered file by its format, so tests can prove every file is well-formed."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path, PurePath
from typing import Any

import hcl2
import yaml

# Go templates (Helm) are not YAML until Helm renders them; the chart tests render them.
GO_TEMPLATE_DIRS = re.compile(r"(^|/)charts/[^/]+/templates/")


class _AnyTagLoader(yaml.SafeLoader):
    """SafeLoader that accepts application tags (mkdocs' !!python/name, CloudFormation's !Ref)."""


def _any_tag(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_AnyTagLoader.add_multi_constructor("", _any_tag)


def load_yaml_documents(text: str) -> list[Any]:
    return list(yaml.load_all(text, Loader=_AnyTagLoader))


def strip_jsonc(text: str) -> str:
    """Remove // and /* */ comments and trailing commas outside strings (JSONC, tsconfig)."""
    out, i, in_string = [], 0, False
    while i < len(text):
        char = text[i]
        if in_string:
            out.append(char)
            if char == "\\":
                out.append(text[i + 1])
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif text.startswith("//", i):
            i = text.find("\n", i)
            i = len(text) if i == -1 else i
            continue
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        else:
            out.append(char)
        i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def format_of(path: PurePath) -> str | None:
    """The format a file must parse as, or None when it has no structured format to check."""
    name = path.name
    if GO_TEMPLATE_DIRS.search(path.as_posix()):
        return None
    if name.endswith((".yml", ".yaml")):
        return "yaml"
    if name.endswith(".jsonc") or re.fullmatch(r"tsconfig.*\.json", name) or name == "devcontainer.json":
        return "jsonc"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".toml"):
        return "toml"
    if name.endswith((".tf", ".tfvars", ".hcl")):
        return "hcl"
    return None


def parse(path: Path) -> Any:
    """Parse `path` by its format; raises on a malformed file."""
    text = path.read_text(encoding="utf-8")
    kind = format_of(path)
    if kind == "yaml":
        return load_yaml_documents(text)
    if kind == "json":
        return json.loads(text)
    if kind == "jsonc":
        return json.loads(strip_jsonc(text))
    if kind == "toml":
        return tomllib.loads(text)
    if kind == "hcl":
        return hcl2.loads(text)
    raise ValueError(f"{path} has no structured format")
