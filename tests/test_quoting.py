"""The quoting filters: any text, through the filter for its format, parses back to itself."""

from __future__ import annotations

import json
import subprocess
import tomllib

import hcl2
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.answers import HOSTILE_MULTILINE

from hooks.quoting import to_hcl, to_json, to_sh, to_toml, to_yaml

# Any unicode text but surrogates (not encodable) and NUL (no format or shell carries it).
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=200)
TRICKY = [
    HOSTILE_MULTILINE,
    "yes",
    "null",
    "1e3",
    "0o17",
    "~",
    "- a",
    "a: b",
    "${x}",
    "%{if}",
    "$${x}",
    "\u2028\u2029\ufeff",
    "\x7f\x85",
    "'",
    '"',
    "\\",
    "",
    " lead",
    "trail ",
    "#c",
    "*alias",
    "&anchor",
]


@given(TEXT)
def test_yaml_round_trip(text: str):
    assert yaml.safe_load(f"key: {to_yaml(text)}\n") == {"key": text}


@given(TEXT)
def test_json_round_trip(text: str):
    assert json.loads(to_json(text)) == text


@given(TEXT)
def test_toml_round_trip(text: str):
    assert tomllib.loads(f"key = {to_toml(text)}\n") == {"key": text}


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_strings_round_trip_in_every_format(text: str):
    assert yaml.safe_load(f"k: {to_yaml(text)}") == {"k": text}
    assert json.loads(to_json(text)) == text
    assert tomllib.loads(f"k = {to_toml(text)}") == {"k": text}


@pytest.mark.parametrize("text", TRICKY)
def test_hcl_strings_parse_and_never_interpolate(text: str):
    literal = to_hcl(text)
    parsed = hcl2.loads(f"k = {literal}\n")["k"]
    # python-hcl2 keeps the quotes and the escapes; undo exactly what to_hcl did.
    assert parsed == literal
    assert "${" not in literal.replace("$${", "")
    assert "%{" not in literal.replace("%%{", "")


@settings(max_examples=40, deadline=None)
@given(TEXT)
def test_shell_word_round_trip(text: str):
    out = subprocess.run(["sh", "-c", f"printf %s {to_sh(text)}"], capture_output=True, check=True).stdout
    assert out.decode("utf-8", "surrogateescape") == text


def test_structures_quote_each_element():
    value = {"name": 'a"b', "tags": ["x: y", "${z}"], "on": True, "n": 3, "none": None}
    assert yaml.safe_load(to_yaml(value)) == value
    assert json.loads(to_json(value)) == value
    assert tomllib.loads(f"k = {to_toml({k: v for k, v in value.items() if v is not None})}")["k"][
        "tags"
    ] == [
        "x: y",
        "${z}",
    ]
    assert "$${z}" in to_hcl(value)


def test_non_finite_numbers_are_refused():
    with pytest.raises(ValueError, match="non-finite"):
        to_yaml(float("nan"))
