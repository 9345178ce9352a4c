"""Which Customer.io distributions a project declares, and which SDK release it runs.

DESIGN.md §3: the SDK version is detected per project, never assumed. This module reads the
project's dependency files *as data* (TOML, JSON, pip requirement lines, an `ast` of setup.py;
project code is never imported or executed) and turns what they say into an `SdkVersion`.

Sources, in priority order (the first SDK declaration with a version decides):

1. lock files: ``uv.lock``, ``poetry.lock``, ``Pipfile.lock``, ``pdm.lock`` (resolved versions)
2. ``pyproject.toml``: ``[project]`` dependencies and optional-dependencies, PEP 735
   ``[dependency-groups]``, ``[tool.uv] dev-dependencies``, ``[tool.poetry]`` dependencies,
   group dependencies and dev-dependencies (``^``/``~`` converted to PEP 440)
3. ``requirements*.txt``, ``requirements/*.txt``, ``constraints*.txt``, following ``-r``/``-c``
4. ``setup.cfg`` (``[options] install_requires``, ``[options.extras_require]``)
5. ``setup.py``: literal ``install_requires=[...]`` / ``extras_require={...}`` lists
6. ``Pipfile``

then the distribution installed in the running environment, then "unknown".

Nothing here raises on bad input: an unreadable, undecodable, invalid or huge file is skipped,
a line that cannot be parsed is skipped, and a version that cannot be parsed degrades to
"unversioned".
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import stat
import warnings
from configparser import ConfigParser
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from cio_lint.project.root import is_requirements_name, list_dir
from cio_lint.sdk import (
    CDP_DISTRIBUTION,
    PACKAGE,
    RELEASES,
    SDK_DISTRIBUTIONS,
    UNKNOWN_VERSION,
    SdkVersion,
    parse_version_spec,
)

try:  # pragma: no cover - depends on the interpreter
    import tomllib as _toml
except ImportError:  # pragma: no cover - Python < 3.11
    import tomli as _toml  # type: ignore[no-redef]

__all__ = [
    "Declaration",
    "EXPLICIT_SOURCE",
    "INSTALLED_SOURCE",
    "detect_sdk_version",
    "find_declarations",
]

#: Distributions this module reports (canonical names).
WATCHED: Tuple[str, ...] = tuple(canonicalize_name(n) for n in SDK_DISTRIBUTIONS) + (
    canonicalize_name(CDP_DISTRIBUTION),
)
_SDK = frozenset(canonicalize_name(n) for n in SDK_DISTRIBUTIONS)

EXPLICIT_SOURCE = "[tool.cio-lint] sdk-version"
INSTALLED_SOURCE = "installed in this environment"

#: Files larger than this are skipped (a lock file of a large project is a few MB).
MAX_FILE_BYTES = 8 * 1024 * 1024
#: At most this many requirement files are read per project (includes included).
MAX_REQUIREMENT_FILES = 64
_MAX_INCLUDE_DEPTH = 32


@dataclass(frozen=True)
class Declaration:
    """One place where the project depends on a Customer.io distribution."""

    distribution: str  # canonical name: "customerio", "python-customerio", ...
    specifier: str  # PEP 440 specifier, "" if unversioned
    path: Path  # the file that declares it
    line: int  # 1-based, best effort (1 if unknown)
    exact: bool = False  # a lock file's resolved version

    @property
    def is_sdk(self) -> bool:
        """Does this distribution install the `customerio` SDK (not the CDP library)?"""
        return self.distribution in _SDK


# ============================================================================================
# Public API


def find_declarations(root: Path) -> List[Declaration]:
    """Every declaration of customerio / python-customerio / customerio-cdp-analytics at
    `root`, in priority order (lock files, pyproject, requirements, setup.cfg, setup.py,
    Pipfile). Never raises."""
    return list(_iter_declarations(root))


def detect_sdk_version(
    root: Optional[Path],
    explicit: Optional[str] = None,
    *,
    explicit_source: str = EXPLICIT_SOURCE,
) -> SdkVersion:
    """The SDK releases the project at `root` may run, and what decided it.

    `explicit` (config / --cio-sdk-version) wins; then the first SDK declaration with a
    version (see `find_declarations`); then the distribution installed in this environment;
    else `UNKNOWN_VERSION`. Never raises.
    """
    note = ""
    if explicit is not None and str(explicit).strip():
        spec = _explicit_spec(str(explicit))
        if spec is not None:
            return _version(spec, explicit_source)
        note = f"; {explicit_source} {str(explicit).strip()!r} ignored: not a version specifier"

    try:
        found = _detect_from_files(root) if root is not None else None
    except Exception:  # defensive: detection must never break a run
        found = None
    if found is None:
        found = _detect_installed()
    if found is None:
        found = UNKNOWN_VERSION
    if note:
        found = SdkVersion(found.specifier, found.source + note)
    return found


# ============================================================================================
# Detection


def _parse_spec(text: str) -> Optional[str]:
    """`sdk.parse_version_spec`, also refusing an operator without a version ("===")."""
    spec = parse_version_spec(text)
    if spec is None or not _has_versions(SpecifierSet(spec)):
        return None
    return spec


def _has_versions(specifier: SpecifierSet) -> bool:
    return all(s.version.strip() for s in specifier)


def _explicit_spec(text: str) -> Optional[str]:
    text = text.strip()
    spec = _parse_spec(text)
    if spec is not None:
        return spec
    # "customerio==3.2.0" / "customerio>=2.4": accept a requirement naming the SDK.
    try:
        req = Requirement(text)
    except Exception:
        return None
    if canonicalize_name(req.name) in _SDK and str(req.specifier) and _has_versions(req.specifier):
        return str(req.specifier)
    return None


def _detect_from_files(root: Path) -> Optional[SdkVersion]:
    root = _as_dir(root)
    unversioned: Optional[Declaration] = None
    for decl in _iter_declarations(root):
        if not decl.is_sdk:
            continue
        spec = _parse_spec(decl.specifier) if decl.specifier else None
        if spec:
            where = f"{_relpath(decl.path, root)}:{decl.line}"
            return _version(spec, where)
        if unversioned is None:
            unversioned = decl
    if unversioned is not None:
        where = f"{_relpath(unversioned.path, root)}:{unversioned.line}"
        return SdkVersion(
            "",
            f"{where} ({unversioned.distribution} without a version; "
            "treated as the newest release)",
        )
    return None


def _detect_installed() -> Optional[SdkVersion]:
    try:
        from importlib import metadata
    except Exception:  # pragma: no cover
        return None
    for name in SDK_DISTRIBUTIONS:
        try:
            version = metadata.version(name)
        except Exception:  # PackageNotFoundError, broken metadata, ...
            continue
        if not isinstance(version, str) or not version.strip():
            continue
        try:
            Version(version)
        except InvalidVersion:
            continue
        spec = parse_version_spec("==" + version.strip())
        if spec:
            return _version(spec, INSTALLED_SOURCE)
    return None


def _version(spec: str, source: str) -> SdkVersion:
    """The range `spec` set by `source`. One that admits no release cio-lint knows
    (`>=5`, `==0.1`) says nothing it can check against: the version is unknown (judged as the
    newest release, as with no pin), and the run says so once (`warning`)."""
    if _names_known_release(spec):
        return SdkVersion(spec, source)
    return SdkVersion(
        "",
        f"{source} names no known release; newest assumed",
        warning=(f"{source}: customerio{spec} names no customerio release cio-lint knows "
                 f"({RELEASES[0]} to {RELEASES[-1]}); checking as if the version were unknown "
                 f"(the newest release, {RELEASES[-1]})"),
    )  # fmt: skip


def _names_known_release(spec: str) -> bool:
    try:
        specifier = SpecifierSet(spec)
    except InvalidSpecifier:
        return False
    return any(specifier.contains(Version(r), prereleases=True) for r in RELEASES)


def _relpath(path: Path, root: Path) -> str:
    try:
        return os.path.relpath(os.fspath(path), os.fspath(root))
    except Exception:
        return os.fspath(path)


# ============================================================================================
# Collecting declarations


def _as_dir(root: Path) -> Path:
    """`root`, or the directory of `root` when it is given as a file."""
    root = Path(root)
    try:
        return root if root.is_dir() or not root.exists() else root.parent
    except Exception:
        return root


def _iter_declarations(root: Path) -> Iterator[Declaration]:
    try:
        root = _as_dir(root)
        entries = list_dir(root)
    except Exception:
        return
    readers: Sequence[Tuple[str, Callable[[Path], List[Declaration]]]] = (
        ("uv.lock", _read_package_lock),
        ("poetry.lock", _read_package_lock),
        ("Pipfile.lock", _read_pipfile_lock),
        ("pdm.lock", _read_package_lock),
        ("pyproject.toml", _read_pyproject),
    )
    for name, reader in readers:
        if name in entries:
            yield from _safely(reader, root / name)
    yield from _safely(_read_requirement_files, root, entries)
    for name, reader in (
        ("setup.cfg", _read_setup_cfg),
        ("setup.py", _read_setup_py),
        ("Pipfile", _read_pipfile),
    ):
        if name in entries:
            yield from _safely(reader, root / name)


def _safely(reader: Callable[..., List[Declaration]], *args: Any) -> List[Declaration]:
    try:
        return list(reader(*args))
    except Exception:  # RecursionError, MemoryError, anything a hostile file provokes
        return []


#: every file this process's detection has read or tried to read (missing ones too): inputs
#: of a run outside its Python files, some outside the project (`-r ../shared/requirements.txt`),
#: which cio_lint/replay.py fingerprints
_files_read: Set[str] = set()


def files_read() -> List[str]:
    """The declaration files the detection has asked for in this process, absolute."""
    return sorted(_files_read)


def _read_text(path: Path, *, needle: Optional[str] = None) -> Optional[str]:
    """The text of a regular file, or None (missing, special, huge, unreadable).

    With `needle`, None also when the file does not mention it (case-insensitive), so files
    that cannot declare a Customer.io distribution are never parsed. Every path asked for is
    kept (`files_read`).
    """
    _files_read.add(os.path.abspath(os.fspath(path)))
    try:
        st = os.stat(path)  # follows symlinks; a loop raises OSError
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except Exception:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    if needle is not None and needle.encode() not in data.lower():
        return None
    try:
        return data.decode("utf-8-sig", errors="replace")
    except Exception:  # pragma: no cover - "replace" does not raise
        return None


def _load_toml(path: Path) -> Optional[Tuple[Dict[str, Any], List[str]]]:
    text = _read_text(path, needle=PACKAGE)
    if text is None:
        return None
    try:
        data = _toml.loads(text)
    except Exception:
        return None
    if not isinstance(data, dict):
        return None
    return data, text.splitlines()


def _watched(name: Any) -> Optional[str]:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        canon = canonicalize_name(name.strip())
    except Exception:
        return None
    return canon if canon in WATCHED else None


def _pin(version: Any) -> str:
    """A lock file's version -> "==X" ("" if it is not a PEP 440 version)."""
    if not isinstance(version, str):
        return ""
    try:
        return f"=={Version(version.strip())}"
    except InvalidVersion:
        return ""


