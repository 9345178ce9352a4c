"""Where a file's project starts: the one root finder (project_for, declarations, the index).

The root is the directory the project's modules are named from (`shop.cio` is
<root>/shop/cio.py or <root>/src/shop/cio.py) and where its dependency declarations and the
on-disk cache live. In order:

1. the nearest directory at or above the file that holds a project marker: pyproject.toml,
   setup.cfg, setup.py, .git, or a requirements*.txt;
2. without one, what Python's import system would use: the directory above the outermost
   package around the file (the top of its chain of `__init__.py` directories), so that
   `from shop.cio_client import client` in shop/views.py finds shop/cio_client.py;
3. when the file is in no package (a namespace package, or loose scripts), the directory being
   checked (the command's directory target, else the working directory) when it is above the
   file, else the file's own directory.

Every answer is kept per directory: a run over thousands of files asks the file system about
each directory once (bench/run.py: the walk-up was most of a run over a tree without the SDK).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict, NamedTuple, Optional, Set

#: files whose presence makes a directory a project root (besides requirements*.txt)
MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


class Root(NamedTuple):
    path: Path
    #: found by a marker (rule 1), not inferred from packages or the checked directory
    marked: bool


def is_requirements_name(name: str) -> bool:
    return name.startswith("requirements") and name.endswith(".txt")


def list_dir(directory: Path) -> Set[str]:
    try:
        with os.scandir(directory) as it:
            return {entry.name for entry in it}
    except Exception:
        return set()


def has_marker(directory: Path) -> bool:
    """Does `directory` hold a project marker?"""
    try:
        for marker in MARKERS:
            if os.path.lexists(os.path.join(directory, marker)):
                return True
        return any(is_requirements_name(n) for n in list_dir(directory))
    except Exception:
        return False


#: directory -> the nearest directory at or above it with a project marker (None: none)
_marked: Dict[str, Optional[str]] = {}
#: directory -> the directory above the outermost package it is in (itself when in none)
_package_tops: Dict[str, str] = {}
#: (directory, checked) -> its Root (a run asks once per directory, not once per file)
_roots: Dict[tuple, Root] = {}
_lock = threading.Lock()


def find_root(path: Path, checked: Optional[Path] = None) -> Root:
    """The root of the project `path` (a file or a directory) belongs to; `checked` is the
    directory being checked (None: the working directory)."""
    try:
        where = os.path.abspath(os.fspath(path))
    except Exception:
        return Root(Path(os.getcwd()), False)
    start = where if os.path.isdir(where) else os.path.dirname(where)
    anchor = checked if checked is not None else os.getcwd()
    key = (start, anchor)
    found = _roots.get(key)
    if found is None:
        found = _roots[key] = _find_root(start, anchor)
    return found


def _find_root(start: str, checked) -> Root:
    with _lock:
        marked = _nearest_marked(start)
        if marked is not None:
            return Root(Path(marked), True)
        top = _package_top(start)
    if top != start:
        return Root(Path(top), False)  # rule 2: above the outermost package
    try:
        anchor = os.path.abspath(os.fspath(checked))
    except Exception:
        anchor = start
    if start.startswith(os.path.join(anchor, "")):
        return Root(Path(anchor), False)  # rule 3: the directory being checked, above the file
    return Root(Path(start), False)


def _nearest_marked(start: str) -> Optional[str]:
    walked, found, directory = [], None, start
    while True:
        if directory in _marked:
            found = _marked[directory]
            break
        walked.append(directory)
        if has_marker(Path(directory)):
            found = directory
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for directory in walked:
        _marked[directory] = found
    return found


def _package_top(start: str) -> str:
    known = _package_tops.get(start)
    if known is not None:
        return known
    top = start
    if os.path.isfile(os.path.join(start, "__init__.py")):
        parent = os.path.dirname(start)
        in_package = parent != start and os.path.isfile(os.path.join(parent, "__init__.py"))
        top = _package_top(parent) if in_package else parent
    _package_tops[start] = top
    return top


def forget() -> None:
    """Forget every root found (directories created or markers added since)."""
    with _lock:
        _marked.clear()
        _package_tops.clear()
        _roots.clear()
