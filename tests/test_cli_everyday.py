"""The CLI a ruff or flake8 user expects (issue 20): formats CI systems read, warnings instead of
silence, `rule` and `config` answering what they are asked. Through the real `cli` command
(click's runner, in process) unless a process is the point."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.integrations.helpers import BAD, cio_lint, write


@pytest.fixture
def bad(tmp_path, monkeypatch):
    write(tmp_path, {"app.py": BAD})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_output_format_is_an_alias_of_format(bad):
    assert cio_lint("check", "--output-format", "json").stdout == cio_lint("check", "--format", "json").stdout


def test_gitlab_code_quality_report(bad):
    issues = json.loads(cio_lint("check", "--format", "gitlab").stdout)
    assert [i["check_name"] for i in issues] == ["CIO101 empty-identifier", "CIO501 event-name-style"]
    first = issues[0]
    assert first["location"] == {"path": "app.py", "positions": {"begin": {"line": 4, "column": 17},
                                                                 "end": {"line": 4, "column": 19}}}
    assert first["severity"] == "major" and len({i["fingerprint"] for i in issues}) == 2
    # a line inserted above moves the finding, not its fingerprint (GitLab would call it new)
    (bad / "app.py").write_text("# moved\n" + BAD)
    moved = json.loads(cio_lint("check", "--format", "gitlab").stdout)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]


def test_junit_is_well_formed_xml_with_a_failure_per_finding(bad):
    root = ET.fromstring(cio_lint("check", "--format", "junit").stdout)
    assert root.tag == "testsuites" and root.get("failures") == "2"
    [suite] = root
    assert suite.get("name") == "app.py" and [c.find("failure").get("type") for c in suite] == ["CIO101", "CIO501"]
    (bad / "app.py").write_text("x = 1\n")
    clean = ET.fromstring(cio_lint("check", "--format", "junit").stdout)
    assert clean.get("failures") == "0" and clean.get("tests") == "1"


def test_pylint_and_json_lines(bad):
    assert cio_lint("check", "--format", "pylint").stdout.splitlines()[0].startswith("app.py:4: [CIO101] id is ''")
    lines = cio_lint("check", "--format", "json-lines").stdout.splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["CIO101", "CIO501"]


@pytest.mark.parametrize("fmt", ["github", "gitlab", "junit", "pylint", "sarif", "json-lines"])
def test_statistics_never_mix_a_table_into_a_machine_format(bad, fmt):
    result = cio_lint("check", "--statistics", "--format", fmt)
    assert "CIO101\t" not in result.stdout and "CIO101\t" in result.stderr  # the table: on stderr
    if fmt == "github":
        assert all(line.startswith("::error ") for line in result.stdout.splitlines())