def _clean_spec(text: Any) -> str:
    """A PEP 440 specifier from a table value ("*" and invalid text -> "")."""
    if not isinstance(text, str):
        return ""
    text = text.strip()
    if not text or text == "*":
        return ""
    return _parse_spec(text) or ""


# --------------------------------------------------------------------------------------------
# Line numbers (best effort: TOML/JSON parsers do not report positions)

_TOML_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_.\-]+))\s*=""")


def _norm_table(name: str) -> str:
    return ".".join(p.strip().strip("\"'").strip() for p in name.split("."))


def _table_span(lines: List[str], table: str) -> Optional[Tuple[int, int]]:
    """Index range [start, end) of the body of `[table]` in `lines`."""
    start = None
    for index, line in enumerate(lines):
        m = _TOML_HEADER.match(line)
        if not m:
            continue
        if start is not None:
            return start, index
        if _norm_table(m.group(1)) == table:
            start = index + 1
    return (start, len(lines)) if start is not None else None


def _key_line(lines: List[str], table: str, name: str) -> int:
    """The line of key `name` (compared canonically) in `[table]`, else anywhere."""
    span = _table_span(lines, table)
    ranges = [span] if span else []
    ranges.append((0, len(lines)))
    for lo, hi in ranges:
        for index in range(lo, hi):
            m = _TOML_KEY.match(lines[index])
            if m:
                key = m.group(1) or m.group(2) or m.group(3) or ""
                if _watched(key) == name:
                    return index + 1
    return _text_line(lines, name)


def _string_line(lines: List[str], table: str, raw: str, name: str) -> int:
    """The line holding the string `raw` (a list item) in `[table]`, else anywhere."""
    span = _table_span(lines, table)
    ranges = [span] if span else []
    ranges.append((0, len(lines)))
    for lo, hi in ranges:
        for index in range(lo, hi):
            if raw in lines[index]:
                return index + 1
    return _text_line(lines, name)


def _text_line(lines: List[str], name: str, start: int = 0) -> int:
    needle = name.lower()
    for index in range(start, len(lines)):
        if needle in lines[index].lower().replace("_", "-"):
            return index + 1
    return 1


# --------------------------------------------------------------------------------------------
# Lock files


def _package_name_lines(lines: List[str]) -> Dict[str, List[int]]:
    """Lines of `name = "..."` keys directly under a `[[package]]` header, per watched name."""
    found: Dict[str, List[int]] = {}
    in_package = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            in_package = stripped.replace(" ", "") == "[[package]]"
            continue
        if not in_package:
            continue
        m = re.match(r"""^name\s*=\s*["']([^"']+)["']""", stripped)
        if m:
            canon = _watched(m.group(1))
            if canon:
                found.setdefault(canon, []).append(index + 1)
    return found


def _read_package_lock(path: Path) -> List[Declaration]:
    """uv.lock, poetry.lock, pdm.lock: `[[package]]` tables with `name` and `version`."""
    loaded = _load_toml(path)
    if loaded is None:
        return []
    data, lines = loaded
    packages = data.get("package")
    if not isinstance(packages, list):
        return []
    name_lines = _package_name_lines(lines)
    out: List[Declaration] = []
    for package in packages:
        if not isinstance(package, dict):
            continue
        canon = _watched(package.get("name"))
        if not canon:
            continue
        spec = _pin(package.get("version"))
        queue = name_lines.get(canon)
        line = queue.pop(0) if queue else _text_line(lines, canon)
        out.append(Declaration(canon, spec, path, line, exact=bool(spec)))
    return out


def _read_pipfile_lock(path: Path) -> List[Declaration]:
    text = _read_text(path, needle=PACKAGE)
    if text is None:
        return []
    try:
        data = json.loads(text)
    except Exception:
        return []
    if not isinstance(data, dict):
        return []
    lines = text.splitlines()
    key_lines: Dict[str, List[int]] = {}
    for index, line in enumerate(lines):
        for m in re.finditer(r'"([^"\\]+)"\s*:\s*\{', line):
            canon = _watched(m.group(1))
            if canon:
                key_lines.setdefault(canon, []).append(index + 1)
    out: List[Declaration] = []
    for section, packages in data.items():
        if section == "_meta" or not isinstance(packages, dict):
            continue
        for name, info in packages.items():
            canon = _watched(name)
            if not canon:
                continue
            spec = ""
            if isinstance(info, dict):
                spec = _clean_spec(info.get("version"))
            elif isinstance(info, str):
                spec = _clean_spec(info)
            queue = key_lines.get(canon)
            line = queue.pop(0) if queue else _text_line(lines, canon)
            out.append(Declaration(canon, spec, path, line, exact=spec.startswith("==")))
    return out


# --------------------------------------------------------------------------------------------
# PEP 508 strings


def _requirement(text: str) -> Optional[Tuple[str, str]]:
    """A PEP 508 requirement string -> (canonical watched name, specifier), else None.

    Environment markers are ignored; a URL requirement is unversioned.
    """
    text = text.strip()
    if not text:
        return None
    req: Optional[Requirement] = None
    try:
        req = Requirement(text)
    except Exception:
        if ";" in text:  # a malformed marker: the requirement before it may still be fine
            try:
                req = Requirement(text.split(";", 1)[0].strip())
            except Exception:
                req = None
    if req is None:
        return None
    canon = _watched(req.name)
    if not canon or not _has_versions(req.specifier):
        return None
    spec = "" if req.url else str(req.specifier)
    return canon, spec


def _requirement_list(
    items: Any, path: Path, lines: List[str], table: str
) -> List[Declaration]:
    out: List[Declaration] = []
    if not isinstance(items, list):
        return out
    for item in items:
        if not isinstance(item, str):
            continue  # e.g. {include-group = "..."} in [dependency-groups]
        parsed = _requirement(item)
        if parsed:
            canon, spec = parsed
            out.append(Declaration(canon, spec, path, _string_line(lines, table, item, canon)))
    return out


# --------------------------------------------------------------------------------------------
# pyproject.toml


def _read_pyproject(path: Path) -> List[Declaration]:
    loaded = _load_toml(path)
    if loaded is None:
        return []
    data, lines = loaded
    out: List[Declaration] = []

    project = data.get("project")
    if isinstance(project, dict):
        out += _requirement_list(project.get("dependencies"), path, lines, "project")
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            table = (
                "project.optional-dependencies"
                if _table_span(lines, "project.optional-dependencies")
                else "project"
            )
            for items in optional.values():
                out += _requirement_list(items, path, lines, table)

    groups = data.get("dependency-groups")  # PEP 735 (uv add --dev)
    if isinstance(groups, dict):
        for items in groups.values():
            out += _requirement_list(items, path, lines, "dependency-groups")

    tool = data.get("tool")
    tool = tool if isinstance(tool, dict) else {}
    uv = tool.get("uv")
    if isinstance(uv, dict):
        out += _requirement_list(uv.get("dev-dependencies"), path, lines, "tool.uv")

    poetry = tool.get("poetry")
    if isinstance(poetry, dict):
        out += _poetry_table(poetry.get("dependencies"), path, lines, "tool.poetry.dependencies")
        group = poetry.get("group")
        if isinstance(group, dict):
            for group_name, body in group.items():
                if isinstance(body, dict):
                    out += _poetry_table(
                        body.get("dependencies"),
                        path,
                        lines,
                        f"tool.poetry.group.{group_name}.dependencies",
                    )
        out += _poetry_table(
            poetry.get("dev-dependencies"), path, lines, "tool.poetry.dev-dependencies"
        )
    return out


def _poetry_table(table: Any, path: Path, lines: List[str], where: str) -> List[Declaration]:
    out: List[Declaration] = []
    if not isinstance(table, dict):
        return out
    for name, value in table.items():
        canon = _watched(name)
        if not canon:
            continue
        line = _key_line(lines, where, canon)
        # A list of tables is a "multiple constraints" dependency (one per marker).
        values = value if isinstance(value, list) else [value]
        for entry in values:
            out.append(Declaration(canon, _poetry_value_spec(entry), path, line))
    return out


def _poetry_value_spec(value: Any) -> str:
    if isinstance(value, dict):
        # git / path / url dependencies carry no version: unversioned.
        value = value.get("version")
    if not isinstance(value, str):
        return ""
    return poetry_constraint_to_pep440(value) or ""


_POETRY_TOKEN = re.compile(
    r"\s*(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*(\*|[0-9][0-9A-Za-z.*+!\-]*)\s*(?:,|\s|$)"
)


def poetry_constraint_to_pep440(text: str) -> Optional[str]:
    """Poetry's version constraint -> a PEP 440 specifier string.

    "" for "any version" ("*", "", or an `||` union, which PEP 440 cannot say); None if the
    text cannot be read. "^2.4" -> ">=2.4,<3.0"; "~1.2.3" -> ">=1.2.3,<1.3"; "2.4" -> "==2.4".
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or text == "*":
        return ""
    if "||" in text or "|" in text:
        return ""
    parts: List[str] = []
    pos = 0
    while pos < len(text):
        m = _POETRY_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return None
        pos = m.end()
        op, version = m.group(1) or "", m.group(2)
        converted = _poetry_term(op, version)
        if converted is None:
            return None
        parts.extend(converted)
    if not parts:
        return ""
    return _parse_spec(",".join(parts))


