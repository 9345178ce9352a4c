"""Every rule's own VALID/INVALID examples, run as test cases (Fixit's way)."""

from __future__ import annotations

import libcst as cst
import pytest

from cio_lint.fix import fix_text
from cio_lint.rules import ALL_RULES
from tests.helpers import lint

VALID = [pytest.param(rule, case, id=f"{rule.CODE}-valid-{i}") for rule in ALL_RULES for i, case in enumerate(rule.VALID)]
INVALID = [pytest.param(rule, case, id=f"{rule.CODE}-invalid-{i}") for rule in ALL_RULES for i, case in enumerate(rule.INVALID)]


@pytest.mark.parametrize("rule,case", VALID)
def test_valid(rule, case):
    findings = lint(case.source, case.config, case.sdk_version, dependencies=case.dependencies)
    assert [f for f in findings if f.code == rule.CODE] == []
    assert [f for f in findings if f.code == "CIO000"] == []


@pytest.mark.parametrize("rule,case", INVALID)
def test_invalid(rule, case):
    findings = [f for f in lint(case.source, case.config, case.sdk_version, dependencies=case.dependencies)
                if f.code == rule.CODE]
    assert len(findings) == case.count, findings
    if case.line is not None:
        assert findings[0].line == case.line
    for finding in findings:
        assert finding.name == rule.NAME
        # what happens at runtime, then how to fix it
        assert "; " in finding.message and len(finding.message) > 60, finding.message
    if case.fixed_source is not None:
        assert all(f.fix is not None for f in findings)
        result = fix_text(case.source, findings, unsafe=True)
        assert result.text == case.fixed_source
        cst.parse_module(result.text)
    else:
        assert all(f.fix is None for f in findings), "a fix without an expected result"


def test_the_catalogue_matches_the_rule_classes():
    """Selection, noqa and reports read the catalogue without importing the rules."""
    from cio_lint.rules import CATALOGUE

    assert [(e.code, e.name, e.default_enabled) for e in CATALOGUE] == [
        (r.CODE, r.NAME, r.DEFAULT_ENABLED) for r in ALL_RULES
    ]
    assert len({e.code for e in CATALOGUE}) == len({e.name for e in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.CODE)
def test_rule_metadata(rule):
    assert rule.CODE.startswith("CIO") and len(rule.CODE) == 6 and rule.CODE[3:].isdigit()
    assert rule.NAME == rule.NAME.lower() and " " not in rule.NAME
    assert rule.__module__.endswith(rule.NAME.replace("-", "_"))
    doc = rule.documentation()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert heading in doc, f"{rule.CODE} docstring lacks {heading!r}"
    assert rule.VALID and rule.INVALID
    assert rule.FIX in (None, "safe", "unsafe")
