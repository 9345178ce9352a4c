"""--fix, --unsafe-fixes and --diff through the real command (DESIGN.md §7)."""

from __future__ import annotations

import ast
import os
import shutil
import stat

import pytest

from cio_lint.rules import rule_for
from tests.conftest import FIXTURES
from tests.integrations.helpers import cio_lint, cio_lint_process

needs_cio402 = pytest.mark.skipif(rule_for("CIO402") is None, reason="CIO402 region-string not built yet")

#: a safe fix (CIO402: region string -> Regions.EU, adding the import) and an unsafe one
#: (CIO501: event name -> snake_case)
SOURCE = '''\
from customerio import CustomerIO

cio = CustomerIO("site", "key", region="eu")
cio.track("u1", "SignedUp")
'''
SAFE_FIXED = '''\
from customerio import CustomerIO, Regions

cio = CustomerIO("site", "key", region=Regions.EU)
cio.track("u1", "SignedUp")
'''
ALL_FIXED = SAFE_FIXED.replace('"SignedUp"', '"signed_up"')


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_diff_writes_nothing_and_exits_1_when_there_are_fixes(in_tmp):
    (in_tmp / "app.py").write_text("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
                                   "cio.track('u1', 'SignedUp')")  # no final newline  # fmt: skip
    before = _snapshot(in_tmp)
    safe_only = cio_lint("check", "--diff")
    assert safe_only.exit_code == 0 and safe_only.stdout == ""  # CIO501's fix is unsafe
    assert safe_only.stderr == "No fixes to apply.\n"
    result = cio_lint("check", "--diff", "--unsafe-fixes")
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/app.py\n+++ b/app.py\n@@ -1,3 +1,3 @@\n from customerio import CustomerIO\n"
        " cio = CustomerIO('s', 'k')\n-cio.track('u1', 'SignedUp')\n\\ No newline at end of file\n"
        "+cio.track('u1', 'signed_up')\n\\ No newline at end of file\n"
    )
    assert result.stderr == "Would fix 1 finding in 1 file.\n"
    assert _snapshot(in_tmp) == before
    # -o takes the diff
    assert cio_lint("check", "--diff", "--unsafe-fixes", "-o", "fixes.diff").stdout == ""
    assert (in_tmp / "fixes.diff").read_text() == result.stdout


@needs_cio402
def test_fix_applies_safe_fixes_and_unsafe_fixes_only_when_asked(in_tmp):
    app = in_tmp / "app.py"
    app.write_text(SOURCE)
    result = cio_lint("check", "--fix")
    assert app.read_text() == SAFE_FIXED
    assert result.exit_code == 1 and result.codes == ["CIO501"]  # what is left
    assert result.stderr == "Fixed 1 finding.\n1 finding in 1 file, 1 fixable with --unsafe-fixes; 1 file checked.\n"
    result = cio_lint("check", "--fix", "--unsafe-fixes")
    assert app.read_text() == ALL_FIXED
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "Fixed 1 finding.\nNo findings; 1 file checked.\n"
    again = cio_lint("check", "--fix", "--unsafe-fixes")
    assert again.exit_code == 0 and "Fixed" not in again.stderr and app.read_text() == ALL_FIXED
    assert not [p.name for p in in_tmp.iterdir() if p.name != "app.py"]  # no temporary files left


@needs_cio402
@pytest.mark.parametrize("kind", ["bom", "crlf", "latin-1", "mode"])
def test_fix_keeps_bom_line_endings_encoding_and_mode(in_tmp, kind):
    app = in_tmp / "app.py"
    source, expected = SOURCE, ALL_FIXED
    if kind == "latin-1":
        head = "# -*- coding: latin-1 -*-\n# café\n"
        source, expected = head + source, head + expected
    if kind == "crlf":
        source, expected = source.replace("\n", "\r\n"), expected.replace("\n", "\r\n")
    encoding = {"bom": "utf-8-sig", "latin-1": "latin-1"}.get(kind, "utf-8")
    app.write_bytes(source.encode(encoding))
    mode = 0o751 if kind == "mode" else 0o640
    os.chmod(app, mode)
    result = cio_lint("check", "--fix", "--unsafe-fixes")
    assert result.exit_code == 0, result.stdout
    data = app.read_bytes()
    assert data == expected.encode(encoding)
    assert data.startswith(b"\xef\xbb\xbf") is (kind == "bom")
    if kind == "crlf":
        assert data.count(b"\r\n") == data.count(b"\n") == 4
    assert stat.S_IMODE(app.stat().st_mode) == mode
    assert "Fixed 2 findings." in result.stderr
    assert cio_lint("check", "--diff", "--unsafe-fixes").exit_code == 0  # nothing left to do


@needs_cio402
def test_fix_on_stdin_prints_the_fixed_source_and_reports_on_stderr(in_tmp):
    result = cio_lint("check", "--fix", "--stdin-filename", "app.py", "-", input=SOURCE + 'cio.identify(id="")\n')
    assert result.stdout == SAFE_FIXED + 'cio.identify(id="")\n'
    assert "app.py:4:17: CIO501" in result.stderr and "app.py:5:17: CIO101" in result.stderr
    assert result.exit_code == 1
    clean = cio_lint("check", "--fix", "--unsafe-fixes", "-", input=SOURCE)
    assert clean.stdout == ALL_FIXED and clean.exit_code == 0


def test_fix_then_fix_again_on_a_copy_of_the_fixtures(tmp_path):
    project = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, project)
    before = _snapshot(project)

    diff = cio_lint_process("check", "--diff", "--unsafe-fixes", ".", cwd=project)
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/")
    assert _snapshot(project) == before, "--diff must leave every file byte-identical"

    first = cio_lint_process("check", "--fix", "--unsafe-fixes", ".", cwd=project)
    assert "Fixed" in first.stderr and "Traceback" not in first.stderr
    after = _snapshot(project)
    changed = [p for p in after if after[p] != before[p]]
    assert changed, "the fixtures have fixable findings"
    # exactly the files the diff named, and each still parses
    assert sorted(p.relative_to(project).as_posix() for p in changed) == sorted(
        line[len("--- a/"):] for line in diff.stdout.splitlines() if line.startswith("--- a/")
    )
    for path in changed:
        ast.parse(path.read_bytes(), filename=str(path))

    second = cio_lint_process("check", "--fix", "--unsafe-fixes", ".", cwd=project)
    assert "Fixed" not in second.stderr
    assert _snapshot(project) == after, "a second --fix must change nothing"
    rediff = cio_lint_process("check", "--diff", "--unsafe-fixes", ".", cwd=project)
    assert rediff.returncode == 0 and rediff.stdout == ""


@pytest.mark.skipif(rule_for("CIO601") is None, reason="CIO601 track-signature not built yet")
def test_track_signature_fix_through_the_cli(in_tmp):
    app = in_tmp / "app.py"
    app.write_text("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
                   "cio.track('u1', 'signed_up', plan='pro')\n")
    result = cio_lint("check", "--fix", "--sdk-version", "3.2.0")
    assert result.exit_code == 0, result.stdout
    assert app.read_text().endswith("cio.track('u1', 'signed_up', data={\"plan\": 'pro'})\n")
