"""cio_lint/replay.py: an unchanged `cio-lint check` is replayed from its record, and any change
to what the run read makes it run again. Through the real entry point (`python -m cio_lint`,
which is what the `cio-lint` script calls), in real processes; no timing is asserted: a replay is
proven by tampering with the record and seeing the tampered text printed."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cio_lint import replay
from cio_lint.command import check as REAL_CHECK  # (the tests below wrap cio_lint.command.check)
from cio_lint.project import NO_CACHE_VARIABLE
from cio_lint.project.cache import DEFAULT_DIR

PYPROJECT = """\
[project]
name = "shop"
dependencies = ["customerio>=3.2,<4"]

[tool.cio-lint]
region = "eu"
"""
CRM = """\
from customerio import CustomerIO

client = CustomerIO("site", "key")
"""
VIEWS = """\
from shop.crm import client


def signed_up(user):
    client.track(customer_id="", name="signed_up")
"""
QUIET = "def nothing():\n    return 1\n"


def _age(root: Path, seconds: float = 60.0) -> None:
    """Make every file and directory older than replay's racy window, as a tree that was not
    just written (a record is only kept for files older than RACY_SECONDS)."""
    past = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (past, past), follow_symlinks=False)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "shop").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "crm.py").write_text(CRM)
    (root / "shop" / "views.py").write_text(VIEWS)
    (root / "shop" / "quiet.py").write_text(QUIET)
    _age(root)
    return root


def cio(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in (NO_CACHE_VARIABLE, replay.NO_REPLAY_VARIABLE)}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "cio_lint", "check", *args], cwd=root, env=environment,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def records(root: Path) -> list:
    return sorted((root / DEFAULT_DIR).glob("*/runs/*/*.json"))


def tamper(root: Path, marker: str = "REPLAYED") -> None:
    """Prefix the report of every record: a run that prints the marker was replayed."""
    for path in records(root):
        record = json.loads(path.read_text())
        record["writes"] = [[w, marker + t if w == "report" else t] for w, t in record["writes"]]
        path.write_text(json.dumps(record))


def test_an_unchanged_run_is_replayed_with_the_same_output_and_status(shop):
    first = cio(shop, ".")
    assert first.returncode == 1 and "CIO101" in first.stdout
    assert len(records(shop)) == 1
    second = cio(shop, ".")
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    tamper(shop)
    third = cio(shop, ".")
    assert third.stdout.startswith("REPLAYED") and third.returncode == 1


def test_the_defaults_it_relies_on_are_the_projects(shop):
    """replay.py repeats two names so that its fast path imports nothing else of cio-lint."""
    assert replay.DEFAULT_CACHE_DIR == DEFAULT_DIR and replay.NO_CACHE_VARIABLE == NO_CACHE_VARIABLE


@pytest.mark.parametrize("change", ["edit the file", "edit an imported module", "add a file", "remove a file",
                                    "change the config", "saved by rename, same size and mtime"])  # fmt: skip
def test_any_change_to_what_the_run_read_runs_it_again(shop, change):
    cio(shop, ".")
    tamper(shop)
    assert cio(shop, ".").stdout.startswith("REPLAYED")
    views = shop / "shop" / "views.py"
    if change == "edit the file":
        views.write_text(VIEWS.replace('customer_id=""', 'customer_id=user.id'))
    elif change == "edit an imported module":  # views.py stops using the SDK: its finding goes
        local = "class Client:\n    def track(self, **kw):\n        pass\n\n\nclient = Client()\n"
        (shop / "shop" / "crm.py").write_text(local)
    elif change == "add a file":
        (shop / "shop" / "more.py").write_text(VIEWS)
    elif change == "remove a file":
        views.unlink()
    elif change == "change the config":
        (shop / "pyproject.toml").write_text(PYPROJECT + 'ignore = ["CIO101"]\n')
    else:  # an editor that saves by writing a new file and renaming it over the old one
        stat = views.stat()
        replacement = shop / "shop" / "views.tmp"
        replacement.write_text(VIEWS.replace('customer_id=""', 'customer_id=id'))  # same size
        assert replacement.stat().st_size == stat.st_size
        os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        os.replace(replacement, views)
    again = cio(shop, ".")
    assert not again.stdout.startswith("REPLAYED")
    expected = cio(shop, ".", CIO_LINT_NO_REPLAY="1")
    assert (again.returncode, again.stdout) == (expected.returncode, expected.stdout)
    if change == "add a file":
        assert again.stdout.count("CIO101") == 2
    else:  # each other change takes views.py's finding away
        assert "CIO101" not in again.stdout


def test_a_file_whose_mtime_cannot_be_trusted_keeps_no_record(shop):
    """A file younger than the timestamp granularity when the run began may change again
    without its mtime moving; a clock ahead of the run's is the same case."""
    views = shop / "shop" / "views.py"
    future = time.time() + 60
    os.utime(views, (future, future))
    cio(shop, ".")
    assert records(shop) == []


