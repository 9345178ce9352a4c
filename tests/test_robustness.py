"""Never crash, never corrupt, never leak, never execute (DESIGN.md section 12).

Bad input one by one through the real `cio-lint` command (a child process, so that "no
traceback" and "the process survives" are what is tested), the engine on the nastiest inputs
the torture run (bench/torture.py) met, fixes that must not corrupt a file, and credentials
that must never reach an output.

Documented outcomes (README "Robustness"):
    missing path ........................ exit 2, one line on stderr
    directory named x.py ................ walked like any directory: exit 0, nothing to check
    unreadable file, broken symlink ..... CIO000 "cannot read: ...", exit 1
    empty file, 100,000 lines ........... checked normally
    nesting too deep .................... CIO000 "nested too deeply ...", exit 1
    CRLF, CR, form feed, BOM, latin-1 ... checked normally, findings on the right lines
    broken pyproject / [tool.cio-lint] .. exit 2, one line naming the file and the key
    tool = 3 (valid TOML, wrong shape) .. exit 2, one line; flake8 fails the run once
    FIFO, /dev/zero, over 2 MB .......... CIO000 saying what it is, never read whole, exit 1
    UTF-16 source ....................... CIO000 saying so, exit 1
    unreadable directory ................ reported after the report, exit 2
    --fix: edit saved meanwhile, read-only file, failed write .. not written, reported, exit 2;
           symlinks, hard links, owner/group/mode kept; no temporary file left behind
    Ctrl-C .............................. exit 130; -o over an input, closed stdin, full disk: exit 2
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cio_lint import cli, fix
from cio_lint.config import settings_from_mapping
from cio_lint.engine import lint_source
from cio_lint.finding import Edit, Finding, Fix
from tests.conftest import FIXTURES, REPO

MISTAKE = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(id='')\n"


def cio_lint(*args, cwd=REPO, timeout=120):
    return subprocess.run([sys.executable, "-m", "cio_lint", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip


def assert_clean_exit(result, code):
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def codes_and_lines(findings):
    return [(f.code, f.line) for f in findings]


# ---------------------------------------------------------------------------------------------
# Paths


def test_missing_path_is_one_line_and_exit_2(tmp_path):
    result = cio_lint("check", str(tmp_path / "nope.py"))
    assert_clean_exit(result, 2)
    assert result.stderr.count("\n") == 1 and "no such file" in result.stderr


def test_directory_named_like_a_python_file_is_walked_not_read(tmp_path):
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_text(MISTAKE)
    result = cio_lint("check", str(tmp_path / "x.py"))
    assert_clean_exit(result, 1)
    assert "inner.py:3:" in result.stdout and "CIO101" in result.stdout
    (tmp_path / "x.py" / "inner.py").unlink()
    result = cio_lint("check", str(tmp_path))
    assert_clean_exit(result, 0)
    assert "0 files checked" in result.stderr


def test_broken_symlink_is_a_cio000_with_the_reason(tmp_path):
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")
    for target in (tmp_path / "gone.py", tmp_path):
        result = cio_lint("check", str(target))
        assert_clean_exit(result, 1)
        assert "CIO000 cannot check this file: cannot read: No such file or directory" in result.stdout


def test_unreadable_file_is_a_cio000_with_the_reason(tmp_path, monkeypatch):
    # Tests run as root here, and root reads a chmod 000 file anyway: make the read itself fail
    # the way the kernel would (EACCES) for this one path, through the real command in-process.
    target = tmp_path / "secret.py"
    target.write_text(MISTAKE)
    real = os.open

    def os_open(path, *args, **kw):
        if os.fspath(path) == str(target):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kw)

    monkeypatch.setattr(os, "open", os_open)
    result = CliRunner().invoke(cli.cli, ["check", str(target)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "CIO000 cannot check this file: cannot read: Permission denied" in result.output


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads chmod 000 files")
def test_unreadable_file_for_real(tmp_path):
    target = tmp_path / "secret.py"
    target.write_text(MISTAKE)
    target.chmod(0)
    try:
        result = cio_lint("check", str(target))
    finally:
        target.chmod(0o644)
    assert_clean_exit(result, 1)
    assert "cannot read: Permission denied" in result.stdout


def test_empty_file_is_clean(tmp_path):
    (tmp_path / "empty.py").write_bytes(b"")
    assert_clean_exit(cio_lint("check", str(tmp_path / "empty.py")), 0)
    assert lint_source(b"") == [] and lint_source(b"customerio") == []


def test_a_100000_line_file_is_checked_to_the_end(monkeypatch):
    from cio_lint import parsing

    # What is tested is that nothing stops early, not how fast: under load the file could
    # outlast the time limit, so it is off here (the limit has its own tests).
    monkeypatch.setattr(parsing, "FILE_TIME_LIMIT", 0)
    source = "import customerio\n" + "pass\n" * 100_000 + MISTAKE
    findings = lint_source(source)
    assert codes_and_lines(findings) == [("CIO101", 100_004)]


# ---------------------------------------------------------------------------------------------
# Nesting: LibCST's native parser recurses on the C stack; a few thousand levels would kill the
# process (a segfault, no traceback to catch). The engine refuses such files before they reach it.

DEEP = {
    "brackets 1000": "x = " + "(" * 1000 + "1" + ")" * 1000,
    "lists 5000": "x = " + "[" * 5000 + "]" * 5000,
    "dicts 3000": "x = " + "{1: " * 3000 + "1" + "}" * 3000,
    "calls 3000": "x = " + "f(" * 3000 + ")" * 3000,
    "unary 20000": "x = " + "-" * 20000 + "1",
    "not 5000": "x = " + "not " * 5000 + "1",
    "binary chain 20000": "x = 1" + " + 1" * 20000,
    "attribute chain 10000": "x = a" + ".b" * 10000,
    "lambda chain 5000": "x = " + "lambda: " * 5000 + "1",
    "power chain 5000": "x = 2" + " ** 2" * 5000,
    "conditional chain 3000": "x = 1" + " if 1 else 1" * 3000,
}


@pytest.mark.parametrize("name", DEEP)
def test_deep_nesting_is_a_cio000_not_a_crash(name):
    findings = lint_source(f"import customerio\n{DEEP[name]}\n")
    assert [f.code for f in findings] == ["CIO000"]
    assert "nested too deeply" in findings[0].message


def test_deep_nesting_through_the_command_exits_1_without_a_crash(tmp_path):
    for index, name in enumerate(DEEP):
        (tmp_path / f"deep_{index}.py").write_text(f"import customerio\n{DEEP[name]}\n")
    (tmp_path / "fine.py").write_text(MISTAKE)
    result = cio_lint("check", str(tmp_path))
    assert_clean_exit(result, 1)
    assert result.stdout.count("nested too deeply") == len(DEEP)
    assert "fine.py:3:" in result.stdout  # the run went on past them


def test_moderate_nesting_is_still_checked():
    # 150 levels: CPython and LibCST parse it; the analysis either completes or reports
    # "nested too deeply to analyse" (Python's recursion limit), never raises.
    source = MISTAKE + "x = " + "[" * 150 + "]" * 150 + "\n"
    findings = lint_source(source)
    assert ("CIO101", 3) in codes_and_lines(findings) or [f.code for f in findings] == ["CIO000"]
    assert codes_and_lines(lint_source(MISTAKE + "y = " + "(" * 50 + "1" + ")" * 50 + "\n")) == [("CIO101", 3)]


def test_a_file_whose_analysis_never_ends_is_abandoned_with_a_cio000(monkeypatch):
    import signal
    import time

    from cio_lint import parsing
    from cio_lint.rules.empty_identifier import EmptyIdentifier

    def stuck(self, node):  # a rule step that is quadratic on some pathological file
        time.sleep(0.2)

    monkeypatch.setattr(EmptyIdentifier, "visit_Call", stuck)
    monkeypatch.setattr(parsing, "FILE_TIME_LIMIT", 0.5)
    findings = lint_source(MISTAKE + "f()\n" * 20)
    assert [f.code for f in findings] == ["CIO000"]
    assert "took longer than 0.5s" in findings[0].message
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the timer is disarmed
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)  # and the handler restored
    monkeypatch.undo()
    assert codes_and_lines(lint_source(MISTAKE)) == [("CIO101", 3)]  # the next file is fine


# ---------------------------------------------------------------------------------------------
# Line endings and encodings: findings on the right line, through bytes as the CLI reads them


@pytest.mark.parametrize("name,data,line", [
    ("CRLF", MISTAKE.replace("\n", "\r\n").encode(), 3),
    ("CR only", MISTAKE.replace("\n", "\r").encode(), 3),
    ("form feed", ("\f\n" + MISTAKE.replace("cio.identify", "\fcio.identify")).encode(), 4),
    ("BOM", b"\xef\xbb\xbf" + MISTAKE.encode(), 3),
    ("latin-1 cookie", ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + MISTAKE).encode("latin-1"), 5),
    ("mixed endings", b"import customerio\r\nfrom customerio import CustomerIO\rcio = CustomerIO('s', 'k')\n"
                      b"cio.identify(id='')\r\n", 4),
])  # fmt: skip
def test_line_endings_and_encodings(tmp_path, name, data, line):
    assert codes_and_lines(lint_source(data)) == [("CIO101", line)]
    path = tmp_path / "app.py"
    path.write_bytes(data)
    result = cio_lint("check", str(path))
    assert_clean_exit(result, 1)
    assert f"app.py:{line}:" in result.stdout


# ---------------------------------------------------------------------------------------------
# The nastiest inputs the torture run met (bench/torture.py), kept as a deterministic sample

NASTY = {
    "python 2 print": b"import customerio\nprint 'hello'\n",
    "python 2 exec and backticks": b"import customerio\nexec 'x = 1'\ny = `x`\n",
    "tabs and spaces": b"import customerio\nif True:\n\tx = 1\n        y = 2\n",
    "null byte": b"import customerio\nx = 1\x00\n",
    "undecodable utf-8": b"import customerio\nx = '\xff\xfe'\n",
    "invalid utf-8 after a cookie": b"# -*- coding: utf-8 -*-\nimport customerio\nx = '\xc3\x28'\n",
    "unknown coding cookie": b"# -*- coding: klingon -*-\nimport customerio\n",
    "utf-16 with BOM": "import customerio\n".encode("utf-16"),
    "binary": bytes(range(256)) + b"customerio",
    "unterminated triple quote": b'import customerio\nx = """never closed\n',
    "bytes and str concatenated": b"import customerio\nx = 'a' b'b'\n",
    "lone continuation": b"import customerio\nx = 1 + \\\n",
    "only a BOM": b"\xef\xbb\xbfcustomerio",
    "dedent to nowhere": b"import customerio\nif x:\n        a\n    b\n",
    "lib2to3 style bad grammar": b"import customerio\ndef f(a, (b, c)):\n    pass\n",
    "walrus at module level": b"import customerio\n(y := 10)\n",
    "f-string nested quotes": b"import customerio\nx = f'{\"a\"}'\n",
    "escape warnings": b"import customerio\nx = '\\d'\n",
}