def _poetry_term(op: str, version: str) -> Optional[List[str]]:
    if version == "*":
        return [] if op in ("", "=", "==", ">=") else None
    if op in ("^", "~"):
        m = re.match(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
        if not m or "*" in version:
            return None
        try:
            Version(version)
        except InvalidVersion:
            return None
        major = int(m.group(1))
        minor = int(m.group(2)) if m.group(2) is not None else None
        patch = int(m.group(3)) if m.group(3) is not None else None
        if op == "^":
            if major > 0 or minor is None:
                upper = f"{major + 1}.0"
            elif minor > 0 or patch is None:
                upper = f"0.{minor + 1}"
            else:
                upper = f"0.0.{(patch or 0) + 1}"
        else:  # tilde: major only -> next major, else next minor
            upper = f"{major + 1}.0" if minor is None else f"{major}.{minor + 1}"
        return [f">={version}", f"<{upper}"]
    if op in ("", "="):
        return [f"=={version}"]
    return [f"{op}{version}"]


# --------------------------------------------------------------------------------------------
# requirements files

_COMMENT = re.compile(r"(^|\s+)#.*$")
_INCLUDE = re.compile(r"^(--requirement|--constraint|-r|-c)(?:(\s*=\s*|\s+)|(?=[^\s=-]))(.+)$")
_TRAILING_OPTION = re.compile(r"\s+--?[A-Za-z]")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._\-]*)")
_ARCHIVE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._]*?)-\d[^/]*?(?:\.tar\.gz|\.tar\.bz2|\.tgz|\.zip|\.whl)$"
)


