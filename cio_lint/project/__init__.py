"""The project around a file: its root, the SDK version it uses, and its module index.

A `Project` is built once per run (per flake8 process) for each project root and shared by
every file under it. It never imports or executes project code: it reads files as text.

The package: `index` (the project's own modules by name, and what they import, from bytes),
`summary` (what a module offers the others, as plain data), `declarations` (the project's
declared dependencies and the SDK version they admit). Nothing here imports cio_lint.resolve:
summaries are made there (cio_lint.resolve.summaries) and only kept here.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from cio_lint import sdk
from cio_lint.config import Settings
from cio_lint.project.index import ModuleIndex, _module_name

__all__ = ["ModuleIndex", "Project", "project_for"]


@dataclass
class Project:
    root: Optional[Path]
    sdk_version: sdk.SdkVersion = sdk.UNKNOWN_VERSION
    index: ModuleIndex = field(default_factory=ModuleIndex)
    #: the project's declared dependencies on the SDK distributions (None: not read yet)
    declarations: Optional[list] = None
    #: the module summaries, made on demand by a higher layer (cio_lint.resolve.summaries.
    #: for_project) and kept here so every file of the project shares them
    summaries: Any = field(default=None, repr=False, compare=False)

    def distribution_conflict(self):
        """(sdk declaration, cdp declaration) when the project declares both distributions."""
        if self.declarations is None:
            from cio_lint.project.declarations import find_declarations

            self.declarations = find_declarations(self.root) if self.root is not None else []
        sdk_decl = next((d for d in self.declarations if d.distribution in sdk.SDK_DISTRIBUTIONS), None)
        cdp_decl = next((d for d in self.declarations if d.distribution == sdk.CDP_DISTRIBUTION), None)
        return (sdk_decl, cdp_decl) if sdk_decl and cdp_decl else None

    def module_name(self, path: Optional[Path]) -> str:
        """The dotted module name of `path` inside this project ("" when it is outside)."""
        if self.root is None or path is None:
            return ""
        return _module_name(self.root, path.absolute())[0]


def _shadows_sdk(root: Path) -> bool:
    for base in (root, root / "src"):
        if (base / "customerio.py").is_file() or (base / "customerio" / "__init__.py").is_file():
            return True
    return False


_cache: Dict[Tuple[Optional[Path], Optional[str], Tuple[str, ...]], Project] = {}
_lock = threading.Lock()


#: directory -> the nearest directory at or above it with a project marker (None: none)
_marked: Dict[str, Optional[str]] = {}


def _root_for(path: Path, is_project_root) -> Path:
    """declarations.find_project_root, answered once per directory: a directory's answer is
    its own marker or its parent's answer (bench/run.py: it was most of a no-SDK run)."""
    where = os.path.abspath(path)
    start = where if os.path.isdir(where) else os.path.dirname(where)
    walked, found, directory = [], None, start
    while True:
        if directory in _marked:
            found = _marked[directory]
            break
        walked.append(directory)
        if is_project_root(Path(directory)):
            found = directory
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for directory in walked:
        _marked[directory] = found
    return Path(found or start)


def project_for(path: Optional[Path], settings: Settings) -> Project:
    """The project `path` belongs to, built once per root and SDK-version setting."""
    from cio_lint.project.declarations import detect_sdk_version, is_project_root

    root = _root_for(path, is_project_root) if path is not None else None
    key = (root, settings.sdk_version, settings.client_factories)
    with _lock:
        project = _cache.get(key)
        if project is None:
            explicit = settings.sdk_version
            version = detect_sdk_version(root, explicit, explicit_source=settings.origin("sdk-version")) \
                if (root or explicit) else sdk.UNKNOWN_VERSION  # fmt: skip
            # Only a real project gets a module index: a loose directory's index would walk
            # every directory below it, once per directory (quadratic on a deep tree).
            index_root = root if root is not None and is_project_root(root) else None
            index = ModuleIndex(index_root, _shadows_sdk(root) if root else False, settings.client_factories)
            project = _cache[key] = Project(root, version, index)
    return project
