"""Every validator accepts good input and rejects bad input with its message, writing nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.render import copier_questions, render

# question -> (good value, bad value, the part of the message that says what is allowed)
CASES = {
    "project_name": ('Café Ørsted: "Launch"', "", "project_name: must not be empty"),
    "project_slug": ("acme-shop-2", "Acme_Shop", "project_slug: 2-30 characters"),
    "client_name": ("O'Neil & Sons", "x" * 81, "client_name: at most 80 characters"),
    "description": ("Line one.\nLine two: with a colon.", "   ", "description: must not be empty"),
    "agency_name": ("Studio № 5", "two\nlines", "agency_name: one line"),
    "domain": ("shop.example.org", "https://shop.example.org/", "domain: a lowercase host name"),
    "components": (["edge", "observability"], [], "components: select at least one"),
    "slo_availability": (99.95, 99.999, "slo_availability: a percentage from 90 to 99.99"),
    "slo_latency_ms": (250, 20, "slo_latency_ms: a whole number of milliseconds from 50 to 10000"),
    "cloudflare_account_id": (
        "0123456789abcdef0123456789abcdef",
        "XYZ",
        "cloudflare_account_id: 32 lowercase",
    ),
    "aws_region": ("us-gov-west-1", "Europe", "aws_region: an AWS region code"),
    "aws_account_id_staging": ("123456789012", "12345", "aws_account_id_staging: 12 digits"),
    "aws_account_id_production": ("210987654321", "abc", "aws_account_id_production: 12 digits"),
    "github_repository": ("acme/shop.site", "acme", "github_repository: owner/name"),
    "code_owners": ("@alice @acme/web-team", "alice", "code_owners: GitHub handles"),
    "tech_lead": ("Zoë Ørsted", "", "tech_lead: must not be empty"),
    "alert_email": ("oncall+shop@acme.io", "not-an-email", "alert_email: an email address"),
}

# Rules that span answers: the message names the question the person must change.
CROSS_RULES = [
    ({"components": ["observability"]}, "components: observability needs something to watch"),
]


def test_every_validated_question_has_a_case():
    validated = {name for name, spec in copier_questions().items() if spec.get("validator")}
    assert validated == set(CASES)


def test_every_question_has_help():
    assert [name for name, spec in copier_questions().items() if not spec.get("help")] == []


@pytest.mark.parametrize("question", sorted(CASES))
def test_good_value_renders(question: str, template_src: Path, tmp_path: Path):
    good, _, _ = CASES[question]
    dst = render(template_src, tmp_path / "project", {question: good})
    answers = yaml.safe_load((dst / ".copier-answers.yml").read_text())
    assert answers[question] == good


@pytest.mark.parametrize("question", sorted(CASES))
def test_bad_value_is_refused_and_nothing_is_written(question: str, template_src: Path, tmp_path: Path):
    _, bad, message = CASES[question]
    dst = tmp_path / "project"
    with pytest.raises(ValueError, match=f"question '{question}'") as error:
        render(template_src, dst, {question: bad})
    assert message in str(error.value)
    assert not dst.exists()


@pytest.mark.parametrize(("answers", "message"), CROSS_RULES)
def test_cross_answer_rule(answers: dict, message: str, template_src: Path, tmp_path: Path):
    dst = tmp_path / "project"
    with pytest.raises(ValueError, match=message):
        render(template_src, dst, answers)
    assert not dst.exists()


def test_cli_shows_the_message_as_its_last_line(template_src: Path, tmp_path: Path):
    """A person using --data sees the validator's one-line message last, and nothing is written."""
    dst = tmp_path / "project"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--trust",
            "--defaults",
            "--quiet",
            "--data",
            "project_slug=Not A Slug",
            str(template_src),
            str(dst),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "project_slug: 2-30 characters, lowercase letters" in last_line
    assert not dst.exists()