def _requirement_roots(root: Path, entries: Set[str]) -> List[Path]:
    top = sorted(n for n in entries if is_requirements_name(n))
    if "requirements.txt" in top:
        top.remove("requirements.txt")
        top.insert(0, "requirements.txt")
    files = [root / n for n in top]
    if "requirements" in entries:
        sub = root / "requirements"
        files += [sub / n for n in sorted(list_dir(sub)) if n.endswith(".txt")]
    cons = sorted(n for n in entries if n.startswith("constraints") and n.endswith(".txt"))
    if "constraints.txt" in cons:
        cons.remove("constraints.txt")
        cons.insert(0, "constraints.txt")
    files += [root / n for n in cons]
    return files


def _read_requirement_files(root: Path, entries: Set[str]) -> List[Declaration]:
    out: List[Declaration] = []
    seen: Set[str] = set()
    for path in _requirement_roots(root, entries):
        _read_requirements(path, out, seen, 0)
    return out


def _file_key(path: Path) -> str:
    try:
        return os.path.realpath(os.fspath(path))
    except Exception:
        return os.path.abspath(os.fspath(path))


def _read_requirements(path: Path, out: List[Declaration], seen: Set[str], depth: int) -> None:
    key = _file_key(path)
    if key in seen or len(seen) >= MAX_REQUIREMENT_FILES or depth > _MAX_INCLUDE_DEPTH:
        return
    seen.add(key)
    text = _read_text(path)
    if text is None:
        return
    for line_no, line in _logical_lines(text):
        include = _INCLUDE.match(line)
        if include:
            target = _include_target(include.group(3))
            if target is not None:
                _read_requirements(path.parent / target, out, seen, depth + 1)
            continue
        parsed = _requirement_line(line)
        if parsed:
            out.append(Declaration(parsed[0], parsed[1], path, line_no))


