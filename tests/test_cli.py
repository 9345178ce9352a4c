"""`cio-lint check`, `rule` and `config` through click's runner on the real `cli` object
(DESIGN.md §5, §6, §8): selection, exclusion, per-file-ignores, output, stdin and --jobs."""

from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest

from cio_lint import runner as runner_module
from cio_lint import rules as rule_registry
from tests.conftest import FIXTURES
from tests.integrations.helpers import BAD, CLEAN, cio_lint, cio_lint_process, parse_text, readme_block, write

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------------------------------------
# Which files, which rules


def test_per_file_ignores_are_relative_to_the_config_file(in_tmp, monkeypatch):
    write(in_tmp / "proj", {
        "pyproject.toml": '[tool.cio-lint]\nper-file-ignores = { "tests/*" = ["CIO101"], '
                          '"legacy.py" = ["event-name-style"] }\n',
        "app.py": BAD, "tests/test_app.py": BAD, "legacy.py": BAD,
        "src/tests/test_other.py": BAD,  # "tests/*" is relative to the config: not this one
    })  # fmt: skip
    expected = {
        ("app.py", 4, "CIO101"), ("app.py", 5, "CIO501"),
        ("tests/test_app.py", 5, "CIO501"),
        ("legacy.py", 4, "CIO101"),
        ("src/tests/test_other.py", 4, "CIO101"), ("src/tests/test_other.py", 5, "CIO501"),
    }  # fmt: skip
    result = cio_lint("check", "proj")
    assert result.exit_code == 1
    assert {(p.removeprefix("proj/"), line, code) for p, line, code in result.findings} == expected
    monkeypatch.chdir(in_tmp / "proj" / "tests")  # from anywhere: same globs, same answer
    assert set(cio_lint("check", "..").findings) == {("../" + p, line, c) for p, line, c in expected}


def test_default_excludes_extend_exclude_and_force_exclude(in_tmp):
    write(in_tmp, {
        "pyproject.toml": '[tool.cio-lint]\nextend-exclude = ["generated", "src/legacy/*"]\n',
        "src/app.py": BAD,
        "src/legacy/old.py": BAD,
        "generated/client.py": BAD,
        ".venv/lib/site.py": BAD, "venv/x.py": BAD, "build/lib/app.py": BAD,
        "__pycache__/x.py": BAD, ".git/hooks/x.py": BAD, "pkg.egg-info/x.py": BAD,
    })  # fmt: skip
    result = cio_lint("check")
    assert {path for path, _, _ in result.findings} == {"src/app.py"}
    assert result.stderr.endswith("; 1 file checked.\n")
    # a file named explicitly is checked even when excluded...
    named = cio_lint("check", "build/lib/app.py", "src/legacy/old.py")
    assert {path for path, _, _ in named.findings} == {"build/lib/app.py", "src/legacy/old.py"}
    # ...unless --force-exclude (what pre-commit passes)
    forced = cio_lint("check", "--force-exclude", "build/lib/app.py", "src/legacy/old.py", "src/app.py")
    assert {path for path, _, _ in forced.findings} == {"src/app.py"}
    # `exclude` replaces the defaults
    (in_tmp / "pyproject.toml").write_text('[tool.cio-lint]\nexclude = ["src"]\n')
    paths = {path for path, _, _ in cio_lint("check").findings}
    assert "src/app.py" not in paths and ".venv/lib/site.py" in paths and "build/lib/app.py" in paths


def test_a_checkout_under_a_directory_named_build_is_not_excluded(in_tmp, monkeypatch):
    project = write(in_tmp / "build" / "env" / "proj", {"pyproject.toml": "[tool.cio-lint]\n", "app.py": BAD})
    monkeypatch.chdir(project)
    assert cio_lint("check").codes == ["CIO101", "CIO501"]
    assert cio_lint("check", "--force-exclude", "app.py").codes == ["CIO101", "CIO501"]
    assert cio_lint("check", "--force-exclude", str(project / "app.py")).codes == ["CIO101", "CIO501"]


