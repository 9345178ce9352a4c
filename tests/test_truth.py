"""Issue 15: every message true, one finding per mistake, messages that read in one breath.

Each test here failed on the code before the issue's fix (the runtime side of the claims is in
tests/grounding/, which runs the real SDK)."""

from __future__ import annotations

import pytest

from cio_lint.rules import ALL_RULES
from tests.helpers import lint

TRACK = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"


def messages(code: str, source: str, config=None, sdk_version: str = "", **kwargs) -> list:
    return [f.message for f in lint(source, config, sdk_version, **kwargs) if f.code == code]


# --- 1. CIO201 names the year the value means, not the year the author meant ----------------


def test_ms_timestamp_names_the_year_the_value_means():
    [message] = messages("CIO201", TRACK + "cio.identify('u', created_at=1704067200000)\n")
    assert "55,969" in message and "2,023" not in message and "2,024" not in message


# --- 8. the explanation goes to a separate `help` in JSON and SARIF ---------------------------


def test_json_and_sarif_carry_help_beside_the_message():
    import json

    from cio_lint import report

    findings = lint(TRACK + "cio.identify('u', created_at=1704067200000)\n")
    [entry] = json.loads(report.as_json(findings))
    assert entry["message"] == findings[0].message
    assert "Customer.io reads epoch timestamps" in entry["help"] and entry["help"] not in entry["message"]
    run = json.loads(report.sarif(findings))["runs"][0]
    [result] = run["results"]
    assert result["message"]["text"] == findings[0].message
    assert result["properties"]["help"] == entry["help"]
    assert all(rule.get("help", {}).get("text") for rule in run["tool"]["driver"]["rules"][1:])