def _logical_lines(text: str) -> Iterator[Tuple[int, str]]:
    """(first physical line, logical line) with continuations joined and comments removed."""
    buffer: List[str] = []
    start = 0
    for index, raw in enumerate(text.splitlines()):
        if not buffer:
            start = index + 1
        stripped = raw.strip()
        if stripped.endswith("\\") and not _COMMENT.search(stripped):
            buffer.append(stripped[:-1])
            continue
        buffer.append(stripped)
        logical = _COMMENT.sub("", " ".join(buffer)).strip()
        buffer = []
        if logical:
            yield start, logical
    if buffer:
        logical = _COMMENT.sub("", " ".join(buffer)).strip()
        if logical:
            yield start, logical


def _include_target(value: str) -> Optional[str]:
    value = value.strip()
    try:
        tokens = shlex.split(value)
    except ValueError:
        tokens = value.split()
    if not tokens:
        return None
    target = tokens[0]
    if "://" in target or target.startswith("file:"):
        return None  # remote includes are not fetched
    return target


def _requirement_line(line: str) -> Optional[Tuple[str, str]]:
    """One logical requirements line -> (name, specifier) of a watched distribution."""
    editable = re.match(r"^(?:-e|--editable)(?:\s*=\s*|\s+)?(.*)$", line)
    if editable:
        return _url_requirement(editable.group(1).strip())
    if line.startswith("-"):
        return None  # --index-url, --find-links, --hash on its own line, ...
    cut = _TRAILING_OPTION.search(line)
    if cut:
        line = line[: cut.start()]
    parsed = _requirement(line)
    if parsed:
        return parsed
    return _url_requirement(line)


