"""What a run reads and starts, not how long it takes: each file is read once, and files the
on-disk cache answers start no worker process (cio_lint/runner.py)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import cio_lint.project as project_module
from cio_lint import cli, runner, whole_project

SEND = ("from shop.cio import client\n\n\ndef send_{i}(user):\n"
        "    client.track(user.id, '{name}')\n")  # fmt: skip


@pytest.fixture
def shop(tmp_path, monkeypatch):
    monkeypatch.delenv("CIO_LINT_NO_CACHE", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["customerio==3.2.0"]\n')
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cio.py").write_text("from customerio import CustomerIO\n\nclient = CustomerIO('s', 'k')\n")
    for i in range(10):  # CIO503: one spelling differs; 10 files that send, 10 that do not
        name = "signedup" if i == 0 else "signed_up"
        (package / f"send_{i}.py").write_text(SEND.format(i=i, name=name))
        (package / f"plain_{i}.py").write_text(f"import os\n\n\ndef plain_{i}():\n    return os.sep\n")
    return tmp_path


def check(root: Path, *args: str) -> list:
    project_module.forget()  # a new run: nothing in memory
    old = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli.cli, ["check", ".", "--quiet", *args])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return sorted(line for line in result.output.splitlines() if " CIO" in line)


def test_a_run_over_the_whole_project_reads_each_file_once(shop, monkeypatch):
    reads = Counter()
    original = runner.read_source

    def counting(path, *args, **kwargs):
        reads[os.path.abspath(path)] += 1
        return original(path, *args, **kwargs)

    for module in (runner, whole_project):  # the run's reads and the project-level rules'
        monkeypatch.setattr(module, "read_source", counting)
    found = check(shop, "-j1", "--no-cache")
    assert any("CIO503" in line and "send_0.py" in line for line in found)
    plain = os.path.abspath(shop / "shop" / "plain_3.py")
    assert reads[plain] == 1  # the prefilter rejected it: the project-level rules do not read it again
    # (a file with a project-level finding is read again, for its `# noqa` comments)
    with_findings = {os.path.abspath(shop / line.split(":")[0]) for line in found}
    assert all(count == 1 for path, count in reads.items() if path not in with_findings), reads.most_common(3)
    assert len(reads) == 22


def test_files_the_cache_answers_start_no_worker(shop, monkeypatch):
    cold = check(shop, "-j2")
    assert cold

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise AssertionError("a worker pool was started for files the cache answers")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", NoPool)
    assert check(shop, "-j2") == cold
    (shop / "shop" / "send_5.py").write_text(SEND.format(i=5, name="signedup"))
    # one file changed: it alone is checked (below the size a worker pays for), the rest cached
    changed = check(shop, "-j2")
    assert any("send_5.py" in line and "CIO503" in line for line in changed) or changed != cold


# ---------------------------------------------------------------------------------------------
# A run over one file: the rest of the project from the snapshot of its inventories


def _age(root: Path, seconds: float, *only: str) -> None:
    """Date every file (or `only` these, under shop/) `seconds` back, so the snapshot trusts
    them by their time (a file modified within two seconds of the snapshot never is)."""
    import time

    when = time.time() - seconds
    for path in [root / "shop" / name for name in only] if only else root.rglob("*.py"):
        os.utime(path, (when, when))


def _reads(monkeypatch) -> Counter:
    reads = Counter()
    original = runner.read_source

    def counting(path, *args, **kwargs):
        reads[os.path.relpath(os.path.abspath(path))] += 1
        return original(path, *args, **kwargs)

    for module in (runner, whole_project):  # the run's reads and the project-level rules'
        monkeypatch.setattr(module, "read_source", counting)
    return reads


def one_file(root: Path, name: str) -> list:
    return [line for line in check_paths(root, f"shop/{name}") if "CIO503" in line]


def check_paths(root: Path, *paths: str) -> list:
    project_module.forget()
    old = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli.cli, ["check", *paths, "--quiet", "-j1"])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return sorted(line for line in result.output.splitlines() if " CIO" in line)


def test_a_one_file_run_reads_no_other_file_while_the_project_is_unchanged(shop, monkeypatch):
    _age(shop, 100)
    first = one_file(shop, "send_0.py")
    assert first and "send_0.py" in first[0]  # the whole project was read to judge it
    reads = _reads(monkeypatch)
    (shop / "shop" / "send_0.py").write_text(SEND.format(i=0, name="signedup") + "# edited\n")
    assert one_file(shop, "send_0.py") == first
    assert set(reads) == {os.path.join("shop", "send_0.py")}, reads


def test_a_changed_file_the_run_did_not_check_is_read_again(shop):
    _age(shop, 100)
    assert one_file(shop, "send_1.py") == []  # send_0 spells it differently, send_1 is fine
    for i in range(2, 9):  # the majority now spells it the other way: send_1 is the odd one
        (shop / "shop" / f"send_{i}.py").write_text(SEND.format(i=i, name="signedup"))
    _age(shop, 50, *(f"send_{i}.py" for i in range(2, 9)))  # older than the snapshot: told by size and time
    assert one_file(shop, "send_1.py") != []


def test_a_module_that_stops_providing_a_client_invalidates_the_snapshot(shop):
    (shop / "shop" / "send_0.py").write_text(SEND.format(i=0, name="signed_up"))
    (shop / "shop" / "direct.py").write_text("from customerio import CustomerIO\n\n"
                                             "CustomerIO('s', 'k').track('u', 'signedup')\n")  # fmt: skip
    _age(shop, 100)
    assert one_file(shop, "direct.py") != []  # ten files spell it signed_up
    # still mentions customerio and imports the same: only its summary differs
    (shop / "shop" / "cio.py").write_text("from customerio import CustomerIO\n\nclient = object()\n")
    _age(shop, 50, "cio.py")
    assert one_file(shop, "direct.py") == []  # nothing sends through `client` any more


# ---------------------------------------------------------------------------------------------
# Memory: a checked file's tree is gone once its check is done


def test_no_checked_files_tree_outlives_its_check(tmp_path):
    import gc

    import libcst as cst

    from cio_lint.config import Settings
    from cio_lint.engine import lint_bytes
    from cio_lint.inventory import InventorySink

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    settings = Settings()
    project = project_module.project_for(tmp_path / "a.py", settings)

    def alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, cst.Module))

    # (an inventory and a call through a project wrapper: the two paths that kept trees alive)
    source = ("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n\n\n"
              "def send(user_id, name):\n    cio.track(user_id, name)\n\n\n"
              "send('', 'Signed Up')\ncio.identify(id='')\n")  # fmt: skip
    lint_bytes(source, "warm.py", settings, project, inventory=InventorySink())  # imports, caches
    before = alive()
    for i in range(5):
        found = lint_bytes(source + f"# {i}\n", f"f{i}.py", settings, project, inventory=InventorySink())
        assert found
    assert alive() == before


def test_a_change_to_a_file_that_does_not_touch_the_sdk_imports_no_libcst(shop):
    """CIO503/CIO504's findings come from the cache while the inventories are unchanged."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("CIO_LINT_NO_CACHE", "CIO_LINT_NO_REPLAY")}
    env["CIO_LINT_NO_REPLAY"] = "1"  # (the replay of an unchanged run would answer before anything)
    script = ("import runpy, sys\nsys.argv = ['cio-lint', 'check', '.', '-j1']\n"
              "try:\n    runpy.run_module('cio_lint.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write('LIBCST=%s\\n' % ('libcst' in sys.modules))\n")  # fmt: skip

    def run():
        result = subprocess.run([sys.executable, "-c", script], cwd=shop, env=env, capture_output=True,
                                text=True, timeout=120)  # fmt: skip
        assert "Traceback" not in result.stderr, result.stderr
        return sorted(line for line in result.stdout.splitlines() if " CIO" in line), result.stderr

    cold, stderr = run()
    assert any("CIO503" in line for line in cold) and "LIBCST=True" in stderr
    (shop / "shop" / "plain_3.py").write_text("import os\n\n\ndef plain_3():\n    return os.linesep\n")
    warm, stderr = run()
    assert warm == cold and "LIBCST=False" in stderr
    (shop / "shop" / "send_4.py").write_text(SEND.format(i=4, name="signedup"))  # now the hook must run
    changed, stderr = run()
    assert changed != cold and "LIBCST=True" in stderr


def test_modules_outside_the_walk_are_watched_too(shop):
    """A provider the walk excludes (generated, git-ignored, excluded by config) still decides
    what the files importing it send: its changes, and its appearing, are noticed."""
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.cio-lint]\nextend-exclude = ["shop/local.py"]\n')
    for i in range(10):
        send = SEND.format(i=i, name="signed_up").replace("shop.cio", "shop.local")
        (shop / "shop" / f"send_{i}.py").write_text(send)
    (shop / "shop" / "direct.py").write_text("from customerio import CustomerIO\n\n"
                                             "CustomerIO('s', 'k').track('u', 'signedup')\n")  # fmt: skip
    _age(shop, 100)
    assert one_file(shop, "direct.py") == []  # shop.local does not exist: nothing else sends
    (shop / "shop" / "local.py").write_text("from customerio import CustomerIO\n\nclient = CustomerIO('s', 'k')\n")
    _age(shop, 50, "local.py")
    assert one_file(shop, "direct.py") != []  # it appeared (excluded): ten files send signed_up
    (shop / "shop" / "local.py").write_text("from customerio import CustomerIO\n\nclient = None\n")
    _age(shop, 40, "local.py")
    assert one_file(shop, "direct.py") == []  # it changed (excluded): they send nothing again
