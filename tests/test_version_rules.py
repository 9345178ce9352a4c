"""Version awareness end to end: the same code judged by the project's detected customerio."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = """\
from customerio import CustomerIO

cio = CustomerIO("site", "key")
cio.track("u1", "plan_changed", plan="pro")
cio.track("u2", "plan_changed", plan="free", seats=2)
"""


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("declaration,expected,explained", [
    ('dependencies = ["customerio==2.4"]', 0, "customerio==2.4"),
    ('dependencies = ["customerio>=2.4"]', 2, "customerio>=2.4 (newest admitted release 3.2.0)"),
    # no pin: the customerio installed in the running environment (3.2.0 in the test env)
    ("dependencies = []", 2, "installed in this environment"),
])  # fmt: skip
def test_track_signature_follows_the_detected_version(tmp_path, declaration, expected, explained):
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\nversion = "0"\n{declaration}\n')
    (tmp_path / "app.py").write_text(CODE)
    result = run("cio_lint", "check", ".", "--select", "CIO601", cwd=tmp_path)
    assert result.stdout.count("CIO601") == expected, result.stdout + result.stderr
    config = run("cio_lint", "config", ".", cwd=tmp_path)
    assert explained in config.stdout, config.stdout
    assert "decided by" in config.stdout


def test_config_names_the_file_and_line_that_decided(tmp_path):
    (tmp_path / "requirements.txt").write_text("requests\ncustomerio==2.4  # pinned for py2 reasons\n")
    config = run("cio_lint", "config", ".", cwd=tmp_path)
    assert "requirements.txt:2" in config.stdout, config.stdout


def test_sdk_version_setting_overrides_detection(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["customerio==2.4"]\n'
                                             '[tool.cio-lint]\nsdk-version = "3.2.0"\n')  # fmt: skip
    (tmp_path / "app.py").write_text(CODE)
    assert run("cio_lint", "check", ".", cwd=tmp_path).stdout.count("CIO601") == 2


CONFLICT = '[project]\nname = "x"\ndependencies = ["customerio>=3", "customerio-cdp-analytics>=1.1"]\n'


@pytest.mark.parametrize("front_end", ["cio_lint", "flake8"])
def test_distribution_conflict_reported_at_the_sdk_import(tmp_path, front_end):
    (tmp_path / "pyproject.toml").write_text(CONFLICT)
    (tmp_path / "app.py").write_text("import os\nfrom customerio import CustomerIO\n")
    args = ("check", ".") if front_end == "cio_lint" else ("--select", "CIO", ".")
    result = run(front_end, *args, cwd=tmp_path)
    assert "app.py:2:1: CIO604" in result.stdout, result.stdout + result.stderr
    assert "pyproject.toml:3" in result.stdout


def test_cli_also_reports_the_conflict_at_both_dependency_lines(tmp_path):
    (tmp_path / "pyproject.toml").write_text(CONFLICT)
    (tmp_path / "app.py").write_text("from customerio import CustomerIO\n")
    result = run("cio_lint", "check", ".", "--format", "json", cwd=tmp_path)
    import json

    places = {(f["path"], f["line"]) for f in json.loads(result.stdout) if f["code"] == "CIO604"}
    assert places == {("app.py", 1), ("pyproject.toml", 3)}, result.stdout
    assert "1 file checked" in result.stderr