def _url_requirement(text: str) -> Optional[Tuple[str, str]]:
    """A URL, VCS reference or archive path: the distribution it names, unversioned."""
    text = text.strip()
    if not text:
        return None
    egg = _EGG.search(text)
    if egg:
        canon = _watched(egg.group(1))
        return (canon, "") if canon else None
    base = text.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    base = base.rsplit("/", 1)[-1]
    m = _ARCHIVE.match(base)
    if m:
        canon = _watched(m.group("name"))
        return (canon, "") if canon else None
    return None


# --------------------------------------------------------------------------------------------
# setup.cfg


def _read_setup_cfg(path: Path) -> List[Declaration]:
    text = _read_text(path)
    if text is None:
        return []
    parser = ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=os.fspath(path))
    except Exception:
        return []
    lines = text.splitlines()
    out: List[Declaration] = []
    values: List[Tuple[str, str]] = []
    if parser.has_option("options", "install_requires"):
        values.append(("options", parser.get("options", "install_requires", raw=True)))
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require", raw=True):
            values.append(("options.extras_require", value))
    for section, value in values:
        out += _setup_cfg_value(path, lines, section, value)
    return out


def _setup_cfg_value(path: Path, lines: List[str], section: str, value: str) -> List[Declaration]:
    value = value.strip()
    out: List[Declaration] = []
    if value.startswith("file:"):
        # setuptools' `file:` directive: requirement files relative to setup.cfg.
        for name in value[5:].split(","):  # after "file:"
            name = name.strip()
            target = path.parent / name
            if name and _inside(target, path.parent):
                seen: Set[str] = set()
                _read_requirements(target, out, seen, _MAX_INCLUDE_DEPTH)
        return out
    # As setuptools reads it: one requirement per line, or ';'-separated on a single line.
    items = value.splitlines() if "\n" in value else value.split(";")
    header = _ini_header_line(lines, section)
    for item in items:
        item = _COMMENT.sub("", item).strip()
        if not item:
            continue
        parsed = _requirement(item)
        if parsed:
            line = _find_from(lines, item, header)
            out.append(Declaration(parsed[0], parsed[1], path, line))
    return out


