"""The project around a file: its root, the SDK version it uses, and its module index.

A `Project` is built once per run (per flake8 process) for each project root and shared by
every file under it. It never imports or executes project code: it reads files as text.
"""

from __future__ import annotations

import fnmatch
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Set, Tuple

from cio_lint import sdk
from cio_lint.config import Settings


class ModuleIndex:
    """What the project's own modules provide: clients, factories, subclasses.

    Built once per project (per run, per flake8 process). The scan reads bytes only: a module
    is a *provider candidate* when it mentions `customerio` (or re-exports from a candidate),
    and only candidates are ever parsed, lazily, when another module imports from them.
    Project code is never imported or executed.

    `shadows_sdk` is set when the project has its own top-level `customerio` module, which
    is what `import customerio` then imports: nothing under that name is the SDK.
    """

    MAX_FILES = 50_000
    MAX_FILE_BYTES = 2_000_000

    def __init__(self, root: Optional[Path] = None, shadows_sdk: bool = False,
                 factories: Tuple[str, ...] = ()) -> None:  # fmt: skip
        self.root = root
        self.shadows_sdk = shadows_sdk
        #: declared factories, "pkg.mod:func" -> qualified name "pkg.mod.func"
        self.factories = {f.replace(":", "."): f for f in factories}
        self._scanned = False
        self._paths: Dict[str, Path] = {}
        self._packages: Set[str] = set()
        self._candidates: Set[str] = set()
        self._resolvers: Dict[str, object] = {}
        self._in_progress: Set[Tuple[str, str]] = set()
        self._lock = threading.RLock()

    # -- scan -------------------------------------------------------------------------------

    def _scan(self) -> None:
        with self._lock:
            if self._scanned:
                return
            self._scanned = True
            if self.root is None:
                return
            contents: Dict[str, bytes] = {}
            for path in _python_files(self.root, self.MAX_FILES):
                name, is_package = _module_name(self.root, path)
                if not name:
                    continue
                self._paths[name] = path
                if is_package:
                    self._packages.add(name)
                try:
                    if path.stat().st_size > self.MAX_FILE_BYTES:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if b"customerio" in data:
                    self._candidates.add(name)
                else:
                    contents[name] = data
            # A module that mentions a candidate may re-export its client: it is one too.
            for _ in range(3):
                needles = self._needles()
                grown = {n for n, data in contents.items() if any(k in data for k in needles)}
                if not grown:
                    break
                self._candidates |= grown
                for name in grown:
                    del contents[name]

    def _needles(self) -> Tuple[bytes, ...]:
        names = {c.rsplit(".", 1)[-1] for c in self._candidates if c}
        names |= {f.rsplit(".", 1)[-1] for f in self.factories}
        return tuple(sorted(n.encode() for n in names if n and n != "__init__"))

    def prefilter_needles(self) -> Tuple[bytes, ...]:
        """Bytes that let a file through the prefilter: names of project modules that may
        provide a client (so `from shop.cio import client` passes without `customerio`)."""
        self._scan()
        return self._needles()

    # -- lookup -----------------------------------------------------------------------------

    def absolute(self, qualname: str, importer: str) -> str:
        """Resolve a relative qualified name (".cio.client") against the importing module."""
        if not qualname.startswith("."):
            return qualname
        dots = len(qualname) - len(qualname.lstrip("."))
        package = importer.split(".") if importer in self._packages else importer.split(".")[:-1]
        if dots > 1:
            package = package[: len(package) - (dots - 1)]
        rest = qualname[dots:]
        return ".".join([*package, rest] if rest else package)

    def lookup(self, qualname: str, importer: str = ""):
        """The SdkValue a project module gives `qualname` ("shop.cio.client"), or None."""
        from cio_lint.resolve import FACTORY, SdkValue

        self._scan()
        qualname = self.absolute(qualname, importer)
        if qualname in self.factories:
            return SdkValue(FACTORY, None)  # returns a client; the method called says which
        module, _, name = qualname.rpartition(".")
        if module not in self._candidates or not name:
            return None
        key = (module, name)
        if key in self._in_progress:
            return None  # import cycle
        resolver = self._resolver(module)
        if resolver is None:
            return None
        with self._lock:
            self._in_progress.add(key)
            try:
                return resolver.module_level_value(name)
            finally:
                self._in_progress.discard(key)

    def _resolver(self, module: str):
        with self._lock:
            if module not in self._resolvers:
                self._resolvers[module] = self._parse(module)
            return self._resolvers[module]

    def _parse(self, module: str):
        import libcst as cst
        from libcst.metadata import MetadataWrapper

        from cio_lint.resolve import Resolver

        try:
            tree = cst.parse_module(self._paths[module].read_bytes())
            return Resolver(MetadataWrapper(tree, unsafe_skip_copy=True), self, module)
        except Exception:  # unparseable (or too deep): it provides nothing; its own check says why
            return None


def _python_files(root: Path, limit: int):
    from cio_lint.config import DEFAULT_EXCLUDE

    count = 0
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not any(fnmatch.fnmatch(d, p) for p in DEFAULT_EXCLUDE)]
        for name in filenames:
            if name.endswith(".py"):
                count += 1
                if count > limit:
                    return
                yield Path(directory) / name


def _module_name(root: Path, path: Path) -> Tuple[str, bool]:
    try:
        parts = list(path.relative_to(root).with_suffix("").parts)
    except ValueError:
        return "", False
    if parts and parts[0] == "src":
        parts = parts[1:]
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return "", False
    return ".".join(parts), is_package


@dataclass
class Project:
    root: Optional[Path]
    sdk_version: sdk.SdkVersion = sdk.UNKNOWN_VERSION
    index: ModuleIndex = field(default_factory=ModuleIndex)
    #: the project's declared dependencies on the SDK distributions (None: not read yet)
    declarations: Optional[list] = None

    def distribution_conflict(self):
        """(sdk declaration, cdp declaration) when the project declares both distributions."""
        if self.declarations is None:
            from cio_lint.dependencies import find_declarations

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


_roots: Dict[str, Path] = {}


def _root_for(path: Path, find_project_root) -> Path:
    """find_project_root once per directory (bench/run.py: it was most of a no-SDK run)."""
    where = os.path.abspath(path)
    directory = where if os.path.isdir(where) else os.path.dirname(where)
    root = _roots.get(directory)
    if root is None:
        root = _roots[directory] = find_project_root(Path(directory))
    return root


def project_for(path: Optional[Path], settings: Settings) -> Project:
    """The project `path` belongs to, built once per root and SDK-version setting."""
    from cio_lint.dependencies import detect_sdk_version, find_project_root, is_project_root

    root = _root_for(path, find_project_root) if path is not None else None
    key = (root, settings.sdk_version, settings.client_factories)
    with _lock:
        project = _cache.get(key)
        if project is None:
            explicit = settings.sdk_version
            version = detect_sdk_version(root, explicit) if (root or explicit) else sdk.UNKNOWN_VERSION
            # Only a real project gets a module index: a loose directory's index would walk
            # every directory below it, once per directory (quadratic on a deep tree).
            index_root = root if root is not None and is_project_root(root) else None
            index = ModuleIndex(index_root, _shadows_sdk(root) if root else False, settings.client_factories)
            project = _cache[key] = Project(root, version, index)
    return project
