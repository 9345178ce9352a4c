"""The module index: the project's own modules by name, and what they import (bytes only).

It never imports or executes project code: it reads files as text.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

from cio_lint import sdk


class ModuleIndex:
    """The project's own modules by name, read as bytes: where each one is, what it imports,
    and whether it may matter to Customer.io at all.

    One per project (per run, per flake8 process), answered module by module on demand: a
    project module is found by its name (`shop.cio` -> shop/cio.py, shop/cio/__init__.py, or
    the same under src/). The project is never walked as a whole, so a run over files that
    import nothing of the project never reads another file. Project code is never imported or
    executed, and nothing here parses Python: the import scan reads bytes.

    A module *may provide* SDK values to its importers when its bytes mention `customerio`,
    it is a declared factory's module, or it imports a module that may provide (at any depth).
    This is the cheap first question; what a module really offers is its summary
    (cio_lint.project.summary, computed by cio_lint.resolve.summaries), asked only for modules
    that may provide.

    `shadows_sdk` is set when the project has its own top-level `customerio` module, which
    is what `import customerio` then imports: nothing under that name is the SDK.
    """

    def __init__(self, root: Optional[Path] = None, shadows_sdk: bool = False,
                 factories: Tuple[str, ...] = ()) -> None:  # fmt: skip
        self.root = root
        self.shadows_sdk = shadows_sdk
        #: declared factories, "pkg.mod:func" -> qualified name "pkg.mod.func"
        self.factories = {f.replace(":", "."): f for f in factories}
        self.factory_modules = frozenset(f.split(":", 1)[0] for f in factories)
        self._top_level: Optional[Set[str]] = None
        self._bases = (str(root), os.path.join(str(root), "src")) if root is not None else ()
        self._paths: Dict[str, Optional[Path]] = {}
        self._imports: Dict[str, Tuple[Tuple[str, Optional[str]], ...]] = {}
        self._seeds: Dict[str, bool] = {}
        self._may_provide: Dict[str, bool] = {}
        self._lock = threading.RLock()

    # -- modules by name --------------------------------------------------------------------

    def path_of(self, module: str) -> Optional[Path]:
        """The file of project module `module`, or None when the project has no such module."""
        with self._lock:
            if module not in self._paths:
                self._paths[module] = self._find(module)
            return self._paths[module]

    def _find(self, module: str) -> Optional[Path]:
        parts = module.split(".")
        if self.root is None or not module or parts[0] not in self._top_level_names():
            return None  # one listing of the root answers most names (os, requests, ...)
        for base in self._bases:  # (strings: this runs for every name every file imports)
            stem = os.path.join(base, *parts)
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if os.path.isfile(candidate):
                    return Path(candidate)
        return None

    def _top_level_names(self) -> Set[str]:
        if self._top_level is None:
            names: Set[str] = set()
            for base in (self.root, self.root / "src"):
                try:
                    names.update(n[:-3] if n.endswith(".py") else n for n in os.listdir(base))
                except OSError:
                    pass
            self._top_level = names
        return self._top_level

    def is_project_name(self, qualname: str) -> bool:
        """Could `qualname` name something in the project? (Its first part is a top-level
        module or package of the project; nothing is read beyond one listing.)"""
        return self.root is not None and qualname.split(".")[0] in self._top_level_names()

    def is_package(self, module: str) -> bool:
        path = self.path_of(module)
        return path is not None and path.name == "__init__.py"

    def read(self, module: str) -> Optional[bytes]:
        """The bytes of project module `module` (None: no such module, not a regular file,
        unreadable, or over cio_lint.parsing's size cap: such a module offers nothing)."""
        from cio_lint.parsing import read_source

        path = self.path_of(module)
        if path is None:
            return None
        data, problem = read_source(path)  # a regular file, within the cap, or nothing
        return data if problem is None and data else None

    # -- the byte-level questions -------------------------------------------------------------

    def imports_of(self, module: str) -> Tuple[Tuple[str, Optional[str]], ...]:
        """What project module `module` imports from the project (see `imported_names`)."""
        with self._lock:
            if module not in self._imports:
                data = self.read(module)
                self._seeds[module] = data is not None and self._is_seed(module, data)
                self._imports[module] = tuple(self.imported_names(data, module)) if data is not None else ()
            return self._imports[module]

    def _is_seed(self, module: str, data: bytes) -> bool:
        return module in self.factory_modules or sdk.PACKAGE.encode() in data

    def may_provide(self, module: str) -> bool:
        """May `module` hand SDK values to its importers? It mentions customerio, is a declared
        factory's module, or imports (at any depth) a module that does. Bytes only."""
        with self._lock:
            known = self._may_provide.get(module)
            if known is not None:
                return known
            # One depth-first walk of the import graph from `module`. When it finds no seed,
            # no module it reached can reach one either: all of them are settled at once.
            seen, stack, found = {module}, [module], False
            while stack and not found:
                current = stack.pop()
                imports = self.imports_of(current)
                if self._seeds.get(current) or self._may_provide.get(current):
                    found = True
                    break
                for imported, _ in imports:
                    if imported not in seen and self._may_provide.get(imported) is not False:
                        seen.add(imported)
                        stack.append(imported)
            if found:
                self._may_provide[module] = True
            else:
                for reached in seen:
                    self._may_provide[reached] = False
            return found

    def imported_names(self, data: Optional[bytes], importer: str) -> List[Tuple[str, Optional[str]]]:
        """(project module, name) for each name `data` imports from the project, read from its
        bytes, nothing parsed: `from pkg.mod import a` gives ("pkg.mod", "a"), and ("pkg.mod.a",
        None) too when that is a submodule; `import pkg.mod` and `from pkg.mod import *` give
        (module, None) for the module (and, for `import`, its parent packages): any of its
        names may be used."""
        found: List[Tuple[str, Optional[str]]] = []
        if not data:
            return found
        for statement in _import_statements(data):
            match = _IMPORT.match(statement)
            if match is None:
                continue
            source, names, plain = match.groups()
            if plain is not None:
                for dotted in (_first_word(n) for n in plain.split(b",")):
                    parts = dotted.split(".")
                    found.extend((".".join(parts[:i]), None) for i in range(1, len(parts) + 1))
                continue
            base = self.absolute(source.decode("ascii", "replace"), importer)
            for name in (_first_word(n) for n in names.strip(b"()\\ \t\r\n").split(b",")):
                if not name:
                    continue
                if name == "*":
                    found.append((base, None))
                    continue
                if base:
                    found.append((base, name))
                found.append((f"{base}.{name}" if base else name, None))  # a submodule?
        return [(m, n) for m, n in found if m and self.path_of(m) is not None]

    def imported_modules(self, data: bytes, importer: str) -> Set[str]:
        """The project modules `data` imports (read from its bytes, nothing parsed)."""
        return {module for module, _ in self.imported_names(data, importer)}

    def may_import_a_provider(self, data: bytes, importer: str = "") -> bool:
        """The prefilter's first question for a file that does not mention customerio itself:
        does it import a module that may provide, or name a declared factory? Bytes only."""
        if self.root is None and not self.factories:
            return False
        if any(f.rsplit(".", 1)[-1].encode() in data for f in self.factories):
            return True
        return self.root is not None and any(self.may_provide(m) for m in self.imported_modules(data, importer))

    # -- names --------------------------------------------------------------------------------

    def absolute(self, qualname: str, importer: str) -> str:
        """Resolve a relative qualified name (".cio.client") against the importing module."""
        if not qualname.startswith("."):
            return qualname
        if not importer:
            return ""  # a relative import outside any known package
        dots = len(qualname) - len(qualname.lstrip("."))
        package = importer.split(".") if self.is_package(importer) else importer.split(".")[:-1]
        if dots - 1 >= len(package):
            return ""  # beyond the top-level package: Python raises ImportError
        if dots > 1:
            package = package[: len(package) - (dots - 1)]
        rest = qualname[dots:]
        return ".".join([*package, rest] if rest else package)


def import_line(data: bytes, module: str) -> int:
    """The first line of `data` that imports something named like `module`'s last part."""
    tail = module.rpartition(".")[2].encode()
    for number, line in enumerate(data.splitlines(), 1):  # bytes: split where Python splits
        if b"import" in line and tail in line:
            return number
    return 1


def _import_statements(data: bytes):
    """Each statement of `data` that may be an import: the line around every "import" (with
    a parenthesized name list's following lines), comments dropped, split at semicolons.
    Finding the word first keeps this at C speed; a regular expression over every position
    of every file cost more than the rest of a run over files that never touch the SDK."""
    pos = data.find(b"import")
    while pos != -1:
        start = data.rfind(b"\n", 0, pos) + 1
        end = data.find(b"\n", pos)
        end = len(data) if end == -1 else end
        if data.find(b"(", start, end) != -1 and data.find(b")", start, end) == -1:
            close = data.find(b")", end)
            end = len(data) if close == -1 else close + 1
        text = _COMMENT.sub(b"", data[start:end])
        yield from text.split(b";")
        pos = data.find(b"import", end)


_COMMENT = re.compile(rb"#[^\n]*")
#: `import a.b as c, d` or `from .a import (b, c as d)`; a line in a string that reads like
#: one only costs a lookup of a module that is not there.
_IMPORT = re.compile(rb"\s*(?:from\s+(\.*[\w.]*)\s+import\s*(.*)|import\s+(.*))", re.S)


def _first_word(text: bytes) -> str:
    words = text.split()
    return words[0].decode("ascii", "replace") if words else ""


def _module_name(root: Path, path: Path) -> Tuple[str, bool]:
    """(dotted name, is a package) of `path` under `root` ("" when it is outside, or not
    importable by that name). String operations: this runs for every file checked."""
    prefix, where = os.path.join(str(root), ""), str(path)
    if not where.startswith(prefix):
        return "", False
    parts = os.path.splitext(where[len(prefix):])[0].split(os.sep)
    if parts and parts[0] == "src":
        parts = parts[1:]
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return "", False
    return ".".join(parts), is_package