#: what each nasty input gives: (line, the CIO000's reason) or None when it is fine Python
#: with nothing to report
NASTY_EXPECTED = {
    "python 2 print": (2, "syntax error: Python 2 print statement (Python 3: print(...))"),
    "python 2 exec and backticks": (2, "syntax error: Python 2 exec statement (Python 3: exec(...))"),
    "tabs and spaces": (4, "syntax error: inconsistent use of tabs and spaces in indentation"),
    "null byte": (1, "syntax error: source code string cannot contain null bytes"),
    "undecodable utf-8": (1, "cannot decode the file: 'utf-8' codec can't decode byte 0xff"),
    "invalid utf-8 after a cookie": (1, "cannot decode the file: 'utf-8' codec can't decode byte 0xc3"),
    "unknown coding cookie": (1, "cannot decode the file: unknown encoding: klingon"),
    "utf-16 with BOM": (1, "it is UTF-16 text (it starts with a UTF-16 byte-order mark)"),
    "binary": (1, "cannot decode the file: 'utf-8' codec can't decode byte 0x80"),
    "unterminated triple quote": (2, "syntax error: unterminated triple-quoted string literal"),
    "bytes and str concatenated": (2, "syntax error: cannot mix bytes and nonbytes literals"),
    "lone continuation": (2, "syntax error: unexpected EOF while parsing"),
    "only a BOM": None,
    "dedent to nowhere": (4, "syntax error: unindent does not match any outer indentation level"),
    "lib2to3 style bad grammar": (2, "syntax error: Python 2 tuple parameter (unpack it in the body)"),
    "walrus at module level": None,
    "f-string nested quotes": None,
    "escape warnings": None,
}  # fmt: skip