def test_select_ignore_extend_select_by_code_prefix_and_name(in_tmp):
    write(in_tmp, {"app.py": BAD})
    assert cio_lint("check", "--select", "CIO1").codes == ["CIO101"]
    assert cio_lint("check", "--select", "event-name-style").codes == ["CIO501"]
    assert cio_lint("check", "--select", "CIO1", "--extend-select", "CIO5").codes == ["CIO101", "CIO501"]
    assert cio_lint("check", "--ignore", "CIO1,event-name-style").codes == []
    # the more specific of select and ignore wins, as in flake8
    assert cio_lint("check", "--select", "CIO101", "--ignore", "CIO1").codes == ["CIO101"]
    (in_tmp / "pyproject.toml").write_text('[tool.cio-lint]\nignore = ["CIO5"]\n')
    assert cio_lint("check").codes == ["CIO101"]
    bad = cio_lint("check", "--select", "CIO9")
    assert bad.exit_code == 2
    assert bad.stderr == "cio-lint: error: command line: --select: unknown rule code or name 'CIO9'\n"


def _off_by_default_case():
    for rule in rule_registry.ALL_RULES:
        if not rule.DEFAULT_ENABLED and rule.INVALID:
            return rule, rule.INVALID[0]
    pytest.skip("no rule is off by default")


def test_off_by_default_rules_run_only_when_selected_by_code_or_name(in_tmp):
    rule, case = _off_by_default_case()
    config = {k: v for k, v in case.config.items() if k not in ("select", "extend-select")}
    table = "".join(f"{key} = {json.dumps(value)}\n" for key, value in config.items())
    write(in_tmp, {"pyproject.toml": f"[tool.cio-lint]\n{table}", "case.py": case.source})
    version = ("--sdk-version", case.sdk_version) if case.sdk_version else ()
    assert rule.CODE not in cio_lint("check", *version).codes
    assert rule.CODE not in cio_lint("check", "--select", "CIO", *version).codes  # a prefix is not enough
    assert rule.CODE not in cio_lint("check", "--extend-select", rule.CODE[:4], *version).codes
    assert rule.CODE in cio_lint("check", "--extend-select", rule.CODE, *version).codes
    assert cio_lint("check", "--select", rule.NAME, *version).codes.count(rule.CODE) == case.count
    (in_tmp / "pyproject.toml").write_text(f'[tool.cio-lint]\n{table}extend-select = ["{rule.NAME}"]\n')
    assert rule.CODE in cio_lint("check", *version).codes


def test_noqa_with_codes_prefixes_and_names(in_tmp):
    write(in_tmp, {"app.py": """\
        from customerio import CustomerIO
        cio = CustomerIO("site", "key")
        cio.identify(id="")  # noqa
        cio.identify(id="")  # noqa: CIO101
        cio.identify(id="")  # NOQA:CIO1
        cio.identify(id="")  # noqa: empty-identifier  (not a code list: blanket, as in flake8)
        cio.identify(id="")  # noqa: CIO501
        cio.identify(id="")  # noqa: E501,CIO101
        cio.identify(id="")
    """})  # fmt: skip
    assert cio_lint("check").findings == [("app.py", 7, "CIO101"), ("app.py", 9, "CIO101")]


# ---------------------------------------------------------------------------------------------
# Output


def test_output_format_comes_from_config_and_the_flag_wins(in_tmp):
    write(in_tmp, {"pyproject.toml": '[tool.cio-lint]\noutput-format = "json"\n', "app.py": BAD})
    data = json.loads(cio_lint("check").stdout)
    assert [d["code"] for d in data] == ["CIO101", "CIO501"]
    assert cio_lint("check", "--format", "text").codes == ["CIO101", "CIO501"]
    (in_tmp / "pyproject.toml").write_text('[tool.cio-lint]\noutput-format = "xml"\n')
    result = cio_lint("check")
    assert result.exit_code == 2 and "output-format" in result.stderr and "xml" in result.stderr


def test_json_carries_every_field_and_the_fix(in_tmp):
    write(in_tmp, {"app.py": BAD})
    data = json.loads(cio_lint("check", "--format", "json").stdout)
    assert data[1] == {
        "code": "CIO501", "name": "event-name-style", "message": data[1]["message"], "help": data[1]["help"],
        "path": "app.py", "line": 5, "column": 17, "end_line": 5, "end_column": 27,
        "fix": {"applicability": "unsafe", "edits": [
            {"line": 5, "column": 17, "end_line": 5, "end_column": 27, "content": '"signed_up"'}]},
    }  # fmt: skip
    assert data[0]["code"] == "CIO101" and data[0]["fix"] is None
    assert "SignedUp" in data[1]["message"]


