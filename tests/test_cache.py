"""The on-disk cache (cio_lint/project/cache.py): never trusted when stale, never the cause of
a different finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cio_lint.project as project_module
from cio_lint import cli
from cio_lint.project.cache import Cache, clean, is_cache_dir
from cio_lint.project.summary import Entry, ModuleSummary

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from realistic import make_realistic_tree  # noqa: E402


@pytest.fixture(autouse=True)
def cache_on(monkeypatch):
    monkeypatch.delenv("CIO_LINT_NO_CACHE", raising=False)  # (conftest turns it off elsewhere)


# ---------------------------------------------------------------------------------------------
# The store


def test_entries_round_trip_and_a_bad_entry_is_ignored(tmp_path):
    cache = Cache(tmp_path / "c")
    summary = ModuleSummary({"client": Entry("instance", sdk_class="customerio.CustomerIO")})
    cache.put_summary("shop.cio", b"data", "x", summary)
    assert cache.get_summary("shop.cio", b"data", "x") == summary
    assert cache.get_summary("shop.cio", b"other bytes", "x") is None
    assert (tmp_path / "c" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert is_cache_dir(tmp_path / "c")
    (entry,) = [p for p in (tmp_path / "c").rglob("*.json")]
    assert not [p for p in (tmp_path / "c").rglob(".tmp-*")]  # atomic writes leave nothing behind
    for bad in (b"{not json", b"", json.dumps({"version": "0.0.0-other", "key": entry.stem,
                                               "summary": summary.to_json()}).encode()):  # fmt: skip
        entry.write_bytes(bad)
        assert cache.get_summary("shop.cio", b"data", "x") is None
    assert Cache(tmp_path / "c", version="9.9").get_summary("shop.cio", b"data", "x") is None


def test_an_unwritable_cache_turns_itself_off(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = Cache(blocker / "cache")
    cache.put_result("k", {}, [])  # no exception
    assert cache.writable is False and cache.get_result("k") is None


def test_clean_removes_only_a_cio_lint_cache(tmp_path):
    cache = Cache(tmp_path / ".cio_lint_cache")
    cache.put_result("k", {}, [])
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("keep")
    assert clean(precious) is False and (precious / "data.txt").exists()
    assert clean(tmp_path / ".cio_lint_cache") is True and not (tmp_path / ".cio_lint_cache").exists()


# ---------------------------------------------------------------------------------------------
# Invalidation, through the command (in this process: each run starts from empty memories,
# as a new process would, and reads what the previous run left on disk)

PROVIDER = "from customerio import CustomerIO\n\nclient = CustomerIO('s', 'k')\n"
NOT_A_PROVIDER = "from customerio import CustomerIO\n\nclient = object()\n"
VIEWS = "from shop.cio import client\n\n\ndef signup(user):\n    client.identify(id='')\n"


def check(root: Path, *args: str) -> set:
    project_module._cache.clear()  # a new run: no Project, no summaries in memory
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(root)
    try:
        result = runner.invoke(cli.cli, ["check", ".", "-j1", "--quiet", *args])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return {line.split(" ")[0] + " " + line.split(" ")[1] for line in result.output.splitlines() if " CIO" in line}


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["customerio==3.2.0"]\n')
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "cio.py").write_text(PROVIDER)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    return tmp_path


def test_an_imported_module_that_stops_or_starts_providing_a_client_changes_the_next_warm_run(shop):
    finding = {"shop/views.py:5:24: CIO101"}
    assert check(shop) == finding  # cold
    assert (shop / ".cio_lint_cache" / ".gitignore").is_file()
    assert check(shop) == finding  # warm
    (shop / "shop" / "cio.py").write_text(NOT_A_PROVIDER)
    assert check(shop) == set()  # views.py did not change; what it imports did
    (shop / "shop" / "cio.py").write_text(PROVIDER)
    assert check(shop) == finding


def test_a_module_that_starts_to_exist_or_to_mention_the_sdk_is_noticed(shop):
    (shop / "shop" / "cio.py").write_text("client = None\n")
    assert check(shop) == set()
    (shop / "shop" / "cio.py").write_text(PROVIDER)
    assert check(shop) == {"shop/views.py:5:24: CIO101"}
    (shop / "shop" / "cio.py").unlink()
    assert check(shop) == set()


def test_a_changed_setting_is_not_answered_from_the_cache(shop):
    original = (shop / "pyproject.toml").read_text()
    assert check(shop) == {"shop/views.py:5:24: CIO101"}
    (shop / "pyproject.toml").write_text(original + '\n[tool.cio-lint]\nignore = ["CIO101"]\n')
    assert check(shop) == set()
    (shop / "pyproject.toml").write_text(original)
    assert check(shop) == {"shop/views.py:5:24: CIO101"}
    assert check(shop, "--ignore", "CIO101") == set()
    # a region mismatch appears only with the setting that makes it one
    (shop / "shop" / "cio.py").write_text("from customerio import CustomerIO, Regions\n\n"
                                          "client = CustomerIO('s', 'k', region=Regions.US)\n")
    assert not any("CIO401" in f for f in check(shop))
    assert any("CIO401" in f for f in check(shop, "--region", "eu"))


def test_the_environment_variable_turns_the_cache_off(shop, monkeypatch):
    monkeypatch.setenv("CIO_LINT_NO_CACHE", "1")
    assert check(shop) == {"shop/views.py:5:24: CIO101"}
    assert not (shop / ".cio_lint_cache").exists()


def test_no_cache_writes_nothing_and_cache_dir_moves_it(shop, tmp_path_factory):
    assert check(shop, "--no-cache") == {"shop/views.py:5:24: CIO101"}
    assert not (shop / ".cio_lint_cache").exists()
    elsewhere = tmp_path_factory.mktemp("cache")
    check(shop, "--cache-dir", str(elsewhere / "c"))
    assert (elsewhere / "c" / "CACHEDIR.TAG").is_file() and not (shop / ".cio_lint_cache").exists()
    result = CliRunner().invoke(cli.cli, ["clean", str(shop), "--cache-dir", str(elsewhere / "c")])
    assert result.exit_code == 0 and not (elsewhere / "c").exists()


# ---------------------------------------------------------------------------------------------
# Same findings with and without the cache, cold and warm, -j1 and -j auto (real processes)


def _run(root: Path, *args: str) -> list:
    # the per-file cache is what is compared here: a replayed run (cio_lint/replay.py) would not use it
    env = {**{k: v for k, v in os.environ.items() if k != "CIO_LINT_NO_CACHE"}, "CIO_LINT_NO_REPLAY": "1"}
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "--quiet", *args], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    return sorted(result.stdout.splitlines())


@pytest.mark.parametrize("tree", ["fixtures", "generated"])
def test_findings_are_the_same_with_and_without_the_cache(tmp_path, tree):
    if tree == "fixtures":
        root, target = ROOT, "fixtures"
    else:
        root, target = make_realistic_tree(tmp_path / "proj", modules=40).root, "."
    cache = ["--cache-dir", str(tmp_path / "cache")]
    baseline = _run(root, target, "--no-cache", "-j1")
    assert baseline  # both trees have findings to compare
    runs = {
        "cold -j1": _run(root, target, *cache, "-j1"),
        "warm -j1": _run(root, target, *cache, "-j1"),
        "warm -j2": _run(root, target, *cache, "-j2"),
        "warm -j auto": _run(root, target, *cache),
    }
    clean(tmp_path / "cache")
    runs["cold -j2"] = _run(root, target, *cache, "-j2")
    for label, found in runs.items():
        assert found == baseline, label


def test_entries_of_other_code_are_not_trusted(tmp_path, monkeypatch):
    """An editable install being worked on: a changed file of cio_lint changes code_version(),
    and what the old code cached is not read (sdk.py edited must change findings at once)."""
    from cio_lint.project import cache as cache_module

    monkeypatch.setattr(cache_module, "_code_version", None)
    first = cache_module.code_version()
    assert first.startswith(cache_module.__version__ + "+")
    Cache(tmp_path / "c").put_summary("shop.cio", b"data", "x", ModuleSummary())
    assert Cache(tmp_path / "c").get_summary("shop.cio", b"data", "x") is not None
    monkeypatch.setattr(cache_module, "_code_version", "0.1.0+other")
    assert Cache(tmp_path / "c").get_summary("shop.cio", b"data", "x") is None
    monkeypatch.setattr(cache_module, "_code_version", None)
    assert cache_module.code_version() == first  # the same files: the same code