def test_every_nasty_input_has_an_expected_outcome():
    assert set(NASTY_EXPECTED) == set(NASTY)


@pytest.mark.parametrize("name", NASTY)
def test_nasty_input_gives_findings_or_a_reasoned_cio000(name):
    findings = lint_source(NASTY[name])
    expected = NASTY_EXPECTED[name]
    if expected is None:
        assert findings == []
        return
    line, reason = expected
    assert [(f.code, f.line) for f in findings] == [("CIO000", line)], findings
    assert findings[0].message.startswith(f"cannot check this file: {reason}"), findings[0].message


def test_nasty_inputs_through_the_command(tmp_path):
    for index, data in enumerate(NASTY.values()):
        (tmp_path / f"nasty_{index:02d}.py").write_bytes(data)
    result = cio_lint("check", str(tmp_path), "--format", "json")
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr
    assert f"{len(NASTY)} files checked" in result.stderr


# ---------------------------------------------------------------------------------------------
# Configuration


@pytest.mark.parametrize("content,needle", [
    ("[tool.cio-lint\nregion = 'eu'\n", "invalid TOML"),
    ("[tool.cio-lint]\nregion = 'eu'\nregion = 'us'\n", "invalid TOML"),
    ("[tool.cio-lint]\nunknown-key = 1\n", "unknown-key"),
    ("[tool.cio-lint]\nregion = 3\n", "region"),
    ("[tool.cio-lint]\nselect = 'CIO1'\nignore = 5\n", "ignore"),
    ("[tool.cio-lint]\nregion = 'mars'\n", "mars"),
    ("[tool.cio-lint]\nselect = ['CIO999']\n", "CIO999"),
    ("[tool.cio-lint]\nevent-name-pattern = '('\n", "event-name-pattern"),
    ("[tool]\ncio-lint = 'not a table'\n", "tool.cio-lint must be a table ([tool.cio-lint]), got a string"),
    ("tool = 3\n", "tool must be a table ([tool]), got an integer (3)"),
    ("tool = [1, 2]\n", "tool must be a table ([tool]), got an array"),
    ("[tool]\ncio-lint = 2024-01-01\n", "tool.cio-lint must be a table ([tool.cio-lint]), got a date"),
    ("[tool.cio-lint]\nper-file-ignores = [['a', 'b']]\n", "per-file-ignores"),
    (b"\xff\xfe[tool.cio-lint]\n", "pyproject.toml"),
])  # fmt: skip
def test_bad_configuration_is_one_line_and_exit_2(tmp_path, content, needle):
    pyproject = tmp_path / "pyproject.toml"
    if isinstance(content, bytes):
        pyproject.write_bytes(content)
    else:
        pyproject.write_text(content)
    (tmp_path / "app.py").write_text(MISTAKE)
    for args in (("check", str(tmp_path)), ("config", str(tmp_path / "app.py"))):
        result = cio_lint(*args)
        assert_clean_exit(result, 2)
        assert result.stderr.count("\n") == 1, result.stderr
        assert "pyproject.toml" in result.stderr and needle in result.stderr


