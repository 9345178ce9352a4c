"""The flake8 plugin through real `flake8` processes (DESIGN.md §9, issue 7).

flake8 does the selecting, ignoring, `# noqa`, per-file-ignores, output formats and output
file itself; the plugin only produces findings, with settings from `--cio-*` options in
flake8's config files (and `[tool.cio-lint]`, unless `--isolated`).
"""

from __future__ import annotations

import re

import pytest

from cio_lint.rules import rule_for
from tests.integrations.helpers import BAD, flake8, readme_block, write

ORDERS = '''\
from customerio import CustomerIO, Regions

cio = CustomerIO("site", "key", region=Regions.EU)
cio.identify(id="")  # noqa
cio.identify(id="")  # noqa: CIO101
cio.identify(id="")  # noqa: E501
cio.identify(id="")  # noqa:CIO1,E501
cio.track("u1", "OrderCompleted")
'''

#: (path, line, code) flake8 must report for PROJECT with the README's [flake8] snippet
EXPECTED = {
    ("app/orders.py", 6, "CIO101"),
    ("app/orders.py", 8, "CIO501"),
    ("app/signup.py", 3, "CIO401"),
    ("app/signup.py", 4, "CIO101"),
    ("app/signup.py", 5, "CIO501"),
    # per-file-ignores = tests/*: CIO101
    ("tests/test_signup.py", 3, "CIO401"),
    ("tests/test_signup.py", 5, "CIO501"),
}
if rule_for("CIO502"):  # unknown-event: cio-events names signed_up and order_completed only
    # one finding per event name: naming the dashboard's event supersedes the style rule's
    EXPECTED = {(path, line, "CIO502" if code == "CIO501" else code) for path, line, code in EXPECTED}
FLAKE8_LINE = re.compile(r"^(?:\./)?(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ")


def findings(stdout: str, prefix: str = "CIO"):
    out = set()
    for line in stdout.splitlines():
        match = FLAKE8_LINE.match(line)
        if match and match["code"].startswith(prefix):
            out.add((match["path"], int(match["line"]), match["code"]))
    return out


def project(root, config_name: str = "setup.cfg"):
    return write(root, {
        config_name: readme_block("integrations", "ini", "[flake8]"),
        "app/__init__.py": "",
        "app/signup.py": BAD,
        "app/orders.py": ORDERS,
        "tests/test_signup.py": BAD,
        "lib/unrelated.py": "import json\n\nprint(json.dumps({}))\n",
    })  # fmt: skip


@pytest.mark.parametrize("config_name", ["setup.cfg", "tox.ini", ".flake8"])
def test_options_from_each_flake8_config_file_with_one_and_two_jobs(tmp_path, config_name):
    root = project(tmp_path, config_name)
    serial = flake8("-j", "1", ".", cwd=root)
    assert serial.returncode == 1, serial.stderr
    assert findings(serial.stdout) == EXPECTED
    # -j 2 spawns workers that load the plugin and parse the options again
    parallel = flake8("-j", "2", ".", cwd=root)
    assert parallel.returncode == 1, parallel.stderr
    assert sorted(serial.stdout.splitlines()) == sorted(parallel.stdout.splitlines())


def test_extend_ignore_and_command_line_options(tmp_path):
    root = project(tmp_path)
    result = flake8("--extend-ignore", "CIO501,CIO502", ".", cwd=root)
    assert findings(result.stdout) == {f for f in EXPECTED if f[2] not in ("CIO501", "CIO502")}
    # a command-line --cio-* option wins over the config file: now the EU client is wrong
    result = flake8("--cio-region", "us", "--select", "CIO", ".", cwd=root)
    expected = {f for f in EXPECTED if f[2] != "CIO401"} | {("app/orders.py", 3, "CIO401")}
    assert findings(result.stdout) == expected


def test_pylint_format_and_output_file(tmp_path):
    root = project(tmp_path)
    result = flake8("--format=pylint", "--select", "CIO", "app/signup.py", cwd=root)
    assert result.returncode == 1
    assert "app/signup.py:4: [CIO101] id is ''" in result.stdout.splitlines()[1]
    report = tmp_path / "flake8.txt"
    result = flake8("--output-file", str(report), "--select", "CIO", "app/signup.py", cwd=root)
    assert result.returncode == 1 and result.stdout == ""
    assert findings(report.read_text()) == {f for f in EXPECTED if f[0] == "app/signup.py"}


def test_stdin(tmp_path):
    root = project(tmp_path)
    result = flake8("--stdin-display-name", "app/signup.py", "-", cwd=root, input=BAD)
    assert findings(result.stdout) == {f for f in EXPECTED if f[0] == "app/signup.py"}
    result = flake8("-", cwd=root, input=BAD)
    assert findings(result.stdout) == {("stdin", line, code) for _, line, code in EXPECTED
                                       if _ == "app/signup.py"}  # fmt: skip


def test_version_lists_the_plugin(tmp_path):
    result = flake8("--version", cwd=tmp_path)
    assert re.search(r"cio-lint: \d+\.\d+", result.stdout), result.stdout


def test_tool_cio_lint_table_serves_flake8_too_unless_isolated(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.cio-lint]\nregion = "eu"\nper-file-ignores = { "tests/*" = ["empty-identifier"] }\n',
        "app/signup.py": BAD,
        "tests/test_signup.py": BAD,
    })  # fmt: skip
    result = flake8("--select", "CIO", ".", cwd=tmp_path)
    assert findings(result.stdout) == {
        ("app/signup.py", 3, "CIO401"), ("app/signup.py", 4, "CIO101"), ("app/signup.py", 5, "CIO501"),
        ("tests/test_signup.py", 3, "CIO401"), ("tests/test_signup.py", 5, "CIO501"),
    }  # fmt: skip
    # from another directory: the table's globs are relative to the pyproject.toml
    result = flake8("--select", "CIO", str(tmp_path / "tests"), cwd=tmp_path.parent)
    assert {(code, line) for _, line, code in findings(result.stdout)} == {("CIO401", 3), ("CIO501", 5)}
    # flake8's --isolated ignores every configuration file, [tool.cio-lint] included, also in
    # the workers -j 2 starts
    for jobs in ("1", "2"):
        result = flake8("--isolated", "-j", jobs, "--select", "CIO", "app", "tests", cwd=tmp_path)
        assert findings(result.stdout) == {
            (path, line, code) for path in ("app/signup.py", "tests/test_signup.py")
            for line, code in ((4, "CIO101"), (5, "CIO501"))
        }  # fmt: skip
    # and a flake8 option wins over the table
    (tmp_path / "setup.cfg").write_text("[flake8]\ncio-region = us\n")
    result = flake8("--select", "CIO", "app/signup.py", cwd=tmp_path)
    assert ("app/signup.py", 3, "CIO401") not in findings(result.stdout)


def test_a_bad_option_value_fails_the_run_not_raised(tmp_path):
    """One line on stderr and exit 2 (issue 20): as a CIO000 it hid under extend-ignore."""
    write(tmp_path, {"setup.cfg": "[flake8]\ncio-region = mars\n", "app.py": BAD})
    result = flake8("--select", "CIO", "app.py", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.fullmatch(r"cio-lint \(flake8 plugin\): error: setup\.cfg: \[flake8\] cio-region: .*mars.*\n",
                        result.stderr), result.stderr
