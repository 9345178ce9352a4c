"""Configuration through the real command: [tool.cio-lint], --config, --isolated, and the one
line (file and key, exit 2) every mistake in it gets (DESIGN.md §5)."""

from __future__ import annotations

import pytest

from tests.integrations.helpers import BAD, cio_lint, readme_block, write


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("table,message", [
    ('regoin = "eu"', "unknown key 'regoin' in [tool.cio-lint] (did you mean 'region'?)"),
    ('per_file_ignore = {}', "unknown key 'per_file_ignore' in [tool.cio-lint] (did you mean 'per-file-ignores'?)"),
    ('region = "mars"', "[tool.cio-lint] region: region must be one of us, eu, got 'mars'"),
    ("events = 3", "[tool.cio-lint] events: expected a list of strings, got 3"),
    ('select = ["CIO999"]', "[tool.cio-lint] select: unknown rule code or name 'CIO999'"),
    ('ignore = ["not-a-rule"]', "[tool.cio-lint] ignore: unknown rule code or name 'not-a-rule'"),
    ('per-file-ignores = { "tests/*" = ["CIO9"] }', "[tool.cio-lint] per-file-ignores.tests/*: unknown rule code"),
    ('per-file-ignores = ["tests/*"]', "[tool.cio-lint] per-file-ignores: expected a table"),
    ('sdk-version = "banana"', "[tool.cio-lint] sdk-version: not a version or PEP 440 range"),
    ('event-name-pattern = "("', "[tool.cio-lint] event-name-pattern: invalid regular expression"),
    ('client-factories = ["nocolon"]', "[tool.cio-lint] client-factories: expected 'module:function'"),
    ('output-format = "xml"', "[tool.cio-lint] output-format: expected one of text, json, json-lines, sarif, github, gitlab, junit, pylint"),
    ("exclude = [1]", "[tool.cio-lint] exclude: expected a list of strings"),
    ("region = ", "invalid TOML"),
])  # fmt: skip
def test_each_config_mistake_is_one_line_naming_file_and_key(in_tmp, table, message):
    write(in_tmp, {"pyproject.toml": f"[tool.cio-lint]\n{table}\n", "app.py": BAD})
    for command in (("check",), ("check", "app.py"), ("config", "app.py")):
        result = cio_lint(*command)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"cio-lint: error: {in_tmp / 'pyproject.toml'}: ")
        assert message in result.stderr and result.stderr.count("\n") == 1


def test_command_line_mistakes_name_the_flag(in_tmp):
    write(in_tmp, {"app.py": BAD})
    result = cio_lint("check", "--sdk-version", "banana")
    assert result.exit_code == 2 and "--sdk-version" in result.stderr and result.stderr.count("\n") == 1
    result = cio_lint("check", "--region", "mars")
    assert result.exit_code == 2 and "'mars' is not one of 'us', 'eu'" in result.stderr
    result = cio_lint("check", "--config", "missing.toml")
    assert result.exit_code == 2 and result.stderr == "cio-lint: error: --config missing.toml: no such file\n"


def test_nearest_pyproject_wins_and_one_without_the_table_is_skipped(in_tmp):
    write(in_tmp, {
        "pyproject.toml": '[tool.cio-lint]\nregion = "eu"\n',
        "eu/app.py": BAD,
        "us/pyproject.toml": '[tool.cio-lint]\nregion = "us"\n',
        "us/app.py": BAD,
        "plain/pyproject.toml": '[project]\nname = "plain"\n',  # no table: keep walking up
        "plain/app.py": BAD,
    })  # fmt: skip
    codes = {(p, c) for p, _, c in cio_lint("check").findings}
    assert ("eu/app.py", "CIO401") in codes and ("plain/app.py", "CIO401") in codes
    assert ("us/app.py", "CIO401") not in codes


def test_config_file_and_isolated(in_tmp):
    write(in_tmp, {
        "pyproject.toml": '[tool.cio-lint]\nignore = ["CIO101"]\n',
        "ci/strict.toml": '[tool.cio-lint]\nregion = "eu"\n',
        "app.py": BAD,
    })  # fmt: skip
    assert cio_lint("check").codes == ["CIO501"]
    assert cio_lint("check", "--config", "ci/strict.toml").codes == ["CIO401", "CIO101", "CIO501"]
    assert cio_lint("check", "--isolated").codes == ["CIO101", "CIO501"]
    assert cio_lint("check", "--isolated", "--region", "eu").codes == ["CIO401", "CIO101", "CIO501"]
    shown = cio_lint("config", "--config", "ci/strict.toml", "app.py").stdout
    assert "ci/strict.toml" in shown and "region:          eu" in shown


def test_the_readme_config_reference_is_valid(in_tmp):
    table = readme_block("cli", "toml", "[tool.cio-lint]")
    for key in ("select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "region",
                "sdk-version", "events", "event-name-pattern", "client-factories", "output-format"):  # fmt: skip
        assert f"\n{key} = " in table
    write(in_tmp, {"pyproject.toml": table, "app.py": BAD})
    result = cio_lint("config", "app.py")
    assert result.exit_code == 0, result.stderr
    assert "region:          eu" in result.stdout