# ---------------------------------------------------------------------------------------------
# Fixes never corrupt


def test_write_failing_midway_leaves_the_original_byte_identical(tmp_path, monkeypatch):
    path = tmp_path / "app.py"
    original = b"\xef\xbb\xbfx = 1\r\n"
    path.write_bytes(original)
    path.chmod(0o640)

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fix.os, "replace", failing_replace)
    with pytest.raises(OSError):
        fix.write_atomically(path, b"x = 2\n")
    assert path.read_bytes() == original
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]  # no temporary file left

    monkeypatch.undo()
    fix.write_atomically(path, b"x = 2\n")
    assert path.read_bytes() == b"x = 2\n" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_fix_through_the_command_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "app.py"
    original = FIX_SOURCE.encode()
    path.write_bytes(original)
    monkeypatch.setattr(fix.os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError(28, "No space left")))
    result = CliRunner().invoke(cli.cli, ["check", "--fix", "--unsafe-fixes", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "No space left" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]


def test_write_interrupted_while_writing_leaves_the_original(tmp_path, monkeypatch):
    path = tmp_path / "app.py"
    path.write_bytes(b"original\n")

    def failing_fsync(fd):
        raise KeyboardInterrupt  # BaseException: Ctrl-C in the middle of the write

    monkeypatch.setattr(fix.os, "fsync", failing_fsync)
    with pytest.raises(KeyboardInterrupt):
        fix.write_atomically(path, b"new\n" * 1000)
    assert path.read_bytes() == b"original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]


def test_a_fix_whose_result_would_not_parse_is_dropped_and_reported():
    text = "import customerio\nx = 1\n"
    broken = Finding("a.py", 2, 1, "CIO501", "event-name-style", "m", 2, 2,
                     Fix("safe", (Edit(2, 1, 2, 2, "x = ("),)))  # fmt: skip
    result = fix.fix_text(text, [broken])
    assert result.text == text and result.applied == [] and result.rejected == [broken]


FIX_SOURCE = (
    "from customerio import CustomerIO\n"
    "cio = CustomerIO('s', 'k')\n"
    "cio.track('1', 'SignedUp')  # caf\u00e9\n"
)


@pytest.mark.parametrize("name,encode,mode", [
    ("BOM and CRLF", lambda s: b"\xef\xbb\xbf" + s.replace("\n", "\r\n").encode("utf-8"), 0o755),
    ("latin-1 cookie, CR only", lambda s: ("# -*- coding: latin-1 -*-\n" + s).replace("\n", "\r").encode("latin-1"),
     0o600),
    ("plain utf-8", lambda s: s.encode("utf-8"), 0o644),
])  # fmt: skip
def test_fix_keeps_encoding_bom_line_endings_and_mode(tmp_path, name, encode, mode):
    path = tmp_path / "app.py"
    before = encode(FIX_SOURCE)
    path.write_bytes(before)
    path.chmod(mode)
    result = cio_lint("check", "--fix", "--unsafe-fixes", "--select", "CIO501", str(path))
    assert "Traceback" not in result.stderr
    after = path.read_bytes()
    assert after == before.replace(b"'SignedUp'", b"'signed_up'"), (before, after)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_fix_is_idempotent_on_every_fixture(tmp_path):
    tree = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, tree)
    cio_lint("check", "--fix", "--unsafe-fixes", ".", cwd=tree)
    after_first = {p: p.read_bytes() for p in sorted(tree.rglob("*.py"))}
    second = cio_lint("check", "--fix", "--unsafe-fixes", ".", cwd=tree)
    assert "Traceback" not in second.stderr
    assert "Fixed" not in second.stderr
    assert {p: p.read_bytes() for p in sorted(tree.rglob("*.py"))} == after_first
    diff = cio_lint("check", "--diff", "--unsafe-fixes", ".", cwd=tree)
    assert diff.stdout == "" and diff.returncode == 0
    for path, data in after_first.items():  # and every fixed file still parses
        if path.name != "legacy_py2.py":
            compile(data, str(path), "exec")