def test_github_annotations(in_tmp):
    write(in_tmp, {"src/a,b.py": BAD})
    lines = cio_lint("check", "--format", "github").stdout.splitlines()
    assert lines[0].startswith(
        "::error file=src/a%2Cb.py,line=4,col=17,endLine=4,endColumn=19,title=CIO101 empty-identifier::CIO101 id is ''"
    )
    assert len(lines) == 2 and lines[1].startswith("::error file=src/a%2Cb.py,line=5,col=17,")


def test_output_file_gets_the_report_and_stderr_the_summary(in_tmp):
    write(in_tmp, {"app.py": BAD})
    result = cio_lint("check", "-o", "report.txt", "--color", "auto", env={"FORCE_COLOR": "1"})
    assert result.exit_code == 1 and result.stdout == ""
    report = (in_tmp / "report.txt").read_text()
    assert parse_text(report) == [("app.py", 4, "CIO101"), ("app.py", 5, "CIO501")]
    assert not ANSI.search(report)  # a file never gets color in auto mode
    assert result.stderr == "2 findings in 1 file, 1 fixable with --unsafe-fixes; 1 file checked.\n"
    bad = cio_lint("check", "-o", str(in_tmp / "missing-dir" / "r.txt"))
    assert bad.exit_code == 2 and "cannot write" in bad.stderr


def test_summary_line_and_quiet(in_tmp):
    write(in_tmp, {"a.py": BAD, "b.py": BAD, "c.py": CLEAN, "d.py": "print('unrelated')\n"})
    result = cio_lint("check")
    assert result.stderr == "4 findings in 2 files, 2 fixable with --unsafe-fixes; 4 files checked.\n"
    result = cio_lint("check", "--unsafe-fixes")
    assert result.stderr == ("cio-lint: warning: --unsafe-fixes applies nothing without --fix or --diff "
                             "(alone it only counts unsafe fixes as fixable)\n"
                             "4 findings in 2 files, 2 fixable; 4 files checked.\n")
    quiet = cio_lint("check", "-q")
    assert quiet.stderr == "" and quiet.exit_code == 1 and len(quiet.findings) == 4
    clean = cio_lint("check", "c.py", "d.py")
    assert clean.exit_code == 0 and clean.stdout == "" and clean.stderr == "No findings; 2 files checked.\n"
    assert cio_lint("check", "--exit-zero").exit_code == 0


def test_statistics_count_per_code_with_fixable_markers(in_tmp):
    write(in_tmp, {"a.py": BAD, "b.py": BAD})
    result = cio_lint("check", "--statistics")
    assert result.stdout.splitlines()[-2:] == ["2\tCIO101\t    empty-identifier", "2\tCIO501\t[-] event-name-style"]
    assert len(result.findings) == 4
    unsafe = cio_lint("check", "--statistics", "--unsafe-fixes")
    assert unsafe.stdout.splitlines()[-1] == "2\tCIO501\t[*] event-name-style"
    as_json = json.loads(cio_lint("check", "--statistics", "--format", "json").stdout)
    assert as_json == [
        {"code": "CIO101", "name": "empty-identifier", "count": 2, "fixable": 0, "unsafe_fixable": 0},
        {"code": "CIO501", "name": "event-name-style", "count": 2, "fixable": 0, "unsafe_fixable": 2},
    ]
    sarif = cio_lint("check", "--statistics", "--format", "sarif")  # the table goes to stderr
    assert sarif.exit_code == 1 and json.loads(sarif.stdout)["version"] == "2.1.0"
    assert "CIO101" in sarif.stderr


def test_show_source_prints_the_line_and_a_caret(in_tmp):
    write(in_tmp, {"app.py": BAD})
    lines = cio_lint("check", "--show-source").stdout.splitlines()
    # the whole range is underlined (issue 20): `""` and `"SignedUp"`
    assert lines[1:3] == ['    cio.identify(id="")', "    " + " " * 16 + "^^"]
    assert lines[4:6] == ['    cio.track("u1", "SignedUp")', "    " + " " * 16 + "^" * 10]


