"""A bad cio-lint setting fails the whole flake8 run (a real `flake8` process), whatever is selected.

Reported per file, it was a CIO000 that `extend-ignore = CIO000` or `--select CIO1,CIO2`
hid: flake8 printed nothing and exited 0 with the plugin silently off (issue 20, item 1).
"""

from __future__ import annotations

import pytest

from tests.test_frontends import flake8

BAD_USE = "from customerio import CustomerIO\nc = CustomerIO('s', 'k')\nc.identify(id='')\n"


@pytest.mark.parametrize("config,args,needle", [
    ("cio-region = europe\nextend-ignore = CIO000\n", [], "setup.cfg: [flake8] cio-region: "),
    ("cio-region = europe\n", ["--select", "CIO1,CIO2"], "setup.cfg: [flake8] cio-region: "),
    ("cio_sdk_version = three\n", ["--select", "CIO1"], "setup.cfg: [flake8] cio-sdk-version: "),
    ("", ["--select", "CIO1", "--cio-region=mars"], "command line: --cio-region: "),
    ("", ["--cio-event-name-pattern", "(", "--extend-ignore", "CIO000"], "command line: --cio-event-name-pattern"),
])  # fmt: skip
def test_bad_option_fails_the_run_with_one_line(tmp_path, config, args, needle):
    (tmp_path / "setup.cfg").write_text("[flake8]\n" + config)
    (tmp_path / "app.py").write_text(BAD_USE)
    result = flake8(*args, "app.py", cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_bad_pyproject_table_fails_the_run_unless_isolated(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cio-lint]\nregoin = "eu"\n')
    (tmp_path / "app.py").write_text(BAD_USE)
    result = flake8("--select", "CIO1", "app.py", cwd=tmp_path)
    assert result.returncode == 2 and "did you mean 'region'" in result.stderr
    result = flake8("--isolated", "--select", "CIO1", "app.py", cwd=tmp_path)
    assert result.returncode == 1 and "CIO101" in result.stdout


def test_good_options_still_run_with_jobs(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\ncio-region = eu\n")
    (tmp_path / "app.py").write_text(BAD_USE)
    (tmp_path / "other.py").write_text(BAD_USE)
    result = flake8("--select", "CIO1", "-j", "2", "app.py", "other.py", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.count("CIO101") == 2, result.stderr


def test_the_plugin_shares_the_cache_and_its_options_move_or_turn_it_off(tmp_path, monkeypatch):
    monkeypatch.delenv("CIO_LINT_NO_CACHE", raising=False)  # (conftest turns it off elsewhere; flake8 inherits it)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    (tmp_path / "app.py").write_text(BAD_USE)
    result = flake8("--select", "CIO1", "--cio-no-cache", "app.py", cwd=tmp_path)
    assert result.returncode == 1 and "CIO101" in result.stdout, result.stderr
    assert not (tmp_path / ".cio_lint_cache").exists()
    result = flake8("--select", "CIO1", "--cio-cache-dir", "elsewhere", "app.py", cwd=tmp_path)
    assert result.returncode == 1 and "CIO101" in result.stdout, result.stderr
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").is_file() and not (tmp_path / ".cio_lint_cache").exists()
    result = flake8("--select", "CIO1", "app.py", cwd=tmp_path)  # the default: the CLI's cache
    assert result.returncode == 1 and (tmp_path / ".cio_lint_cache" / "CACHEDIR.TAG").is_file()