# ---------------------------------------------------------------------------------------------
# Never leak, never execute

SECRET = "7c2e9a41d0b83f56e1a9"  # not the rule docs' example: SARIF carries those docs
OTHER_SECRET = "a83f0c6d2e91b7f4c05d"
LEAKY = f"from customerio import CustomerIO\ncio = CustomerIO(site_id='{SECRET}', api_key='{OTHER_SECRET}')\n"


def _cio303():
    from cio_lint.rules import rule_for

    return rule_for("CIO303")


@pytest.mark.skipif(_cio303() is None, reason="CIO303 (hardcoded-credential) not built yet")
@pytest.mark.parametrize("fmt,extra", [
    ("text", ["--statistics"]), ("text", ["--show-source"]), ("json", []), ("sarif", []), ("github", []),
])  # fmt: skip
def test_credentials_never_reach_any_output(tmp_path, fmt, extra):
    (tmp_path / "app.py").write_text(LEAKY)
    result = cio_lint("check", "--format", fmt, *extra, str(tmp_path / "app.py"))
    assert result.returncode == 1 and "CIO303" in result.stdout
    for secret in (SECRET, OTHER_SECRET):
        assert secret not in result.stdout and secret not in result.stderr
        assert secret[4:-4] not in result.stdout  # no unmasked middle either


@pytest.mark.skipif(_cio303() is None, reason="CIO303 (hardcoded-credential) not built yet")
def test_credentials_never_reach_flake8_output(tmp_path):
    (tmp_path / "app.py").write_text(LEAKY)
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "CIO", "app.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "CIO303" in result.stdout and SECRET not in result.stdout + result.stderr


def test_project_code_is_never_executed(tmp_path):
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\n" + payload + "setup(name='app', install_requires=['customerio>=3.2'])\n"
    )
    (tmp_path / "conftest.py").write_text(payload)
    (tmp_path / "customerio_settings.py").write_text(payload + "import customerio\n")
    (tmp_path / "app.py").write_text("import customerio_settings\n" + payload + MISTAKE)
    check = cio_lint("check", str(tmp_path), cwd=tmp_path)
    config = cio_lint("config", str(tmp_path / "app.py"), cwd=tmp_path)
    assert check.returncode == 1 and "CIO101" in check.stdout
    assert config.returncode == 0 and ">=3.2" in config.stdout  # setup.py was read, as text
    assert not marker.exists()


def test_a_wrong_shape_in_pyproject_fails_a_flake8_run_once(tmp_path):
    (tmp_path / "pyproject.toml").write_text("tool = 3\n")
    for index in range(3):
        (tmp_path / f"app{index}.py").write_text(MISTAKE)
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "CIO", "."], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("tool must be a table ([tool]), got an integer (3)") == 1, result.stderr
    assert "app0.py" not in result.stdout  # a configuration error for the run, not per file


@pytest.mark.parametrize("key", ["select", "ignore", "extend-select", "exclude", "extend-exclude", "region",
                                 "sdk-version", "events", "event-name-pattern", "client-factories",
                                 "per-file-ignores", "output-format", "tracking-plan"])  # fmt: skip
def test_every_key_with_every_toml_shape_is_a_value_or_a_config_error(key):
    import datetime

    from cio_lint.config import KEYS, ConfigError, settings_from_mapping

    assert key in KEYS
    for value in (3, 1.5, True, "x", [], [1], [[1]], ["a", 2], {}, {"a": 1}, {"a": [1]},
                  datetime.date(2024, 1, 1), [{"a": 1}]):  # fmt: skip
        try:
            settings = settings_from_mapping({key: value}, "pyproject.toml")
        except ConfigError as exc:
            assert str(exc).startswith("pyproject.toml: [tool.cio-lint] "), exc
        else:
            assert settings.source == "pyproject.toml"


