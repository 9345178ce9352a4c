"""The CLI a ruff or flake8 user expects (issue 20): formats CI systems read, warnings instead of
silence, `rule` and `config` answering what they are asked. Through the real `cli` command
(click's runner, in process) unless a process is the point."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.integrations.helpers import BAD, cio_lint, cio_lint_process, flake8, write


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


# ---------------------------------------------------------------------------------------------
# Messages name where a setting was set (item 3)

NO_REGION = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.track('u', 'signedup')\n"


def test_messages_name_the_real_source_of_a_setting(tmp_path):
    write(tmp_path, {"app.py": NO_REGION, "setup.cfg": "[flake8]\ncio-events = signed_up\n"})
    cli = cio_lint_process("check", "--isolated", "--region", "eu", "app.py", "--format", "json", cwd=tmp_path)
    # CIO401's one-breath message leaves the setting's origin to its help text (issue 15)
    assert "EU region (--region on the command line)" in cli.stdout, cli.stdout
    plugin = flake8("--select", "CIO", "--cio-region", "eu", "app.py", cwd=tmp_path)
    # flake8 shows only the one-breath messages; the origins are in the CLI's help texts
    assert "CIO502" in plugin.stdout and "CIO401" in plugin.stdout
    write(tmp_path, {"pyproject.toml": '[tool.cio-lint]\nregion = "eu"\nevents = ["signed_up"]\n'})
    table = cio_lint_process("check", "app.py", "--format", "json", cwd=tmp_path)
    assert "([tool.cio-lint] region)" in table.stdout and "([tool.cio-lint] events)" in table.stdout


# ---------------------------------------------------------------------------------------------
# An SDK version cio-lint does not know (item 4)

OLD_CALLS = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.add_to_segment(1, ['a'])\n"


@pytest.mark.parametrize("spec", [">=5", "0.1"])
def test_unknown_sdk_version_is_said_once_and_plainly(tmp_path, spec):
    write(tmp_path, {"a.py": OLD_CALLS, "b.py": OLD_CALLS})
    result = cio_lint_process("check", "--isolated", "--sdk-version", spec, ".", cwd=tmp_path)
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "names no customerio release cio-lint knows" in warnings[0], result.stderr
    assert "newest admitted release" not in result.stdout  # no "3.x (customerio>=5 ...)" contradiction
    # the version's source is in each finding's help (the one-breath message names the release)
    as_json = cio_lint_process("check", "--isolated", "--sdk-version", spec, ".", "--format", "json", cwd=tmp_path)
    assert as_json.stdout.count("names no known release; newest assumed") == 2


# ---------------------------------------------------------------------------------------------
# Nothing to check, config and rule answer what they are asked (item 5)


@pytest.mark.parametrize("files", [{}, {"notes.txt": "x"}])
def test_nothing_to_check_warns_as_ruff_does(tmp_path, files):
    write(tmp_path / "empty", files) if files else (tmp_path / "empty").mkdir()
    result = cio_lint_process("check", "empty", cwd=tmp_path)
    assert result.returncode == 0 and "warning: No Python files found under the given path(s)" in result.stderr


def test_an_empty_path_checks_nothing(tmp_path):
    write(tmp_path, {"app.py": BAD})  # the working directory has findings: "" must not mean "."
    result = cio_lint_process("check", "", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    assert "an empty path names no file" in result.stderr and "No Python files found" in result.stderr


def test_config_of_a_missing_path_is_an_error(tmp_path):
    result = cio_lint_process("config", str(tmp_path / "nonexistent"), cwd=tmp_path)
    assert result.returncode == 2 and "no such file or directory" in result.stderr


def test_rule_takes_prefixes_and_markdown_honours_the_selector():
    prefix = cio_lint("rule", "CIO4")
    assert prefix.exit_code == 0 and "# CIO401 region-mismatch" in prefix.stdout and "# CIO402" in prefix.stdout
    assert "# CIO101" not in prefix.stdout
    table = cio_lint("rule", "CIO101", "--format", "markdown").stdout.splitlines()
    assert len(table) == 3 and table[2].startswith("| CIO101 | empty-identifier |")
    assert json.loads(cio_lint("rule", "ms-timestamp", "--format", "json").stdout)["code"] == "CIO201"
    assert {e["code"][:4] for e in json.loads(cio_lint("rule", "CIO4", "--format", "json").stdout)} == {"CIO4"}
    assert cio_lint("rule", "CIO9").exit_code == 2


def test_unsafe_fixes_without_fix_or_diff_says_so(bad):
    result = cio_lint("check", "--unsafe-fixes")
    assert "--unsafe-fixes applies nothing without --fix or --diff" in result.stderr
    assert "applies nothing" not in cio_lint("check", "--unsafe-fixes", "--diff").stderr
