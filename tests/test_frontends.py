"""Both front-ends through their real entry points: the `cio-lint` command and a `flake8` process."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REPO

CORE = {"CIO101", "CIO201", "CIO301", "CIO302", "CIO401", "CIO501"}
#: the default-on rules of issue 18: each has a line in fixtures/shop that makes it fire
SEEDS = {"CIO104", "CIO405", "CIO203", "CIO406", "CIO605", "CIO606", "CIO701", "CIO702", "CIO703", "CIO704"}
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>CIO\d{3}) (?P<msg>.+)$")


def run(*args, cwd=REPO, input=None):
    return subprocess.run(args, cwd=cwd, input=input, capture_output=True, text=True, timeout=120)


def cio_lint(*args, **kw):
    return run(sys.executable, "-m", "cio_lint", *args, **kw)


def flake8(*args, **kw):
    return run(sys.executable, "-m", "flake8", *args, **kw)


def parse(stdout):
    return [LINE.match(line).groupdict() for line in stdout.splitlines() if LINE.match(line)]


def test_cli_reports_every_core_rule_on_fixtures():
    result = cio_lint("check", "fixtures")
    assert result.returncode == 1, result.stderr
    found = parse(result.stdout)
    assert CORE | SEEDS <= {f["code"] for f in found}
    assert not [f for f in found if f["path"].endswith("lookalikes.py")]
    assert "Traceback" not in result.stderr
    assert re.search(r"\d+ findings in \d+ files", result.stderr)


def _key(f):
    return (f["path"].removeprefix("./"), f["line"], f["col"], f["code"])


def test_flake8_reports_the_same_findings_at_the_same_places():
    # run inside the fixtures project, as its developers would (this repo's setup.cfg excludes it)
    cli = {_key(f) for f in parse(cio_lint("check", ".", cwd=FIXTURES).stdout)}
    result = flake8("--select", "CIO", ".", cwd=FIXTURES)
    assert result.returncode == 1, result.stderr
    plugin = {_key(f) for f in parse(result.stdout)}
    # flake8 never runs plugins on a file Python cannot parse (it reports E999 itself)
    assert plugin == {k for k in cli if k[3] != "CIO000"}
    assert CORE | SEEDS <= {k[3] for k in plugin}


def test_python2_file_gives_one_clean_diagnostic_in_both_front_ends():
    path = "fixtures/shop/legacy_py2.py"
    result = cio_lint("check", path)
    assert result.returncode == 1
    assert [f["code"] for f in parse(result.stdout)] == ["CIO000"]
    assert "syntax error" in result.stdout and "Traceback" not in result.stderr
    result = flake8(path)
    assert "E999" in result.stdout and "Traceback" not in result.stderr


def test_json_output_has_the_contract_fields():
    result = cio_lint("check", "fixtures/shop", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data and set(data[0]) == {"code", "name", "message", "help", "path", "line", "column",
                                     "end_line", "end_column", "fix"}
    fixable = [d for d in data if d["fix"]]
    assert fixable and fixable[0]["fix"]["applicability"] in ("safe", "unsafe")


def test_select_and_ignore_by_code_prefix_and_name():
    only = parse(cio_lint("check", "fixtures", "--select", "CIO1,ms-timestamp").stdout)
    assert {f["code"] for f in only} == {"CIO101", "CIO104", "CIO201"}
    rest = parse(cio_lint("check", "fixtures", "--ignore", "CIO3", "--ignore", "event-name-style").stdout)
    assert not {f["code"] for f in rest} & {"CIO301", "CIO302", "CIO501"}
    assert "CIO101" in {f["code"] for f in rest}


def test_exit_codes(tmp_path):
    clean = tmp_path / "clean.py"
    clean.write_text("import customerio\n")
    assert cio_lint("check", str(clean)).returncode == 0
    assert cio_lint("check", "fixtures", "--exit-zero").returncode == 0
    missing = cio_lint("check", str(tmp_path / "nope.py"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_region_comes_from_the_nearest_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cio-lint]\nregion = "eu"\n')
    (tmp_path / "app.py").write_text("from customerio import CustomerIO\nc = CustomerIO('s', 'k')\n")
    assert [f["code"] for f in parse(cio_lint("check", str(tmp_path)).stdout)] == ["CIO401"]
    (tmp_path / "pyproject.toml").write_text('[tool.cio-lint]\nregion = "us"\n')
    assert cio_lint("check", str(tmp_path)).returncode == 0


@pytest.mark.parametrize("table,needle", [
    ('region = "mars"', "region"),
    ('regoin = "eu"', "did you mean 'region'"),
    ('select = ["CIO999"]', "CIO999"),
    ("events = 3", "events"),
])  # fmt: skip
def test_invalid_config_is_one_line_naming_file_and_key(tmp_path, table, needle):
    (tmp_path / "pyproject.toml").write_text(f"[tool.cio-lint]\n{table}\n")
    (tmp_path / "app.py").write_text("import customerio\n")
    result = cio_lint("check", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "pyproject.toml" in result.stderr and needle in result.stderr
    assert "Traceback" not in result.stderr


def test_flake8_reads_cio_region_from_its_config(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\ncio-region = eu\n")
    (tmp_path / "app.py").write_text("from customerio import CustomerIO\nc = CustomerIO('s', 'k')\n")
    result = flake8("--select", "CIO", "app.py", cwd=tmp_path)
    assert [f["code"] for f in parse(result.stdout)] == ["CIO401"]
    result = flake8("--select", "CIO", "--cio-region", "us", "app.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_flake8_noqa_is_flake8s(tmp_path):
    (tmp_path / "app.py").write_text(
        "from customerio import CustomerIO\nc = CustomerIO('s', 'k')\n"
        "c.identify(id='')  # noqa: CIO101\nc.identify(id='')\n"
    )
    result = flake8("--select", "CIO", "app.py", cwd=tmp_path)
    assert [(f["line"], f["code"]) for f in parse(result.stdout)] == [("4", "CIO101")]
    result = cio_lint("check", "app.py", cwd=tmp_path)
    assert [(f["line"], f["code"]) for f in parse(result.stdout)] == [("4", "CIO101")]


def test_flake8_lists_the_plugin():
    assert "cio-lint" in flake8("--version").stdout


def test_off_by_default_rules_need_their_exact_code_in_both_front_ends():
    path = "shop/datetimes.py"
    for selection in (["--select", "CIO"], []):
        assert "CIO202" not in cio_lint("check", path, *selection, cwd=FIXTURES).stdout
        assert "CIO202" not in flake8(*(selection or ["--select", "CIO"]), path, cwd=FIXTURES).stdout
    assert "CIO202" in cio_lint("check", path, "--extend-select", "CIO202", cwd=FIXTURES).stdout
    assert "CIO202" in flake8("--extend-select", "CIO202", path, cwd=FIXTURES).stdout
    assert "CIO202" in flake8("--select", "CIO,CIO202", path, cwd=FIXTURES).stdout
