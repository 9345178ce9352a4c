"""The one project-root finder (cio_lint.project.root), with and without marker files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cio_lint.config import Settings
from tests.helpers import lint_file
from cio_lint.project import project_for
from cio_lint.project.root import find_root

CLIENT = "from customerio import CustomerIO\n\nclient = CustomerIO('s', 'k')\n"
VIEWS = "from shop.cio_client import client\n\n\ndef signup(user):\n    client.identify(id='')\n"


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_nearest_marker_wins(tmp_path):
    write(tmp_path, {"pyproject.toml": "", "src/shop/__init__.py": "", "src/shop/deep/__init__.py": "",
                     "src/shop/deep/m.py": ""})  # fmt: skip
    assert find_root(tmp_path / "src" / "shop" / "deep" / "m.py") == (tmp_path, True)


@pytest.mark.parametrize("marker", ["setup.cfg", "setup.py", ".git", "requirements-dev.txt"])
def test_every_marker_counts(tmp_path, marker):
    # the outer pyproject.toml is farther away: the inner marker decides
    write(tmp_path, {"pyproject.toml": "", f"inner/{marker}": "", "inner/pkg/__init__.py": "",
                     "inner/pkg/x.py": ""})  # fmt: skip
    assert find_root(tmp_path / "inner" / "pkg" / "x.py") == (tmp_path / "inner", True)


def test_a_directory_or_an_unsaved_file_has_the_same_root(tmp_path):
    project = tmp_path / "project"
    write(project, {"pyproject.toml": "[project]\nname = 'app'\n", "src/app/mod.py": "import customerio\n"})
    module = project / "src" / "app" / "mod.py"
    assert find_root(module) == (project, True)
    assert find_root(module.parent) == (project, True)
    assert find_root(project) == (project, True)
    assert find_root(project / "src" / "app" / "not_yet_saved.py") == (project, True)


def test_a_relative_path_is_read_from_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path, {"setup.py": "", "pkg/mod.py": ""})
    monkeypatch.chdir(tmp_path / "pkg")
    assert find_root(Path("mod.py")) == (tmp_path, True)


def test_without_any_marker_a_loose_file_is_its_own_root(tmp_path, monkeypatch):
    from cio_lint.project import root

    monkeypatch.setattr(root, "has_marker", lambda directory: False)
    assert find_root(tmp_path / "a.py") == (tmp_path, False)
    assert find_root(tmp_path) == (tmp_path, False)


def test_without_a_marker_the_root_is_above_the_outermost_package(tmp_path):
    write(tmp_path, {"proj/shop/__init__.py": "", "proj/shop/sub/__init__.py": "", "proj/shop/sub/m.py": "",
                     "proj/shop/notapkg/x.py": ""})  # fmt: skip
    proj = tmp_path / "proj"
    assert find_root(proj / "shop" / "sub" / "m.py", checked=tmp_path / "elsewhere") == (proj, False)
    assert find_root(proj / "shop" / "sub", checked=tmp_path / "elsewhere") == (proj, False)
    # a directory without __init__.py inside a package ends the chain there
    assert find_root(proj / "shop" / "notapkg" / "x.py", checked=tmp_path / "elsewhere").path == \
        proj / "shop" / "notapkg"  # fmt: skip


def test_without_a_marker_or_a_package_the_checked_directory_is_the_root(tmp_path):
    write(tmp_path, {"proj/shop/views.py": "", "other/x.py": ""})
    proj = tmp_path / "proj"
    assert find_root(proj / "shop" / "views.py", checked=proj) == (proj, False)
    # a checked directory that is not above the file says nothing about it
    assert find_root(tmp_path / "other" / "x.py", checked=proj) == (tmp_path / "other", False)


def test_a_package_without_marker_files_finds_its_cross_module_client(tmp_path):
    write(tmp_path, {"shop/__init__.py": "", "shop/cio_client.py": CLIENT, "shop/views.py": VIEWS})
    path = tmp_path / "shop" / "views.py"
    project = project_for(path, Settings())
    assert project.root == tmp_path and project.module_name(path) == "shop.views"
    assert [f.code for f in lint_file(path, Settings(), project)] == ["CIO101"]


@pytest.mark.parametrize("packages", [True, False], ids=["package", "namespace-package"])
def test_the_command_finds_it_without_marker_files(tmp_path, packages):
    files = {"shop/cio_client.py": CLIENT, "shop/views.py": VIEWS}
    if packages:
        files["shop/__init__.py"] = ""
    write(tmp_path, files)
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "."], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "shop/views.py:5:" in result.stdout and "CIO101" in result.stdout, result.stdout + result.stderr