# ---------------------------------------------------------------------------------------------
# Only regular files; unreadable directories are reported (issue 16 items 3 and 9)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_or_walked_is_skipped_with_a_cio000(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "fine.py").write_text(MISTAKE)
    for target in (str(tmp_path / "pipe.py"), str(tmp_path)):
        result = cio_lint("check", target, timeout=60)  # before: blocked forever on the open
        assert_clean_exit(result, 1)
        assert "pipe.py:1:1: CIO000 cannot check this file: it is a named pipe (FIFO), not a regular file" \
            in result.stdout  # fmt: skip
    assert "fine.py:3:" in result.stdout


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_named_explicitly_is_not_read():
    result = cio_lint("check", "/dev/zero", timeout=60)  # before: read until memory ran out
    assert_clean_exit(result, 1)
    assert result.stdout == "/dev/zero:1:1: CIO000 cannot check this file: it is a character device, " \
                            "not a regular file; not read\n"  # fmt: skip


def test_a_file_over_the_size_cap_is_a_cio000_naming_the_cap(tmp_path, monkeypatch):
    from cio_lint import parsing

    monkeypatch.setattr(parsing, "MAX_SOURCE_BYTES", 10_000)
    (tmp_path / "big.py").write_text(MISTAKE + "# padding\n" * 2000)
    (tmp_path / "data.py").write_text("x = 1\n" * 5000)  # as large, but never mentions the SDK
    result = CliRunner().invoke(cli.cli, ["check", str(tmp_path), "--isolated"])
    assert result.exit_code == 1, result.output
    size = (tmp_path / "big.py").stat().st_size
    assert f"big.py:1:1: CIO000 cannot check this file: it is {size:,} bytes, more than cio-lint's limit of " \
           "10,000 bytes (MAX_SOURCE_BYTES); not parsed" in result.output  # fmt: skip
    assert "data.py" not in result.output


def _unlistable(monkeypatch, *paths):
    """os.scandir fails with EACCES for `paths`, as it does for a directory without read
    permission (tests run as root here, who could list it)."""
    real = os.scandir
    denied = {str(p) for p in paths}

    def scandir(path="."):
        if os.fspath(path) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_directory_while_walking_is_reported_and_exits_2(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.py").write_text(MISTAKE)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.py").write_text(MISTAKE)
    _unlistable(monkeypatch, tmp_path / "locked")
    result = CliRunner().invoke(cli.cli, ["check", str(tmp_path), "--isolated"])
    assert result.exit_code == 2, result.output  # before: exit 1, the directory silently skipped
    assert "a.py:3:" in result.output  # the rest was checked and reported
    assert f"cio-lint: error: {tmp_path / 'locked'}: cannot read this directory: Permission denied; " \
           "nothing below it was checked" in result.output  # fmt: skip


def test_an_unreadable_directory_named_explicitly_is_reported_and_exits_2(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    _unlistable(monkeypatch, tmp_path / "locked")
    real_stat = os.stat

    def stat(path, *args, **kw):  # and nothing inside it can be looked up (no search permission)
        if os.fspath(path).startswith(str(tmp_path / "locked") + os.sep):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kw)

    monkeypatch.setattr(os, "stat", stat)
    result = CliRunner().invoke(cli.cli, ["check", str(tmp_path / "locked")])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output  # before: internal error: PermissionError
    assert "cannot read this directory: Permission denied" in result.output


def test_closed_stdin_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "-"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60, cwd=REPO)  # fmt: skip
    assert_clean_exit(result, 0)  # an empty stdin is an empty file
    closed = subprocess.run(f"{sys.executable} -m cio_lint check - <&-", shell=True, capture_output=True,
                            text=True, timeout=60, cwd=REPO)  # fmt: skip
    assert_clean_exit(closed, 2)
    assert closed.stderr == "cio-lint: error: cannot read stdin ('-'): it is closed\n"


# ---------------------------------------------------------------------------------------------
# --fix never loses an edit, never breaks a link, keeps owner, group and mode (issue 16 items
# 5, 6, 10 and 11)

REGION_SOURCE = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region=\"eu\")\n"
REGION_FIXED = "from customerio import CustomerIO, Regions\ncio = CustomerIO('s', 'k', region=Regions.EU)\n"


def fix_in_process(*paths):
    return CliRunner().invoke(cli.cli, ["check", "--fix", "--isolated", *map(str, paths)])


