"""Shared by the project-level rules (CIO503, CIO504): findings made from the project's
inventory rather than from one file's tree.

A project-level rule is a `Rule` with `PROJECT = True` and a `project_findings(inventory,
settings)` classmethod; it visits nothing. The front-ends call it once per project with
every file's inventory (the CLI after checking the files, flake8 and editors with the
project's inventory and the file being checked), and keep the findings of the files they
report on. Findings point at the offending call's name or value, so `# noqa` and
per-file-ignores work on them as on any other.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, List, Sequence, Tuple, TypeVar

from cio_lint.finding import Finding
from cio_lint.inventory import Location

T = TypeVar("T")


def finding(rule, where: Location, message: str) -> Finding:
    return Finding(where.path, where.line, where.column, rule.CODE, rule.NAME, message,
                   where.end_line or where.line, where.end_column or where.column)  # fmt: skip


def places(locations: Sequence[Location], limit: int = 2) -> str:
    """"a.py:3, b.py:9 and 4 more" """
    shown = ", ".join(str(loc) for loc in locations[:limit])
    rest = len(locations) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def majority(groups: Iterable[Tuple[T, Sequence[Location]]], preferred: Sequence[T] = ()) -> T:
    """The group most places use: a preferred one (configured) first, then the most uses,
    then the most files, then the first written (by path and line), so the choice is stable."""
    groups = list(groups)
    for choice in preferred:
        if any(key == choice for key, _ in groups):
            return choice

    def rank(item):
        key, locations = item
        first = min((loc.path, loc.line, loc.column) for loc in locations)
        return (-len(locations), -len({loc.path for loc in locations}), first)

    return min(groups, key=rank)[0]


def counted(items: Iterable[T]) -> List[Tuple[T, int]]:
    return Counter(items).most_common()
