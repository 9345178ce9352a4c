"""Which files a run reads: the paths named, directories walked with excludes and what git
ignores, and how a path is shown. No LibCST, no rules: cio_lint/runner.py checks what this
yields, cio_lint/whole_project.py walks a project with it, cio_lint/replay.py repeats it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Set

from cio_lint.globs import is_excluded


class UsageError(Exception):
    """Bad paths or arguments: one line on stderr, exit 2."""


def iter_files(paths: Sequence[str], settings_for, force_exclude: bool, errors: Optional[List[str]] = None,
               respect_gitignore: bool = True, entered: Optional[Set[str]] = None) -> Iterator[Path]:  # fmt: skip
    """The files to check under `paths`. A directory that cannot be listed is never skipped
    silently: it goes to `errors` (the run then exits 2), and the walk goes on. `entered`
    collects the directories walked."""
    errors = errors if errors is not None else []
    seen = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{raw}: no such file or directory")
        if force_exclude and is_excluded(path, settings_for(path)):
            continue
        # named files: any suffix, even when git ignores them (as ruff checks them)
        found = walk(path, settings_for, errors, respect_gitignore, entered) if path.is_dir() else [path]
        for candidate in found:
            key = os.path.abspath(candidate)
            if key not in seen:
                seen.add(key)
                yield candidate


def walk(root: Path, settings_for, errors: List[str], respect_gitignore: bool = True,
         entered: Optional[Set[str]] = None) -> Iterator[Path]:  # fmt: skip
    """The .py and .pyi files below `root` that neither `exclude` (each directory's settings)
    nor .gitignore rules out, in a stable order; `entered` collects the directories walked."""

    def unreadable(exc: OSError) -> None:
        errors.append(f"{display(Path(exc.filename or root))}: cannot read this directory: "
                      f"{exc.strerror or exc}; nothing below it was checked")  # fmt: skip

    ignores = {}  # directory -> the .gitignore rules in force inside it
    if respect_gitignore:
        from cio_lint.gitignore import GitIgnore

        start = GitIgnore.for_walk(os.fspath(root))
        if start is not None:
            ignores[os.fspath(root)] = start
    for directory, dirnames, filenames in os.walk(root, onerror=unreadable):
        if entered is not None:
            entered.add(os.path.abspath(directory))
        base = Path(directory)
        settings = settings_for(base)
        git = ignores.pop(directory, None)
        if git is not None:
            git = git.entering(directory, filenames)
        # Each entry is matched by its own name (its parents were matched on the way down).
        dirnames[:] = sorted(d for d in dirnames if not is_excluded(base / d, settings, whole=False)
                             and not (git is not None and git.ignored(os.path.join(directory, d), True)))
        if git is not None:
            for name in dirnames:
                ignores[os.path.join(directory, name)] = git
        for name in sorted(filenames):
            if name.endswith((".py", ".pyi")):
                candidate = base / name
                if not is_excluded(candidate, settings, whole=False) and not (
                        git is not None and git.ignored(os.fspath(candidate), False)):  # fmt: skip
                    yield candidate


def display(path: Path) -> str:
    """How a path is shown: relative to the working directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd())) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)