def test_an_edit_saved_while_fix_runs_is_not_lost(tmp_path, monkeypatch):
    from cio_lint import runner

    path = tmp_path / "app.py"
    path.write_text(REGION_SOURCE)
    other = tmp_path / "other.py"
    other.write_text(REGION_SOURCE)
    real = runner._fix_one

    def fix_one_while_the_user_saves(result, settings, unsafe):
        fixed = real(result, settings, unsafe)
        if result.path == path:
            path.write_text(REGION_SOURCE + "# the user's edit\n")  # saved after cio-lint read it
        return fixed

    monkeypatch.setattr(runner, "_fix_one", fix_one_while_the_user_saves)
    result = fix_in_process(path, other)
    assert result.exit_code == 2, result.output
    assert path.read_text() == REGION_SOURCE + "# the user's edit\n"  # before: overwritten
    assert other.read_text() == REGION_FIXED  # the rest is fixed
    assert "app.py: not fixed: it changed while cio-lint was running (an edit was saved?); run again" \
        in result.output  # fmt: skip
    assert "app.py:2:" in result.output  # its findings are still reported


def test_fix_writes_through_a_symlink_to_its_target(tmp_path):
    real = tmp_path / "real.py"
    real.write_text(REGION_SOURCE)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    result = fix_in_process(link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)  # before: replaced by a file
    assert real.read_text() == REGION_FIXED