def test_whole_second_timestamps_widen_the_window():
    now = time.time_ns()
    whole = (now // 10**9 - 1) * 10**9  # a second old, on a file system without sub-seconds
    assert replay.trusted({"/a.py": ["f", whole, 1, 1]}, now) is None
    assert replay.trusted({"/a.py": ["f", whole + 1, 1, 1]}, now) is not None  # sub-second digits
    old = (now // 10**9 - 5) * 10**9
    assert replay.trusted({"/a.py": ["f", old, 1, 1]}, now) == {"/a.py": ["f", old, 1, 1]}


def _check_in_process(shop, monkeypatch, after_reading=None) -> None:
    """`cio-lint check .` in this process, as the entry point starts it (so a record may be
    kept); `after_reading()` runs once the run has read the tree, before the record is kept."""
    from click.testing import CliRunner

    from cio_lint import cli, command

    monkeypatch.delenv(NO_CACHE_VARIABLE, raising=False)
    monkeypatch.chdir(shop)
    monkeypatch.setattr(replay, "_argv", ["check", "."])

    def check_then_edit(options):
        printed = REAL_CHECK(options)
        after_reading()
        return printed

    monkeypatch.setattr(command, "check", check_then_edit if after_reading else REAL_CHECK)
    CliRunner().invoke(cli.cli, ["check", "."])


def test_a_file_changed_while_the_run_reads_it_keeps_no_record(shop, monkeypatch):
    def edit() -> None:
        views = shop / "shop" / "views.py"  # changed after the run read it, by a tool that
        views.write_text(VIEWS.replace('""', '"x"'))  # keeps old mtimes (rsync -t, cp -p) or a
        past = time.time() - 30  # file server whose clock is behind: only its size tells
        os.utime(views, (past, past))

    _check_in_process(shop, monkeypatch, edit)
    assert records(shop) == []
    _age(shop)
    _check_in_process(shop, monkeypatch)
    assert len(records(shop)) == 1  # the same run without the edit keeps one


@pytest.mark.parametrize("args", [("--fix", "."), ("--diff", "."), ("--add-noqa", "."), (".", "-o", "report.txt"),
                                  ("--no-cache", ".")])  # fmt: skip
def test_runs_that_write_files_or_skip_the_cache_keep_no_record(shop, args):
    cio(shop, *args)
    assert records(shop) == []


def test_the_key_is_the_whole_command_and_the_environment_that_shapes_its_output(shop):
    cio(shop, ".")
    tamper(shop)
    assert cio(shop, ".").stdout.startswith("REPLAYED")
    assert not cio(shop, ".", "--select", "CIO1").stdout.startswith("REPLAYED")
    assert not cio(shop, "shop").stdout.startswith("REPLAYED")
    assert not cio(shop, ".", NO_COLOR="1").stdout.startswith("REPLAYED")
    assert not cio(shop / "shop", ".").stdout.startswith("REPLAYED")  # another working directory
    assert not cio(shop, ".", CIO_LINT_NO_REPLAY="1").stdout.startswith("REPLAYED")


def test_a_tracking_plan_outside_the_project_is_an_input(shop, tmp_path):
    plan = tmp_path / "plans" / "plan.toml"
    plan.parent.mkdir()
    plan.write_text('[events.signed_up]\n')
    (shop / "pyproject.toml").write_text(PYPROJECT + f'tracking-plan = "{plan.as_posix()}"\n')
    _age(tmp_path)
    cio(shop, ".")
    tamper(shop)
    assert cio(shop, ".").stdout.startswith("REPLAYED")
    plan.write_text('[events.signed_up]\n[events.ordered]\n')
    assert not cio(shop, ".").stdout.startswith("REPLAYED")


def test_clean_removes_the_records(shop):
    cio(shop, ".")
    assert records(shop)
    subprocess.run([sys.executable, "-m", "cio_lint", "clean"], cwd=shop, check=True, capture_output=True)
    assert records(shop) == []


def test_a_broken_record_is_ignored(shop):
    first = cio(shop, ".")
    for path in records(shop):
        path.write_text("{not json")
    again = cio(shop, ".")
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)


def test_a_tree_too_large_to_fingerprint_cheaply_is_not_recorded(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    for i in range(30):
        (tmp_path / "a" / f"m{i}.py").write_text("")
    assert replay.take([str(tmp_path)]) is not None
    monkeypatch.setattr(replay, "MAX_ENTRIES", 20)
    assert replay.take([str(tmp_path)]) is None


def test_the_record_is_where_the_fast_path_looks(tmp_path):
    from cio_lint.project.cache import Cache

    Cache(tmp_path / "c").put_run("ab" * 32, {"writes": []})
    assert Path(replay.record_path(str(tmp_path / "c"), "ab" * 32)).is_file()
    assert replay.find_store(["check", "--cache-dir", "x"], str(tmp_path)) == os.path.abspath("x")


def test_a_run_from_outside_the_project_makes_no_cache_where_it_runs(shop, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pyproject.toml").write_text("[project]\nname = 'other'\n")
    _age(tmp_path)
    environment = {k: v for k, v in os.environ.items() if k not in (NO_CACHE_VARIABLE, replay.NO_REPLAY_VARIABLE)}
    subprocess.run([sys.executable, "-m", "cio_lint", "check", str(shop)], cwd=elsewhere, env=environment,
                   capture_output=True, timeout=120)  # fmt: skip
    assert not (elsewhere / DEFAULT_DIR).exists()
    assert records(shop) == []  # kept nowhere: the next run from `elsewhere` would not find it


@pytest.mark.parametrize("flags", [("--statistics",), ("--format", "json"), ("--format", "sarif"), ("--show-source",),
                                   ("--show-fixes",), ("-q",), ("--exit-zero",)])  # fmt: skip
def test_a_replay_prints_what_the_run_would_print(shop, flags):
    recorded = cio(shop, ".", *flags)
    replayed = cio(shop, ".", *flags)
    direct = cio(shop, ".", *flags, CIO_LINT_NO_REPLAY="1")
    assert records(shop), "the first run kept a record"
    for run in (recorded, replayed):
        assert (run.returncode, run.stdout, run.stderr) == (direct.returncode, direct.stdout, direct.stderr)


def test_only_the_newest_records_are_kept(shop, monkeypatch):
    """In-process: the oldest records go once there are more than MAX_RECORDS."""
    from click.testing import CliRunner

    from cio_lint import cli

    monkeypatch.delenv(NO_CACHE_VARIABLE, raising=False)
    monkeypatch.chdir(shop)
    monkeypatch.setattr(replay, "MAX_RECORDS", 2)
    for select in ("CIO1", "CIO2", "CIO3"):
        monkeypatch.setattr(replay, "_argv", ["check", ".", "--select", select])
        CliRunner().invoke(cli.cli, ["check", ".", "--select", select])
    kept = records(shop)
    assert len(kept) == 2
    assert {json.loads(p.read_text())["argv"][-1] for p in kept} == {"CIO2", "CIO3"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX file types")
def test_odd_entries_in_the_tree_do_not_stop_the_replay(shop):
    """A symlink loop, a FIFO and a file name that is not UTF-8 are fingerprinted like files."""
    os.symlink("loop1", shop / "shop" / "loop2")
    os.symlink("loop2", shop / "shop" / "loop1")
    os.mkfifo(shop / "shop" / "pipe")
    with open(os.fsencode(shop / "shop") + b"/caf\xe9.py", "wb") as handle:
        handle.write(b"x = 1\n")
    _age(shop)
    first = cio(shop, ".")
    assert first.returncode == 1 and records(shop)
    tamper(shop)
    assert cio(shop, ".").stdout.startswith("REPLAYED")
    os.unlink(shop / "shop" / "loop1")  # the loop is broken: a change
    assert not cio(shop, ".").stdout.startswith("REPLAYED")


# ---------------------------------------------------------------------------------------------
# Inputs that the fingerprint once missed: each of these replayed a stale result


def _touch_past(*paths: Path) -> None:
    """An edit made by a tool that keeps old timestamps (a checkout, rsync -t): older than the
    racy window, and other than `_age`'s, so only what the fingerprint watches can tell."""
    past = time.time() - 30
    for path in paths:
        os.utime(path, (past, past), follow_symlinks=False)


def _same_as_a_real_run(root: Path, *args: str, cwd=None) -> subprocess.CompletedProcess:
    again = cio(cwd or root, *args)
    expected = cio(cwd or root, *args, CIO_LINT_NO_REPLAY="1")
    assert (again.returncode, again.stdout, again.stderr) == (expected.returncode, expected.stdout, expected.stderr)
    return again


LOCAL_CLIENT = "class Client:\n    def track(self, **kw):\n        pass\n\n\nclient = Client()\n"


def test_a_file_rewritten_in_place_with_its_size_and_mtime_restored_runs_again(shop):
    """Neither the directory nor the mtime moves; the inode change time does (utime sets it)."""
    first = cio(shop, ".")
    assert "CIO101" in first.stdout and records(shop)
    views = shop / "shop" / "views.py"
    stat = views.stat()
    with open(views, "r+") as handle:  # in place: same inode
        handle.write(VIEWS.replace('customer_id=""', 'customer_id=id'))
    os.utime(views, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (views.stat().st_size, views.stat().st_mtime_ns, views.stat().st_ino) == \
        (stat.st_size, stat.st_mtime_ns, stat.st_ino)  # fmt: skip
    assert "CIO101" not in _same_as_a_real_run(shop, ".").stdout


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_package_behind_a_symlinked_directory_is_an_input(shop, tmp_path):
    """The module index follows a symlinked package (os.path.isfile does); so must the
    fingerprint, whatever the walk (which does not follow it) entered."""
    outside = tmp_path / "vendored" / "ext"
    outside.mkdir(parents=True)
    (outside / "__init__.py").write_text("")
    (outside / "crm.py").write_text(CRM)
    os.symlink(outside, shop / "ext", target_is_directory=True)
    (shop / "shop" / "views.py").write_text(VIEWS.replace("shop.crm", "ext.crm"))
    _age(tmp_path)
    assert "CIO101" in cio(shop, "shop").stdout and records(shop)
    (outside / "crm.py").write_text(LOCAL_CLIENT)
    _touch_past(outside / "crm.py")
    assert "CIO101" not in _same_as_a_real_run(shop, "shop").stdout


def test_a_named_file_in_a_hidden_directory_is_an_input(shop):
    """`cio-lint check .github/notify.py`: no walk enters .github, the file is read all the same."""
    hidden = shop / ".github" / "notify.py"
    hidden.parent.mkdir()
    hidden.write_text(CRM + "client.track(customer_id='', name='deployed')\n")
    _age(shop)
    assert "CIO101" in cio(shop, ".github/notify.py").stdout and records(shop)
    hidden.write_text(CRM + "client.track(customer_id=user, name='deployed')\n")
    _touch_past(hidden)
    assert "CIO101" not in _same_as_a_real_run(shop, ".github/notify.py").stdout


def test_what_the_project_rules_read_beyond_the_checked_files_is_an_input(shop):
    """A run over one file (pre-commit) still judges the whole project's event names (CIO503):
    project_inventories walks the project, hidden directories that are not excluded too."""
    hidden = shop / ".github" / "notify.py"
    hidden.parent.mkdir()
    twice = "client.track(customer_id=1, name='signed_up')\nclient.track(customer_id=2, name='signed_up')\n"
    hidden.write_text("from shop.crm import client\n" + twice)
    once = "from shop.crm import client\nclient.track(customer_id=1, name='signedup')\n"
    (shop / "shop" / "views.py").write_text(once)
    _age(shop)
    assert "CIO503" in cio(shop, "shop/views.py").stdout and records(shop)
    hidden.write_text("x = 1\n")
    _touch_past(hidden)
    assert "CIO503" not in _same_as_a_real_run(shop, "shop/views.py").stdout


def _a_changed_pin_runs_again(shop, pinned, aged) -> None:
    """`pinned` (read by the SDK version detection) pins a known release, then one cio-lint
    does not know: the second run must warn, as a real run does, not replay the first."""
    pinned.parent.mkdir(exist_ok=True)
    pinned.write_text("customerio==3.2.0\n")
    (shop / "pyproject.toml").write_text('[tool.cio-lint]\nregion = "eu"\n')
    _age(aged)
    first = cio(shop, ".")
    assert records(shop)
    pinned.write_text("customerio==9.0\n")  # no release cio-lint knows: the run warns
    _touch_past(pinned)
    assert _same_as_a_real_run(shop, ".").stderr != first.stderr


def test_a_requirements_file_included_from_outside_the_project_is_an_input(shop, tmp_path):
    """`-r ../shared/requirements.txt` decides the SDK version the project is checked against."""
    (shop / "requirements.txt").write_text("-r ../shared/requirements.txt\n")
    _a_changed_pin_runs_again(shop, tmp_path / "shared" / "requirements.txt", tmp_path)


def test_a_run_that_may_have_abandoned_a_file_keeps_no_record(shop, monkeypatch):
    """A file over the time limit is a CIO000 that says so, which depends on the machine's load,
    not on the files (the per-file cache keeps no such result either); with CIO000 ignored
    nothing in the output tells, so any run longer than one file's limit is not recorded."""
    from click.testing import CliRunner

    from cio_lint import cli, parsing

    monkeypatch.delenv(NO_CACHE_VARIABLE, raising=False)
    monkeypatch.chdir(shop)
    monkeypatch.setattr(replay, "_argv", ["check", "."])
    # A limit the run outlasts; the timer itself is left out (one of 1 µs can fire inside
    # time_limit.__enter__, before it knows to restore SIGALRM's handler).
    monkeypatch.setattr(parsing, "FILE_TIME_LIMIT", 1e-6)
    monkeypatch.setattr(parsing, "time_limit", lambda seconds: contextlib.nullcontext())
    CliRunner().invoke(cli.cli, ["check", "."])
    assert records(shop) == []
    monkeypatch.setattr(parsing, "FILE_TIME_LIMIT", 30.0)
    CliRunner().invoke(cli.cli, ["check", "."])
    assert len(records(shop)) == 1


def test_the_project_walk_watched_is_the_project_rules_walk(tmp_path):
    """A one-file run whose project rules (CIO503, CIO504) walk the whole project reports the
    directories that walk entered: hidden ones too, unless excluded or git-ignored."""
    from cio_lint.config import SettingsSource
    from cio_lint.runner import CheckOptions, run

    for directory in (".git", ".github/workflows", ".venv/lib", "build", "shop/sub", "ignored/deep", "node_modules/x"):
        (tmp_path / directory).mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[tool.cio-lint]\nextend-exclude = ["sub"]\n')
    (tmp_path / ".gitignore").write_text("ignored/\n")
    views = tmp_path / "shop" / "views.py"
    views.write_text(VIEWS.replace("from shop.crm import client", "from customerio import CustomerIO\n\n"
                                   "client = CustomerIO('site', 'key')"))  # fmt: skip
    outcome = run(CheckOptions(paths=(str(views),), no_cache=True), SettingsSource())
    assert any(f.code == "CIO101" for f in outcome.findings)  # the file uses the SDK: the rules walk
    assert outcome.walked == {str(tmp_path), str(tmp_path / ".github"), str(tmp_path / ".github" / "workflows"),
                              str(tmp_path / "shop")}  # fmt: skip


def test_the_installed_sdk_metadata_is_an_input(shop, tmp_path):
    """Without a declared version the installed one decides; a `setup.py develop` checkout's
    customerio.egg-info/PKG-INFO is rewritten in place (its name carries no version)."""
    checkout = tmp_path / "customerio-python"
    info = checkout / "customerio.egg-info" / "PKG-INFO"
    info.parent.mkdir(parents=True)
    info.write_text("Metadata-Version: 2.1\nName: customerio\nVersion: 3.2.0\n")
    (shop / "pyproject.toml").write_text('[tool.cio-lint]\nregion = "eu"\n')
    _age(tmp_path)
    first = cio(shop, ".", PYTHONPATH=str(checkout))
    assert records(shop)
    info.write_text("Metadata-Version: 2.1\nName: customerio\nVersion: 9.0\n")  # no release cio-lint knows
    _touch_past(info)
    again = cio(shop, ".", PYTHONPATH=str(checkout))
    expected = cio(shop, ".", PYTHONPATH=str(checkout), CIO_LINT_NO_REPLAY="1")
    assert "9.0" in expected.stderr and "9.0" not in first.stderr
    assert (again.returncode, again.stdout, again.stderr) == (expected.returncode, expected.stdout, expected.stderr)


def test_a_whole_second_timestamp_is_racy_for_longer_wherever_the_others_are_fine():
    """A project on a mount without sub-second timestamps, checked by a cio-lint whose own
    files (in the same fingerprint) have them: the project's file is not trusted for 2 s."""
    now = (time.time_ns() // 10**9) * 10**9 + 500_000_000  # half a second past a whole second
    fine_and_old = now - 10**9 * 60 + 123
    whole_and_young = now - 500_000_000  # written any time in the last 0.5 s
    assert replay.trusted({"/venv/x.py": ["f", fine_and_old, 1, 1, 1], "/mnt/a.py": ["f", whole_and_young, 1, 1, 1]},
                          now) is None  # fmt: skip


def test_the_directories_above_a_named_file_in_a_hidden_directory_are_inputs(shop):
    """A configuration appearing beside a named file that no walk enters (a hidden directory
    git ignores) changes its settings: that directory is fingerprinted whole."""
    (shop / ".git").mkdir()
    (shop / ".gitignore").write_text("/.scripts/\n")
    hidden = shop / ".scripts" / "notify.py"
    hidden.parent.mkdir()
    hidden.write_text(CRM + "client.track(customer_id='', name='deployed')\n")
    _age(shop)
    assert "CIO101" in cio(shop, ".scripts/notify.py").stdout and records(shop)
    (hidden.parent / "pyproject.toml").write_text('[tool.cio-lint]\nignore = ["CIO101"]\n')
    _touch_past(hidden.parent / "pyproject.toml", hidden.parent)
    assert "CIO101" not in _same_as_a_real_run(shop, ".scripts/notify.py").stdout


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_symlink_no_module_path_goes_through_is_not_listed(shop, tmp_path):
    """A link named like no package (`big-data -> a large tree`) is kept as a file: listing
    what it points to would only push the fingerprint over MAX_ENTRIES."""
    data = tmp_path / "data"
    data.mkdir()
    for i in range(5):
        (data / f"{i}.csv").write_text("")
    os.symlink(data, shop / "big-data", target_is_directory=True)
    os.symlink(shop, shop / "shop" / "again", target_is_directory=True)  # a loop through a package name
    fingerprint = replay.take([str(shop)])
    assert fingerprint is not None and str(shop / "big-data") in fingerprint
    assert not any("0.csv" in path for path in fingerprint)
    assert str(shop / "shop" / "again") in fingerprint and str(shop / "shop" / "again" / "shop") not in fingerprint


def test_a_run_over_hidden_directories_is_recorded_and_watches_them(shop):
    """The walk enters .github (not excluded): the run is recorded all the same, and an edit
    there runs it again."""
    hidden = shop / ".github" / "scripts" / "notify.py"
    hidden.parent.mkdir(parents=True)
    hidden.write_text(CRM + "client.track(customer_id='', name='deployed')\n")
    _age(shop)
    assert cio(shop, ".").stdout.count("CIO101") == 2 and records(shop)
    tamper(shop)
    assert cio(shop, ".").stdout.startswith("REPLAYED")
    hidden.write_text(CRM + "client.track(customer_id=user, name='deployed')\n")
    _touch_past(hidden)
    assert _same_as_a_real_run(shop, ".").stdout.count("CIO101") == 1


def test_a_file_changed_while_the_run_reads_it_below_a_hidden_directory_keeps_no_record(shop, monkeypatch):
    """The first fingerprint leaves hidden directories out, so only the change time tells that
    a file the walk found there changed during the run (by a tool that keeps old mtimes)."""
    hidden = shop / ".github" / "notify.py"
    hidden.parent.mkdir()
    hidden.write_text(CRM + "client.track(customer_id='', name='deployed')\n")
    _age(shop)

    def edit() -> None:
        stat = hidden.stat()
        hidden.write_text(CRM + "client.track(customer_id=user, name='deployed')\n")
        os.utime(hidden, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    _check_in_process(shop, monkeypatch, edit)
    assert records(shop) == []


def test_a_whole_second_change_time_may_be_one_the_run_began_in():
    """Only paths the first fingerprint lacks are judged by their change time: one that looks
    whole may have been truncated from any moment of that second, the run's too."""
    started = (time.time_ns() // 10**9) * 10**9 + 700_000_000
    recording = replay.Recording("/p/.cio_lint_cache", ["/p"], started, {}, True)
    fine = started - 10**9  # a second before the run, sub-second digits: before it
    assert not replay._changed_during_run(recording, {"/p/.github/a.py": ["f", 1, 1, 1, fine + 1]}, ["/p/.github"], [])
    whole = started - 700_000_000  # the run's own second, truncated
    assert replay._changed_during_run(recording, {"/p/.github/a.py": ["f", 1, 1, 1, whole]}, ["/p/.github"], [])


def test_the_hidden_directory_above_a_named_directory_is_an_input(shop):
    """`check .github/scripts` where git ignores .github: the walk starts below it, and no other
    walk enters it, but a configuration there applies."""
    (shop / ".git").mkdir()
    (shop / ".gitignore").write_text("/.github/\n")
    hidden = shop / ".github" / "scripts" / "notify.py"
    hidden.parent.mkdir(parents=True)
    hidden.write_text(CRM + "client.track(customer_id='', name='deployed')\n")
    _age(shop)
    assert "CIO101" in cio(shop, ".github/scripts").stdout and records(shop)
    (shop / ".github" / "pyproject.toml").write_text('[tool.cio-lint]\nignore = ["CIO101"]\n')
    _touch_past(shop / ".github" / "pyproject.toml", shop / ".github")
    assert "CIO101" not in _same_as_a_real_run(shop, ".github/scripts").stdout


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_linked_directory_above_a_named_directory_is_an_input(shop, tmp_path):
    """`check my-tools/sub` through a link no module path takes: the .gitignore beside `sub`
    (read by the walk, as git reads the work tree's) is in the linked directory."""
    tools = tmp_path / "shared-tools"
    (tools / "sub").mkdir(parents=True)
    (tools / ".gitignore").write_text("# nothing yet\n")
    (tools / "sub" / "notify.py").write_text(CRM + "client.track(customer_id='', name='deployed')\n")
    os.symlink(tools, shop / "my-tools", target_is_directory=True)
    (shop / ".git").mkdir()
    _age(tmp_path)
    assert "CIO101" in cio(shop, "my-tools/sub").stdout and records(shop)
    (tools / ".gitignore").write_text("notify.py\n")
    _touch_past(tools / ".gitignore")
    assert "CIO101" not in _same_as_a_real_run(shop, "my-tools/sub").stdout


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_linked_directory_named_on_the_command_line_is_an_input(shop, tmp_path):
    """`check my-tools` (a link in the project): the walk follows it, so must the fingerprint,
    although the project's own listing keeps the link as a file."""
    tools = tmp_path / "shared-tools"
    tools.mkdir()
    (tools / "notify.py").write_text(CRM + "client.track(customer_id='', name='deployed')\n")
    os.symlink(tools, shop / "my-tools", target_is_directory=True)
    _age(tmp_path)
    assert "CIO101" in cio(shop, "my-tools").stdout and records(shop)
    (tools / "notify.py").write_text(CRM + "client.track(customer_id=user, name='deployed')\n")
    _touch_past(tools / "notify.py")
    assert "CIO101" not in _same_as_a_real_run(shop, "my-tools").stdout


def test_a_requirements_file_setup_cfg_names_in_a_hidden_directory_is_an_input(shop):
    """setuptools' `install_requires = file: ...` is followed by the version detection, also
    into a directory no walk enters (git ignores it)."""
    (shop / ".git").mkdir()
    (shop / ".gitignore").write_text("/.requirements/\n")
    (shop / "setup.cfg").write_text("[options]\ninstall_requires = file: .requirements/base.txt\n")
    _a_changed_pin_runs_again(shop, shop / ".requirements" / "base.txt", shop)