def _ini_header_line(lines: List[str], section: str) -> int:
    for index, line in enumerate(lines):
        if line.strip().replace(" ", "") == f"[{section}]":
            return index
    return 0


def _find_from(lines: List[str], needle: str, start: int) -> int:
    for lo in (start, 0):
        for index in range(lo, len(lines)):
            if needle in lines[index]:
                return index + 1
    return 1


def _inside(path: Path, directory: Path) -> bool:
    try:
        return os.path.commonpath(
            [os.path.realpath(os.fspath(path)), os.path.realpath(os.fspath(directory))]
        ) == os.path.realpath(os.fspath(directory))
    except Exception:
        return False


# --------------------------------------------------------------------------------------------
# setup.py (read with `ast`; never executed)


def _read_setup_py(path: Path) -> List[Declaration]:
    text = _read_text(path, needle=PACKAGE)
    if text is None:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=os.fspath(path))
    except Exception:  # SyntaxError, ValueError (NUL bytes), RecursionError, MemoryError
        return []

    # Module-level names bound exactly once, so `install_requires=REQUIRES` can be followed.
    bindings: Dict[str, Optional[ast.expr]] = {}
    for node in tree.body:
        targets: List[ast.expr] = []
        value: Optional[ast.expr] = None
        if isinstance(node, ast.Assign):
            targets, value = list(node.targets), node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                bindings[target.id] = None if target.id in bindings else value

    out: List[Declaration] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "install_requires":
                for string, line in _literal_strings(keyword.value, bindings, 0):
                    out += _setup_py_item(path, string, line)
            elif keyword.arg == "extras_require":
                value = _follow(keyword.value, bindings)
                if isinstance(value, ast.Dict):
                    for item in value.values:
                        for string, line in _literal_strings(item, bindings, 0):
                            out += _setup_py_item(path, string, line)
    return out


