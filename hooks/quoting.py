"""One quoting filter per output format.

Every answer that lands in a generated YAML, JSON, HCL, TOML, shell or Markdown file goes
through the filter for that format, so quotes, colons, `${`, backslashes, newlines and unicode in an answer
can never break the file. Each filter turns a Python value (str, int, float, bool, None, list,
dict) into a literal of its format. Stdlib and jinja2 only: copier runs this module.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from jinja2.ext import Extension


def _escape(text: str, escapes: Mapping[str, str], extra_unsafe: str = "") -> str:
    """Escape `text` for a double-quoted string: named escapes first, other controls as \\uXXXX."""
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or char in extra_unsafe:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def _number(value: float | int) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot quote a non-finite number: {value!r}")
    return repr(value)


_COMMON = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def to_yaml(value: Any) -> str:
    """A YAML flow literal. Strings are always double-quoted, so `yes`, `1e3`, `null` stay text.

    U+2028/U+2029/U+FEFF are escaped because YAML 1.1 parsers treat them as line breaks or BOMs.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return '"' + _escape(value, _COMMON, "\u2028\u2029\ufeff") + '"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{to_yaml(str(k))}: {to_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(to_yaml(v) for v in value) + "]"
    raise TypeError(f"to_yaml cannot quote {type(value).__name__}")


def to_json(value: Any, default: Any = None) -> str:
    """A JSON literal (also a valid JavaScript/TypeScript literal and JSONC value).

    copier wraps the filter registered as `to_json` to pass `default=` (its serializer for
    pydantic values), so the parameter must exist.
    """
    return json.dumps(value, ensure_ascii=False, allow_nan=False, default=default)


def to_hcl(value: Any) -> str:
    """An HCL2 literal. `${` and `%{` are doubled so an answer can never start an interpolation."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        escaped = _escape(value, _COMMON)
        return '"' + escaped.replace("${", "$${").replace("%{", "%%{") + '"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{to_hcl(str(k))} = {to_hcl(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(to_hcl(v) for v in value) + "]"
    raise TypeError(f"to_hcl cannot quote {type(value).__name__}")


_TOML = {**_COMMON, "\b": "\\b", "\f": "\\f"}


def to_toml(value: Any) -> str:
    """A TOML value: basic strings, numbers, booleans, arrays and inline tables (no null in TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        raise TypeError("TOML has no null: leave the key out instead")
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return '"' + _escape(value, _TOML) + '"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{to_toml(str(k))} = {to_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    raise TypeError(f"to_toml cannot quote {type(value).__name__}")


def to_sh(value: Any) -> str:
    """One shell word (POSIX sh, bash, Make recipes): single-quoted so nothing expands."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return shlex.quote(str(value))


# Characters Markdown (and the tables and HTML it allows) could read as markup anywhere in a line.
_MD_INLINE = {c: f"&#{ord(c)};" for c in "\\`*_[]{}|#!$~"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# A line that starts with one of these could become a list, heading, quote, rule or fence.
_MD_LINE_START = re.compile(r"^(?:[-+=:]|\d+[.)])")


def to_md(value: Any) -> str:
    """Markdown text that displays as `value`: markup characters become HTML entities.

    Lines keep their breaks (blank lines still separate paragraphs) but lose leading blanks, so
    an answer can never start a code block, list, heading or table, nor close one it sits in.
    Never put the result inside a code span: entities are not decoded there.
    """
    lines = []
    for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        escaped = "".join(_MD_INLINE.get(char, char) for char in line.strip().replace("\t", " "))
        match = _MD_LINE_START.match(escaped)
        if match:
            first = match.group(0)
            escaped = "".join(f"&#{ord(c)};" for c in first) + escaped[len(first) :]
        lines.append(escaped)
    return "\n".join(lines)


FILTERS = {
    "to_md": to_md,
    "to_yaml": to_yaml,
    "to_json": to_json,
    "to_hcl": to_hcl,
    "to_toml": to_toml,
    "to_sh": to_sh,
}


class QuotingFilters(Extension):
    """Registers the quoting filters with copier's Jinja environment."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(FILTERS)
