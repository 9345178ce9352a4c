"""Shared by the project-level rules (CIO503, CIO504): findings made from the project's
inventory rather than from one file's tree.

A project-level rule is a `Rule` with `PROJECT = True` and a `project_findings(inventory,
settings)` classmethod; it visits nothing. Its module's `check_project(run)` is the runner's
hook (catalogue gate "inventories": the runner gives it every file's inventory); the flake8
plugin and `lint_source` call `project_findings` with the project's inventory and keep the
findings of the file they report on. Findings point at the offending call's name or value,
so `# noqa` and per-file-ignores work on them as on any other.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, List, Sequence, Tuple, TypeVar

from cio_lint.finding import Finding, ProjectFinding, ProjectRun
from cio_lint.inventory import Location, ProjectInventory

T = TypeVar("T")


def finding(rule, where: Location, message: str, help: str = "") -> Finding:
    return Finding(where.path, where.line, where.column, rule.CODE, rule.NAME, message,
                   where.end_line or where.line, where.end_column or where.column,
                   help=help or rule.why())  # fmt: skip


def places(locations: Sequence[Location], limit: int = 2) -> str:
    """"a.py:3, b.py:9 (+4)" """
    shown = ", ".join(str(loc) for loc in locations[:limit])
    rest = len(locations) - limit
    return f"{shown} (+{rest})" if rest > 0 else shown


def majority(groups: Iterable[Tuple[T, Sequence[Location]]], preferred: Sequence[T] = (),
             fits=lambda key: True) -> T:  # fmt: skip
    """The group most places use: a preferred one (configured) first, then one that `fits`
    (the naming convention), then the most uses, then the most files, then the first written
    (by path and line), so the choice is stable."""
    groups = list(groups)
    for choice in preferred:
        if any(key == choice for key, _ in groups):
            return choice

    def rank(item):
        key, locations = item
        first = min((loc.path, loc.line, loc.column) for loc in locations)
        return (not fits(key), -len(locations), -len({loc.path for loc in locations}), first)

    return min(groups, key=rank)[0]


def counted(items: Iterable[T]) -> List[Tuple[T, int]]:
    return Counter(items).most_common()


_last: List[Tuple[object, ProjectInventory]] = []  # (the run's inventories, their aggregate)


def run_inventory(run: ProjectRun) -> ProjectInventory:
    """The project inventory of a runner's ProjectRun, aggregated once for all its rules, its
    paths relative to the project's root (as messages show them, from any directory)."""
    if not _last or _last[0][0] is not run.inventories:
        root = run.project.root
        files = {relative_to_root(path, root): data for path, data in run.inventories.items()}
        _last[:] = [(run.inventories, ProjectInventory(files))]
    return _last[0][1]


def relative_to_root(path: Path, root) -> str:
    try:
        return path.relative_to(root).as_posix() if root is not None else str(path)
    except ValueError:
        return str(path)


def check_project_with(rule, run: ProjectRun) -> Iterator[ProjectFinding]:
    """The runner's hook for the project-level rule `rule`: findings in this run's files
    (the rest of the project is read to judge them, not reported on)."""
    root = run.project.root
    checked = {p.absolute() for p in run.files}
    for found in rule.project_findings(run_inventory(run), run.settings):
        path = Path(found.path)
        path = root / path if root is not None and not path.is_absolute() else path
        if path.absolute() not in checked:
            continue
        yield ProjectFinding(path, found.line, found.message, found.column, found.end_line, found.end_column,
                             help=found.help)  # fmt: skip