def _setup_py_item(path: Path, string: str, line: int) -> List[Declaration]:
    parsed = _requirement(string)
    return [Declaration(parsed[0], parsed[1], path, line)] if parsed else []


def _follow(
    node: Optional[ast.expr], bindings: Dict[str, Optional[ast.expr]]
) -> Optional[ast.expr]:
    for _ in range(8):
        if isinstance(node, ast.Name) and bindings.get(node.id) is not None:
            node = bindings[node.id]
        else:
            break
    return node


def _literal_strings(
    node: Optional[ast.expr], bindings: Dict[str, Optional[ast.expr]], depth: int
) -> Iterable[Tuple[str, int]]:
    """String literals of a list/tuple literal (also `A + B` of such lists), with lines."""
    if depth > 16:
        return []
    node = _follow(node, bindings)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [
            (elt.value, getattr(elt, "lineno", 1))
            for elt in node.elts
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
        ]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # install_requires="customerio>=2" (a single string is accepted by setuptools)
        return [
            (part, node.lineno) for part in node.value.splitlines() if part.strip()
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return list(_literal_strings(node.left, bindings, depth + 1)) + list(
            _literal_strings(node.right, bindings, depth + 1)
        )
    return []


# --------------------------------------------------------------------------------------------
# Pipfile

_PIPFILE_NON_PACKAGE_TABLES = frozenset({"source", "requires", "pipenv", "scripts"})


def _read_pipfile(path: Path) -> List[Declaration]:
    loaded = _load_toml(path)
    if loaded is None:
        return []
    data, lines = loaded
    out: List[Declaration] = []
    # [packages], [dev-packages], then pipenv's custom package categories.
    sections = ["packages", "dev-packages"] + [
        k for k in data if k not in _PIPFILE_NON_PACKAGE_TABLES | {"packages", "dev-packages"}
    ]
    for section in sections:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            canon = _watched(name)
            if not canon:
                continue
            if isinstance(value, dict):
                value = value.get("version", "")
            spec = _clean_spec(value)
            out.append(Declaration(canon, spec, path, _key_line(lines, section, canon)))
    return out