def test_fix_keeps_hard_links_and_mode(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(REGION_SOURCE)
    path.chmod(0o751)
    twin = tmp_path / "twin.py"
    os.link(path, twin)
    inode = path.stat().st_ino
    result = fix_in_process(path)
    assert result.exit_code == 0, result.output
    assert path.stat().st_ino == inode == twin.stat().st_ino  # before: the link was split
    assert twin.read_text() == REGION_FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_fix_keeps_owner_and_group(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(REGION_SOURCE)
    os.chown(path, 65534, 65534)
    result = fix_in_process(path)
    assert result.exit_code == 0, result.output
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)  # before: root's
    assert path.read_text() == REGION_FIXED


def test_a_read_only_file_is_refused_and_the_rest_fixed(tmp_path):
    locked = tmp_path / "locked.py"
    locked.write_text(REGION_SOURCE)
    locked.chmod(0o444)
    other = tmp_path / "other.py"
    other.write_text(REGION_SOURCE)
    result = fix_in_process(locked, other)
    assert result.exit_code == 2, result.output
    assert locked.read_text() == REGION_SOURCE  # before: rewritten (root may write anything)
    assert other.read_text() == REGION_FIXED
    assert "locked.py: not fixed: it is read-only; make it writable to fix it" in result.output
    assert "locked.py:2:" in result.output


def test_one_failed_write_does_not_abort_the_rest_or_drop_the_report(tmp_path, monkeypatch):
    files = [tmp_path / f"app{index}.py" for index in range(3)]
    for path in files:
        path.write_text(REGION_SOURCE)
    real = os.replace

    def replace(src, dst):
        if os.fspath(dst) == str(files[1]):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(fix.os, "replace", replace)
    result = fix_in_process(*files)
    assert result.exit_code == 2, result.output  # before: stopped at the first failure, no report
    assert [p.read_text() for p in files] == [REGION_FIXED, REGION_SOURCE, REGION_FIXED]
    assert "app1.py: not fixed: cannot write it: No space left on device" in result.output
    assert "app1.py:2:" in result.output and "app0.py:2:" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app0.py", "app1.py", "app2.py"]  # no temp left


def test_stale_temporary_files_of_ours_are_removed(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(REGION_SOURCE)
    stale = tmp_path / ".app.py.k3j4h5g6.cio-lint"  # left by a run killed with SIGKILL
    young = tmp_path / ".app.py.a1b2c3d4.cio-lint"  # perhaps a concurrent run's
    theirs = tmp_path / ".app.py.notours.cio-lint.bak"
    for leftover in (stale, young, theirs):
        leftover.write_text("x")
    old = fix.STALE_TEMP_SECONDS + 60
    os.utime(stale, (os.path.getmtime(stale) - old,) * 2)
    os.utime(theirs, (os.path.getmtime(theirs) - old,) * 2)
    assert fix_in_process(path).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([theirs.name, young.name, "app.py"])


def test_signals_wait_until_a_write_is_done():
    import signal
    import threading

    received = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        with fix._signals_held():
            # to this thread: the CLI writes from its only thread (a test runner may have others)
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
            assert received == []  # held while the temporary file exists
        assert received == [signal.SIGTERM]  # and delivered right after
    finally:
        signal.signal(signal.SIGTERM, previous)


# ---------------------------------------------------------------------------------------------
# Smaller faults (issue 16 item 11)


def test_ctrl_c_exits_130_not_the_findings_code(tmp_path):
    (tmp_path / "app.py").write_text(MISTAKE)
    # A real SIGINT, delivered while the run is under way (before: exit 1, "Aborted!"). Python's
    # own handler first, as in a terminal: a shell starts background jobs (`pytest ... &`) with
    # SIGINT ignored, and a child keeps that, so the signal would never arrive.
    script = ("import os, signal, sys\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
              "from cio_lint import runner\nreal = runner.run\n"
              "def run(*args):\n    os.kill(os.getpid(), signal.SIGINT)\n    return real(*args)\n"
              "runner.run = run\nsys.argv = ['cio-lint', 'check', 'app.py']\n"
              "from cio_lint.cli import main\nmain()\n")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 130, (result.returncode, result.stderr)
    assert result.stderr == "cio-lint: interrupted\n" and result.stdout == ""


def test_output_file_naming_an_input_is_refused(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(MISTAKE)
    for args in (["app.py", "-o", "app.py"], [".", "-o", "app.py"], ["app.py", "-o", "./app.py"]):
        result = cio_lint("check", *args, cwd=tmp_path)
        assert_clean_exit(result, 2)
        assert result.stderr.endswith("is one of the files being checked; write the report somewhere else\n")
        assert app.read_text() == MISTAKE  # before: overwritten by the report
    result = cio_lint("check", "app.py", "-o", "report.txt", cwd=tmp_path)
    assert_clean_exit(result, 1)
    assert (tmp_path / "report.txt").read_text().startswith("app.py:3:")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_disk_is_a_clear_message(tmp_path):
    (tmp_path / "app.py").write_text(MISTAKE)
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "app.py"], cwd=tmp_path,
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.endswith("cio-lint: error: cannot write the report to stdout: No space left on device\n")
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_utf16_source_is_a_cio000_saying_so(tmp_path):
    (tmp_path / "app.py").write_bytes(MISTAKE.encode("utf-16"))
    (tmp_path / "plain.py").write_bytes("x = 1\n".encode("utf-16"))  # no SDK: nothing to say
    result = cio_lint("check", str(tmp_path))
    assert_clean_exit(result, 1)  # before: exit 0, nothing checked
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'app.py'}:1:1: CIO000 cannot check this file: it is UTF-16 text (it starts with a UTF-16 "
        "byte-order mark); Python reads source as UTF-8 or as a coding cookie says, and cannot run it: "
        "save it as UTF-8"]  # fmt: skip


def test_python_m_does_not_import_the_projects_shadows(tmp_path):
    for shadow in ("click", "tomllib", "libcst"):
        (tmp_path / f"{shadow}.py").write_text(f"raise SystemExit('imported the project\\'s {shadow}.py')\n")
    (tmp_path / "app.py").write_text(MISTAKE)
    (tmp_path / "pyproject.toml").write_text("[tool.cio-lint]\nregion = 'us'\n")
    result = cio_lint("check", "app.py", cwd=tmp_path)
    assert_clean_exit(result, 1)  # before: "imported the project's click.py", exit 1, no findings
    assert result.stdout.startswith("app.py:3:") and "imported the project" not in result.stderr


def test_many_configured_events_are_indexed_once(monkeypatch):
    from cio_lint.rules import unknown_event

    calls = []
    real = unknown_event.snake_case
    monkeypatch.setattr(unknown_event, "snake_case", lambda name: calls.append(name) or real(name))
    unknown_event.event_index.cache_clear()
    events = [f"event_{index:05d}_done" for index in range(20_000)] + ["signed_up"]
    source = ("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              + "".join(f"cio.track('u', 'signed_upx{index}')\n" for index in range(5)))  # fmt: skip
    for _ in range(2):  # two files
        findings = lint_source(source, settings=settings_from_mapping({"events": events}, "pyproject.toml"))
        assert [f.code for f in findings] == ["CIO502"] * 5
    assert "did you mean 'signed_up'?" in findings[0].message
    assert len(calls) <= len(events) + 10  # before: every event, for every unknown name


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"^([a-z]+_?)+$", r"(x+x+)+y"])
def test_a_catastrophic_event_name_pattern_is_a_config_error(pattern):
    from cio_lint.config import ConfigError

    with pytest.raises(ConfigError, match="takes exponential time on a name like"):
        settings_from_mapping({"event-name-pattern": pattern}, "pyproject.toml")


def test_sound_event_name_patterns_are_accepted():
    from cio_lint.config import DEFAULT_EVENT_NAME_PATTERN

    for pattern in (DEFAULT_EVENT_NAME_PATTERN, r"^[A-Z][a-zA-Z0-9]*$", r"^[a-z]+( [a-z]+)*$", r"^(\w|-)*$"):
        assert settings_from_mapping({"event-name-pattern": pattern}, "x").event_name_pattern == pattern