@pytest.mark.parametrize("flag,env,colored", [
    ("auto", {}, False),  # the runner's stdout is not a terminal
    ("auto", {"FORCE_COLOR": "1"}, True),
    ("auto", {"FORCE_COLOR": "0"}, False),
    ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ("always", {"NO_COLOR": "1"}, True),
    ("never", {"FORCE_COLOR": "1"}, False),
])  # fmt: skip
def test_color(in_tmp, flag, env, colored):
    write(in_tmp, {"app.py": BAD})
    result = cio_lint("check", "--color", flag, "--show-source", env=env)
    assert bool(ANSI.search(result.stdout)) is colored
    assert parse_text(ANSI.sub("", result.stdout)) == [("app.py", 4, "CIO101"), ("app.py", 5, "CIO501")]


# ---------------------------------------------------------------------------------------------
# stdin, as editors call it


def test_stdin_filename_applies_that_files_config_and_name(in_tmp):
    write(in_tmp, {"svc/pyproject.toml": '[tool.cio-lint]\nregion = "eu"\n'
                                         'per-file-ignores = { "tests/*" = ["CIO501"] }\n'})  # fmt: skip
    result = cio_lint("check", "--stdin-filename", "svc/app.py", "-", input=BAD)
    assert result.findings == [("svc/app.py", 3, "CIO401"), ("svc/app.py", 4, "CIO101"), ("svc/app.py", 5, "CIO501")]
    assert result.stderr.endswith("; 1 file checked.\n")
    # per-file-ignores see the name; --stdin-filename alone reads stdin too (ruff's shorthand)
    result = cio_lint("check", "--stdin-filename", "svc/tests/test_app.py", input=BAD)
    assert [c for _, _, c in result.findings] == ["CIO401", "CIO101"]
    # what editors run: JSON with exact ranges (the README's command)
    readme = readme_block("integrations", "sh", "--stdin-filename")
    assert "cio-lint check --format json --stdin-filename" in readme
    data = json.loads(cio_lint("check", "--format", "json", "--stdin-filename", "svc/app.py", "-", input=BAD).stdout)
    assert [(d["path"], d["line"], d["column"], d["end_column"]) for d in data][1] == ("svc/app.py", 4, 17, 19)
    # without a name: "-", and no project config
    assert cio_lint("check", "-", input=BAD).findings == [("-", 4, "CIO101"), ("-", 5, "CIO501")]


def test_stdin_with_force_exclude_and_an_excluded_name_reports_nothing(in_tmp):
    result = cio_lint("check", "--force-exclude", "--stdin-filename", "build/app.py", "-", input=BAD)
    assert result.exit_code == 0 and result.stdout == ""


# ---------------------------------------------------------------------------------------------
# --jobs


def _many_files(root, count=24):
    files = {}
    for i in range(count):
        files[f"pkg{i % 3}/mod{i:02d}.py"] = BAD.replace("SignedUp", f"Event{i}") if i % 4 else CLEAN
    files["pkg0/unrelated.py"] = "import json\n"
    files["pyproject.toml"] = '[tool.cio-lint]\nregion = "eu"\nper-file-ignores = { "pkg1/*" = ["CIO101"] }\n'
    return write(root, files)


def test_jobs_uses_worker_processes_and_gives_the_same_output(in_tmp, monkeypatch):
    _many_files(in_tmp)
    serial = cio_lint("check", "-j", "1", "--format", "json")
    pools = []

    import concurrent.futures

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingPool)  # imported when used
    parallel = cio_lint("check", "-j", "2", "--format", "json")
    assert pools == [2]
    assert parallel.stdout == serial.stdout and parallel.stderr == serial.stderr
    assert parallel.exit_code == serial.exit_code == 1
    # 24 clients without region= in an EU workspace, 18 bad files, 6 of them in pkg1/
    assert Counter(d["code"] for d in json.loads(serial.stdout)) == {"CIO401": 24, "CIO501": 18, "CIO101": 12}
    # few files: no pool is worth starting
    pools.clear()
    cio_lint("check", "-j", "2", "pkg0/mod01.py")
    assert pools == []


def _counting_pools(monkeypatch):
    import concurrent.futures

    pools = []

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingPool)
    return pools


