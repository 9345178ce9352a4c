"""The real `pre-commit` running this repository's `.pre-commit-hooks.yaml` (DESIGN.md §10).

pre-commit installs hooks from a git repository at a commit, so the test copies what an
install needs (the package, pyproject.toml, README.md, the hooks file) into a git repository
of its own and commits there, with a fixed author and date: the same sources give the same
commit, so pre-commit's cache (PRE_COMMIT_HOME, kept under pytest's cache directory) is reused
on the next run instead of installing again. The first run installs cio-lint and its
dependencies into a virtualenv from the package index.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integrations.helpers import BAD, CLEAN, readme_block, run, write

pytestmark = pytest.mark.slow

#: what `pip install .` needs, and the hooks file
SOURCES = ("pyproject.toml", "README.md", "setup.cfg", ".pre-commit-hooks.yaml", "cio_lint")
FIXED_DATE = "2024-01-01T00:00:00+00:00"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "cio-lint tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "cio-lint tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_AUTHOR_DATE": FIXED_DATE, "GIT_COMMITTER_DATE": FIXED_DATE,
    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
}  # fmt: skip


def git(*args: str, cwd: Path) -> str:
    result = run(["git", *args], cwd=cwd, env=GIT_ENV)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _copy_sources(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def cache_dir(request) -> Path:
    return Path(request.config.cache.mkdir("cio-lint-pre-commit"))


@pytest.fixture(scope="module")
def hook_repo(cache_dir) -> Path:
    """A git repository holding this working tree's package and hooks file, committed."""
    repo = cache_dir / "hook-repo"
    _copy_sources(repo)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "cio-lint under test", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(cache_dir) -> Path:
    return cache_dir / "home"


@pytest.fixture(scope="module")
def configs(cache_dir, hook_repo, pre_commit_home):
    """The README's config for each hook, kept where pre-commit's store can find it again:
    `pre-commit gc` then drops environments of earlier source versions, not this one."""
    directory = cache_dir / "configs"
    directory.mkdir(exist_ok=True)
    paths = {}
    for hook in ("cio-lint", "cio-lint-fix"):
        paths[hook] = directory / f"{hook}.yaml"
        paths[hook].write_text(readme_config(hook_repo, hook))
    result = run([sys.executable, "-m", "pre_commit", "gc"], cwd=directory,
                 env={**GIT_ENV, "PRE_COMMIT_HOME": str(pre_commit_home)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    return paths


def _project(root: Path, files) -> Path:
    write(root, files)
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    return root


def pre_commit(project: Path, home: Path, *args: str):
    return run([sys.executable, "-m", "pre_commit", *args, "--color", "never"], cwd=project,
               env={**GIT_ENV, "PRE_COMMIT_HOME": str(home)}, timeout=600)  # fmt: skip


def readme_config(hook_repo: Path, hook: str = "cio-lint") -> str:
    """The README's .pre-commit-config.yaml, pointed at the local copy of this repository."""
    snippet = readme_block("integrations", "yaml", "id: cio-lint")
    rev = git("rev-parse", "HEAD", cwd=hook_repo).strip()
    snippet = re.sub(r"repo: \S+", f"repo: {hook_repo.as_posix()}", snippet)
    snippet = re.sub(r"rev: \S+", f"rev: {rev}", snippet)
    return snippet.replace("id: cio-lint", f"id: {hook}")


def test_hooks_file_declares_the_contract():
    import yaml  # pre-commit depends on PyYAML

    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["cio-lint"]["entry"] == "cio-lint check --force-exclude"
    assert hooks["cio-lint"]["language"] == "python"
    assert hooks["cio-lint"]["types"] == ["python"]
    assert hooks["cio-lint"]["require_serial"] is True
    assert hooks["cio-lint-fix"]["entry"] == "cio-lint check --force-exclude --fix"
    assert hooks["cio-lint-fix"]["require_serial"] is True


def test_try_repo_fails_on_a_bad_file_with_its_findings(tmp_path, hook_repo, pre_commit_home):
    bad = _project(tmp_path / "bad", {
        "app/signup.py": BAD,
        "app/clean.py": CLEAN,
        # excluded by default: pre-commit passes it by name, --force-exclude keeps it out
        "build/generated.py": BAD,
    })  # fmt: skip
    result = pre_commit(bad, pre_commit_home, "try-repo", str(hook_repo), "cio-lint", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(r"^cio-lint\.+Failed$", result.stdout, re.M), output
    assert "app/signup.py:4:17: CIO101" in output
    assert "app/signup.py:5:17: CIO501" in output
    assert "build/generated.py" not in output and "app/clean.py:" not in output


def test_readme_config_passes_a_clean_project_and_fails_a_bad_one(tmp_path, configs, pre_commit_home):
    config = str(configs["cio-lint"])
    clean = _project(tmp_path / "clean", {"app/clean.py": CLEAN, "build/generated.py": BAD})
    result = pre_commit(clean, pre_commit_home, "run", "--all-files", "--config", config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^cio-lint\.+Passed$", result.stdout, re.M), result.stdout

    bad = _project(tmp_path / "bad", {"app/signup.py": BAD})
    result = pre_commit(bad, pre_commit_home, "run", "--all-files", "--config", config)
    assert result.returncode == 1
    assert "app/signup.py:4:17: CIO101" in result.stdout


def test_the_fix_hook_reports_what_it_cannot_fix(tmp_path, configs, pre_commit_home):
    # CIO501's fix is unsafe, so the fix hook leaves the file as it is and fails on it.
    project = _project(tmp_path / "p", {"app/signup.py": BAD})
    result = pre_commit(project, pre_commit_home, "run", "--all-files", "--config", str(configs["cio-lint-fix"]))
    assert result.returncode == 1
    assert re.search(r"^cio-lint \(apply safe fixes\)\.+Failed$", result.stdout, re.M), result.stdout
    assert "CIO501" in result.stdout and "CIO101" in result.stdout
    assert (project / "app/signup.py").read_text() == BAD
