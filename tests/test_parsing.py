"""The one guarded parse (cio_lint/parsing.py): size cap, nesting guard, a time limit that
includes the parse, regular files only; and the faults it closes, through the real `cio-lint`
command and a real `flake8` process (DESIGN.md section 12, issue 16 items 1, 4, 7)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import libcst as cst
import pytest

from cio_lint import parsing
from cio_lint.engine import lint_source
from cio_lint.parsing import ParseFailure, parse_source, read_source

MISTAKE = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(id='')\n"


def test_a_module_or_a_failure_with_line_column_and_reason():
    assert isinstance(parse_source(b"x = 1\n"), cst.Module)
    failure = parse_source(b"x = 1\ny = (\n")
    assert isinstance(failure, ParseFailure)
    assert failure.reason.startswith("syntax error") and failure.line >= 2
    assert parse_source(b"x = " + b"[" * 2000 + b"]" * 2000) == ParseFailure(
        1, 1, "nested too deeply to parse safely (too many nested parentheses)")


def test_the_size_cap_is_checked_before_anything_is_parsed_and_named(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_SOURCE_BYTES", 100)
    monkeypatch.setattr(parsing, "nesting_problem", lambda data: pytest.fail("parsed over the cap"))
    failure = parse_source(b"#" * 101)
    assert isinstance(failure, ParseFailure)
    assert "101 bytes, more than cio-lint's limit of 100 bytes" in failure.reason
    assert isinstance(parse_source("é" * 51), ParseFailure)  # text: its UTF-8 size counts


def test_the_time_limit_includes_the_parse(monkeypatch):
    def slow_guard(data):  # stands for a parse that never ends
        for _ in range(600):
            time.sleep(0.05)
        pytest.fail("the limit did not stop the parse")

    monkeypatch.setattr(parsing, "nesting_problem", slow_guard)
    failure = parse_source(b"x = 1\n", seconds=0.2)
    assert failure == ParseFailure(1, 1, "parsing it took longer than 0.2s; abandoned")

    monkeypatch.setattr(parsing, "FILE_TIME_LIMIT", 0.2)
    findings = lint_source(MISTAKE)  # the engine's own limit starts before the parse
    assert [(f.code, f.message) for f in findings] == [
        ("CIO000", "cannot check this file: checking it took longer than 0.2s; abandoned (please report this file)")]


def test_an_enclosing_time_limit_is_left_to_its_owner(monkeypatch):
    monkeypatch.setattr(parsing, "nesting_problem", lambda data: time.sleep(5))
    with pytest.raises(parsing.FileTimeout):
        with parsing.time_limit(0.2) as outer:
            assert outer.armed
            parse_source(b"x = 1\n", seconds=100)  # its own limit does not replace the outer one


# ---------------------------------------------------------------------------------------------
# Reading: regular files only, never more than the cap


def test_reading_a_regular_file(tmp_path):
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    assert read_source(tmp_path / "a.py") == (b"x = 1\n", None)
    assert read_source(tmp_path) == (b"", "it is a directory")
    assert read_source(tmp_path / "missing.py")[1] == "cannot read: No such file or directory"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")  # opening it for reading without O_NONBLOCK blocks forever
    assert read_source(tmp_path / "pipe.py") == (b"", "it is a named pipe (FIFO), not a regular file; not read")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_not_read():
    assert read_source("/dev/zero") == (b"", "it is a character device, not a regular file; not read")


def test_over_the_cap_only_a_file_that_mentions_the_sdk_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_SOURCE_BYTES", 1000)
    monkeypatch.setattr(parsing, "_SCAN_CHUNK", 64)  # the needle straddles chunk boundaries
    plain = tmp_path / "data.py"
    plain.write_bytes(b"x = 1\n" * 1000)
    assert read_source(plain) == (b"", None)  # a big generated file that never touches the SDK
    for offset in range(1100, 1200, 7):
        mentions = tmp_path / "big.py"
        mentions.write_bytes(b"#" * offset + b"import customerio\n" + b"#" * 500)
        data, reason = read_source(mentions)
        assert data == b"" and reason is not None, offset
        assert f"more than cio-lint's limit of 1,000 bytes" in reason


# ---------------------------------------------------------------------------------------------
# Issue 16 item 1: an imported project module nested deeply enough to kill LibCST's parser.
# Before: a segfault with no output; with -j 2 BrokenProcessPool; flake8 -j 2 hung; at
# 1,000-1,200 levels the importing file's own finding silently disappeared.

APP = "from shop.cio import client\n" + MISTAKE


def _deep_project(tmp_path, depth, apps=8):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["customerio==2.1"]\n')
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "cio.py").write_text("from customerio import CustomerIO\nclient = CustomerIO('s', 'k')\n"
                                 f"TABLE = {'[' * depth}{']' * depth}\n")  # fmt: skip
    for index in range(apps):  # enough files for --jobs 2 to start worker processes
        (shop / f"app{index}.py").write_text(APP)
    return [f"shop/app{index}.py" for index in range(apps)]


def _assert_each_app_reports(output, apps, sep=":"):
    for app in apps:
        assert f"{app}{sep}4{sep}" in output, output  # its own finding (CIO101 on line 4)
        assert f"{app}{sep}1{sep}1{sep} CIO000 cannot use the imported module shop.cio (shop/cio.py:3: nested too deeply" \
            in output, output  # fmt: skip


def test_a_deep_imported_module_through_the_command_with_two_jobs(tmp_path):
    apps = _deep_project(tmp_path, 2000)
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "-j", "2", *apps], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "BrokenProcessPool" not in result.stderr
    _assert_each_app_reports(result.stdout, apps)


def test_a_deep_imported_module_through_flake8_with_two_jobs(tmp_path):
    apps = _deep_project(tmp_path, 2000)
    result = subprocess.run([sys.executable, "-m", "flake8", "-j", "2", "--select", "CIO", *apps], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)  # a hang fails here  # fmt: skip
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    _assert_each_app_reports(result.stdout, apps)


@pytest.mark.parametrize("depth", [1100, 5000])
def test_a_deep_imported_module_never_hides_the_importers_own_findings(tmp_path, depth):
    from cio_lint.config import Settings
    from tests.helpers import lint_file
    from cio_lint.project import project_for

    apps = _deep_project(tmp_path, depth, apps=1)
    path = tmp_path / apps[0]
    findings = lint_file(path, Settings(), project_for(path, Settings()), display_path=apps[0])
    assert [(f.code, f.line) for f in findings] == [("CIO000", 1), ("CIO101", 4)]
    assert "shop.cio (shop/cio.py:3: nested too deeply to parse safely" in findings[0].message


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="POSIX interval timers")
def test_a_limit_that_expires_at_once_leaves_no_handler_behind():
    """A timer short enough to fire inside __enter__ (before the block begins): the handler
    and the timer are still undone, and the FileTimeout is the limit's own (it was not)."""
    import signal

    before = signal.getsignal(signal.SIGALRM)
    for _ in range(300):
        limit = parsing.time_limit(1e-6)
        try:
            with limit:
                for _ in range(20000):
                    pass
        except parsing.FileTimeout:
            assert limit.armed
        assert signal.getsignal(signal.SIGALRM) is before
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
