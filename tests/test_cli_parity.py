"""What a ruff user reaches for (issue 20): .gitignore respected when walking, exclude and
per-file-ignores on the command line, `[*]` on fixable findings, the whole range underlined,
--show-fixes and --add-noqa. Through the real command (click's runner, in process)."""

from __future__ import annotations

import pytest

from cio_lint.gitignore import parse_line
from tests.integrations.helpers import BAD, cio_lint, write

REGION = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region='eu')\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()  # a git work tree (git itself is not needed to read .gitignore)
    write(tmp_path, {
        ".gitignore": "generated/\n*_pb2.py\n!keep_pb2.py\n/top.py\n",
        "app.py": BAD, "generated/x.py": BAD, "m_pb2.py": BAD, "keep_pb2.py": BAD, "top.py": BAD,
        "sub/top.py": BAD, "sub/.gitignore": "local.py\n", "sub/local.py": BAD,
    })  # fmt: skip
    monkeypatch.chdir(tmp_path)
    return tmp_path


def checked(run):
    return sorted({path for path, _, _ in run.findings})


def test_walking_skips_what_git_ignores(repo):
    assert checked(cio_lint("check")) == ["app.py", "keep_pb2.py", "sub/top.py"]
    assert checked(cio_lint("check", "--no-respect-gitignore")) == [
        "app.py", "generated/x.py", "keep_pb2.py", "m_pb2.py", "sub/local.py", "sub/top.py", "top.py"]
    assert checked(cio_lint("check", "m_pb2.py")) == ["m_pb2.py"]  # named files are checked
    assert checked(cio_lint("check", "sub")) == ["sub/top.py"]  # parents' .gitignore apply below


def test_outside_a_git_work_tree_gitignore_means_nothing(tmp_path, monkeypatch):
    write(tmp_path, {".gitignore": "*.py\n", "app.py": BAD})
    monkeypatch.chdir(tmp_path)
    assert checked(cio_lint("check")) == ["app.py"]


@pytest.mark.parametrize("line,path,is_dir,matches", [
    ("*.py", "a/b/c.py", False, True),
    ("/top.py", "sub/top.py", False, False),
    ("doc/*.py", "doc/a.py", False, True),
    ("doc/*.py", "x/doc/a.py", False, False),  # a '/' in the middle anchors it
    ("**/build", "a/b/build", True, True),
    ("build/", "build", False, False),  # directories only
    ("a/**/z", "a/z", False, True),
    ("[!x]y.py", "zy.py", False, True),
    ("\\#lit", "#lit", False, True),
    ("# comment", "# comment", False, None),
])  # fmt: skip
def test_gitignore_patterns_follow_git(line, path, is_dir, matches):
    rule = parse_line(line)
    if matches is None:
        assert rule is None
        return
    regex, negated, directory_only = rule
    assert bool(regex.match(path) and (is_dir or not directory_only)) is matches


def test_exclude_and_per_file_ignores_on_the_command_line(repo):
    assert checked(cio_lint("check", "--exclude", "sub,keep_pb2.py")) == ["app.py"]
    assert checked(cio_lint("check", "--extend-exclude", "sub")) == ["app.py", "keep_pb2.py"]
    run = cio_lint("check", "--per-file-ignores", "app.py:CIO101", "--per-file-ignores", "sub/*:CIO1,CIO5")
    assert [(p, c) for p, _, c in run.findings] == [("app.py", "CIO501"), ("keep_pb2.py", "CIO101"),
                                                    ("keep_pb2.py", "CIO501")]


def test_fixable_findings_are_marked_and_the_whole_range_underlined(tmp_path, monkeypatch):
    write(tmp_path, {"app.py": REGION + "cio.track('u', 'SignedUp')\n"})
    monkeypatch.chdir(tmp_path)
    out = cio_lint("check", "--show-source").stdout.splitlines()
    assert out[0].startswith("app.py:2:35: CIO402 [*] region= is the string")
    assert out[1:3] == ["    cio = CustomerIO('s', 'k', region='eu')", " " * 38 + "^^^^"]
    assert " CIO501 event " in out[3]  # unsafe fix: marked only with --unsafe-fixes
    assert " CIO501 [*] event " in cio_lint("check", "--unsafe-fixes").stdout


def test_show_fixes_lists_what_fix_applies(tmp_path, monkeypatch):
    write(tmp_path, {"app.py": REGION})
    monkeypatch.chdir(tmp_path)
    assert "Fixable 1 finding:\n- app.py:\n    1 × CIO402 (region-string)" in cio_lint("check", "--show-fixes").stderr
    fixed = cio_lint("check", "--fix", "--show-fixes")
    assert "Fixed 1 finding:\n- app.py:\n    1 × CIO402 (region-string)" in fixed.stderr
    assert "Regions.EU" in (tmp_path / "app.py").read_text()


def test_add_noqa_silences_every_finding_once(tmp_path, monkeypatch):
    source = REGION + "cio.track('', 'SignedUp')  # why\ns = '''x\n'''; cio.identify(id='')\n"
    write(tmp_path, {"app.py": source})
    monkeypatch.chdir(tmp_path)
    result = cio_lint("check", "--add-noqa")
    assert result.exit_code == 0 and "Added 4 noqa directives." in result.stderr
    lines = (tmp_path / "app.py").read_text().splitlines()
    assert lines[2] == "cio.track('', 'SignedUp')  # why  # noqa: CIO101,CIO501"
    assert lines[4] == "'''; cio.identify(id='')  # noqa: CIO101"  # after the string's last line
    assert cio_lint("check").exit_code == 0
    assert "Added 0 noqa directives." in cio_lint("check", "--add-noqa").stderr
    assert cio_lint("check", "--add-noqa", "--fix").exit_code == 2
