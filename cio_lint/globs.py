"""Globs over paths, in one place: `exclude` / `extend-exclude` (walking) and
`per-file-ignores` (findings), read as flake8 and ruff read them.

A glob with a '/' is a path relative to the config file's directory (so it means the same
from any working directory); one without matches a name. `settings` here is anything with
the `Settings` fields used (exclude, extend_exclude, per_file_ignores, config_dir).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Callable, Optional, Sequence, Tuple

from cio_lint import codes

if TYPE_CHECKING:
    from cio_lint.config import Settings
    from cio_lint.finding import Finding


def path_glob(raw: str) -> Optional[str]:
    """A glob with a '/' (exclude, per-file-ignores) is a path relative to the config's
    directory, as flake8 and ruff read it: that path without a leading './' or trailing '/'.
    None for a glob without one, which matches names."""
    pattern = raw.rstrip("/")
    if "/" not in pattern:
        return None
    return pattern[2:] if pattern.startswith("./") else pattern


# ---------------------------------------------------------------------------------------------
# exclude


def _relative_parts(path: Path, anchor: Optional[Path]) -> Tuple[str, ...]:
    """`path` relative to `anchor` (the config's directory), else to the working directory.

    Only that part is matched against exclude patterns: a checkout that happens to live under
    a directory called `build` or `env` is not excluded as a whole. () when outside both.
    """
    absolute = os.path.abspath(path)
    for base in (anchor, Path.cwd()):
        if base is not None and _inside(absolute, base):
            return Path(os.path.relpath(absolute, os.path.abspath(base))).parts
    return ()


def _inside(path, base) -> bool:
    path, base = os.path.abspath(path), os.path.abspath(base)
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=None)
def _exclude_patterns(patterns: Tuple[str, ...]) -> Tuple[Optional["re.Pattern"], Optional["re.Pattern"]]:
    """(name pattern, path pattern): each list of globs compiled once into one expression
    (fnmatch per pattern per path part was a tenth of a run over a large tree)."""
    names, paths = [], []
    for raw in patterns:
        path = path_glob(raw)
        if path is not None:  # the path itself or anything below it
            paths += [fnmatch.translate(path), fnmatch.translate(path + "/*")]
        elif raw.rstrip("/"):
            names.append(fnmatch.translate(raw.rstrip("/")))
    return (re.compile("|".join(names)) if names else None, re.compile("|".join(paths)) if paths else None)


def _matches_exclude(parts: Sequence[str], patterns: Sequence[str], whole: bool) -> bool:
    """flake8/ruff-style exclusion: a pattern without '/' matches any path component (or only
    the last one when `whole` is False), a pattern with '/' matches the relative path."""
    if not parts:
        return False
    names, paths = _exclude_patterns(tuple(patterns))
    if paths is not None and paths.match("/".join(parts)):
        return True
    return names is not None and any(names.match(part) for part in (parts if whole else parts[-1:]))


def is_excluded(path: Path, settings: "Settings", whole: bool = True) -> bool:
    patterns = settings.exclude + settings.extend_exclude
    if not whole and _exclude_patterns(patterns)[1] is None:
        parts: Sequence[str] = (path.name,)  # only the entry's own name can match
    else:
        parts = _relative_parts(path, settings.config_dir) or (path.name,)
    return _matches_exclude(parts, patterns, whole)


# ---------------------------------------------------------------------------------------------
# per-file-ignores


def per_file_ignored(shown: str, settings: "Settings", path: Optional[Path] = None) -> Callable[["Finding"], bool]:
    """Is a finding in this file silenced by `[tool.cio-lint] per-file-ignores`? Its globs are
    matched against `path` relative to the config's directory when the file is inside it
    (so they mean the same from any working directory), else against the name shown."""
    patterns = [(glob, selectors) for glob, selectors in settings.per_file_ignores]
    if not patterns:
        return lambda finding: False
    pure = PurePath(_relative_to_config(path, settings) or shown)
    hits = [selectors for glob, selectors in patterns if _glob_match(pure, glob)]
    return lambda finding: any(codes.matches(finding.code, selectors) for selectors in hits)


def _relative_to_config(path: Optional[Path], settings: "Settings") -> Optional[str]:
    if path is None or settings.config_dir is None:
        return None
    where, base = os.path.abspath(path), os.path.abspath(settings.config_dir)
    if not where.startswith(os.path.join(base, "")):
        return None
    return PurePath(os.path.relpath(where, base)).as_posix()


def _glob_match(path: PurePath, pattern: str) -> bool:
    """flake8's reading: a pattern with a '/' matches the path relative to the config's
    directory; one without matches the file's name (and, as ruff allows, the whole path)."""
    text = path.as_posix()
    relative = path_glob(pattern)
    if relative is not None:  # the path itself or anything below it
        return fnmatch.fnmatch(text, relative) or fnmatch.fnmatch(text, relative + "/*")
    return fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(text, pattern)
