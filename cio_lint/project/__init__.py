"""The project around a file: its root, the SDK version it uses, and its module index.

A `Project` is built once per run (per flake8 process) for each project root and shared by
every file under it. It never imports or executes project code: it reads files as text.

The package: `root` (where a project starts: the one root finder), `index` (the project's
own modules by name, and what they import, from bytes), `summary` (what a module offers the
others, as plain data), `declarations` (the project's declared dependencies and the SDK
version they admit). Nothing here imports cio_lint.resolve: summaries are made there
(cio_lint.resolve.summaries) and only kept here.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from cio_lint import sdk
from cio_lint.config import Settings
from cio_lint.project.cache import DEFAULT_DIR, Cache
from cio_lint.project.index import ModuleIndex, _module_name
from cio_lint.project.root import find_root

__all__ = ["ModuleIndex", "Project", "forget", "project_for"]


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
    #: the on-disk cache of summaries and findings (None: the front-end keeps none)
    cache: Optional[Cache] = field(default=None, repr=False, compare=False)

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

    def module_name_at(self, absolute: str) -> str:
        """`module_name` of an absolute path given as a string (no pathlib per file)."""
        return _module_name(self.root, absolute)[0] if self.root is not None else ""


def _shadows_sdk(root: Path) -> bool:
    for base in (root, root / "src"):
        if (base / f"{sdk.PACKAGE}.py").is_file() or (base / sdk.PACKAGE / "__init__.py").is_file():
            return True
    return False


_cache: Dict[Tuple[Optional[Path], Optional[str], Tuple[str, ...]], Project] = {}
_lock = threading.Lock()


def project_for(path: Optional[Path], settings: Settings, checked: Optional[Path] = None,
                use_cache: bool = False) -> Project:  # fmt: skip
    """The project `path` belongs to (its root from cio_lint.project.root; `checked` is the
    directory being checked, for files in no package), built once per root and settings that
    shape it. `use_cache`: the front-end keeps the on-disk cache (unless settings say no)."""
    from cio_lint.project.declarations import detect_sdk_version

    root = find_root(path, checked).path if path is not None else None
    use_cache = use_cache and settings.cache and not os.environ.get(NO_CACHE_VARIABLE)
    cache_dir = cache_dir_for(root, settings) if use_cache else None
    key = (root, settings.sdk_version, settings.client_factories, cache_dir)
    with _lock:
        project = _cache.get(key)
        if project is None:
            explicit = settings.sdk_version
            version = detect_sdk_version(root, explicit, explicit_source=settings.origin("sdk-version")) \
                if (root or explicit) else sdk.UNKNOWN_VERSION  # fmt: skip
            # The index reads nothing until a file imports something: a root of loose files
            # costs one listing of it, and only then.
            index = ModuleIndex(root, _shadows_sdk(root) if root else False, settings.client_factories)
            cache = Cache(cache_dir) if cache_dir is not None else None
            project = _cache[key] = Project(root, version, index, cache=cache)
    return project


def forget() -> None:
    """Drop every Project (module index, summaries, detected SDK version) and every root
    found: the next file starts from what is on disk (the language server, after a file or
    a dependency file changed; tests, to start a new run in the same process)."""
    from cio_lint.project import root

    with _lock:
        _cache.clear()
    root.forget()


#: set (to anything but empty) in the environment: no on-disk cache, whatever the settings say
#: (as RUFF_NO_CACHE): CI jobs that start from a clean checkout, and the test suite
NO_CACHE_VARIABLE = "CIO_LINT_NO_CACHE"


def cache_dir_for(root: Optional[Path], settings: Settings) -> Optional[Path]:
    """Where the project's on-disk cache lives: `cache-dir` (relative to the config file's
    directory), else .cio_lint_cache at the project root; None without either."""
    if settings.cache_dir:
        where = Path(settings.cache_dir)
        if not where.is_absolute():
            where = (settings.config_dir or Path.cwd()) / where
        return Path(os.path.abspath(where))
    return root / DEFAULT_DIR if root is not None else None