def test_jobs_auto_starts_workers_only_for_enough_files_that_use_the_sdk(in_tmp, monkeypatch):
    _many_files(in_tmp, count=40)
    write(in_tmp, {f"plain/mod{i}.py": "import json\n" for i in range(200)})
    serial = cio_lint("check", "-j", "1", "--format", "json")
    pools = _counting_pools(monkeypatch)
    monkeypatch.setattr(runner_module, "_cpu_count", lambda: 2)
    auto = cio_lint("check", "--format", "json")  # the default is auto
    assert pools == [2]  # 40 SDK files: 2 workers of 16 or more (the 200 others stay here)
    assert auto.stdout == serial.stdout and auto.exit_code == serial.exit_code == 1
    pools.clear()
    assert cio_lint("check", "plain", "pkg0").exit_code == 1  # 14 SDK files: not worth a worker
    assert pools == []


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_jobs_must_be_a_positive_number_or_auto(in_tmp, value):
    result = cio_lint("check", "--jobs", value)
    assert result.exit_code == 2 and "--jobs" in result.stderr, result.stderr


def test_jobs_through_the_entry_point(tmp_path):
    _many_files(tmp_path)
    serial = cio_lint_process("check", "-j", "1", "--show-source", cwd=tmp_path)
    parallel = cio_lint_process("check", "--jobs", "2", "--show-source", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout and parallel.stderr == serial.stderr
    assert "CIO401" in serial.stdout and "Traceback" not in parallel.stderr


# ---------------------------------------------------------------------------------------------
# rule, --version, --help


def test_rule_by_code_and_by_name():
    by_code = cio_lint("rule", "CIO101")
    assert by_code.exit_code == 0
    assert by_code.stdout == cio_lint("rule", "empty-identifier").stdout == cio_lint("rule", "cio101").stdout
    text = by_code.stdout
    assert text.startswith("# CIO101 empty-identifier\n")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in text
    assert "on by default" in text
    assert "## What it does" in cio_lint("rule", "CIO000").stdout


def test_rule_all_text_and_json_match_the_registry():
    codes = ["CIO000"] + [r.CODE for r in rule_registry.ALL_RULES]
    text = cio_lint("rule", "--all").stdout
    assert re.findall(r"^# (CIO\d{3}) ", text, re.M) == codes
    data = json.loads(cio_lint("rule", "--all", "--format", "json").stdout)
    assert [d["code"] for d in data] == codes
    for entry, rule in zip(data[1:], rule_registry.ALL_RULES):
        assert entry == {"code": rule.CODE, "name": rule.NAME, "summary": rule.summary(),
                         "default": "on" if rule.DEFAULT_ENABLED else "off", "fix": rule.FIX,
                         "explanation": rule.documentation()}  # fmt: skip
    one = json.loads(cio_lint("rule", "ms-timestamp", "--format", "json").stdout)
    assert one["code"] == "CIO201" and "## Why is this bad?" in one["explanation"]


def test_rule_errors():
    unknown = cio_lint("rule", "empty-identifer")
    assert unknown.exit_code == 2
    assert unknown.stderr == "cio-lint: error: unknown rule 'empty-identifer' (did you mean 'empty-identifier'?)\n"
    assert cio_lint("rule").exit_code == 2
    assert cio_lint("rule", "CIO101", "--all").exit_code == 2


def test_version_and_help():
    from cio_lint import __version__

    assert cio_lint("--version").stdout == f"cio-lint, version {__version__}\n"
    help_text = cio_lint("check", "--help").stdout
    for flag in ("--select", "--ignore", "--extend-select", "--format", "--output-file", "--fix",
                 "--unsafe-fixes", "--diff", "--statistics", "--show-source", "--exit-zero", "--config",
                 "--isolated", "--stdin-filename", "--force-exclude", "--color", "--region",
                 "--sdk-version", "--quiet", "--jobs"):  # fmt: skip
        assert flag in help_text


def test_readme_shows_the_current_check_help():
    help_text = cio_lint("check", "--help", terminal_width=78).stdout  # as on an 80-column terminal
    block = readme_block("cli", "text", "Usage: cio-lint check")
    assert block == help_text, "update the README's CLI reference with: COLUMNS=80 cio-lint check --help | cat"


def test_paths_that_do_not_exist_and_fixtures_run(in_tmp):
    missing = cio_lint("check", "nope.py")
    assert missing.exit_code == 2 and missing.stderr == "cio-lint: error: nope.py: no such file or directory\n"
    result = cio_lint("check", str(FIXTURES))
    assert result.exit_code == 1 and "lookalikes.py" not in result.stdout
    assert os.path.isabs(result.findings[0][0])
