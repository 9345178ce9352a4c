"""The module index: which of the project's own modules provide Customer.io clients.

It never imports or executes project code: it reads files as text.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple


class ModuleIndex:
    """What the project's own modules provide: clients, factories, subclasses.

    One per project (per run, per flake8 process), answered module by module on demand: a
    project module is found by its name (`shop.cio` -> shop/cio.py, shop/cio/__init__.py, or
    the same under src/), and is a *provider* when its bytes mention `customerio` or it
    imports a provider (a re-export). Only providers are ever parsed, when another module
    imports from them; the project is never walked as a whole, so a run over files that
    import nothing of the project never reads another file. Project code is never imported or
    executed.

    `shadows_sdk` is set when the project has its own top-level `customerio` module, which
    is what `import customerio` then imports: nothing under that name is the SDK.
    """

    #: how many re-exports deep a provider is followed (shop.api -> shop.clients -> shop.cio)
    MAX_REEXPORT_DEPTH = 3

    def __init__(self, root: Optional[Path] = None, shadows_sdk: bool = False,
                 factories: Tuple[str, ...] = ()) -> None:  # fmt: skip
        self.root = root
        self.shadows_sdk = shadows_sdk
        #: declared factories, "pkg.mod:func" -> qualified name "pkg.mod.func"
        self.factories = {f.replace(":", "."): f for f in factories}
        self._factory_modules = {f.split(":", 1)[0] for f in factories}
        self._top_level: Optional[Set[str]] = None
        self._paths: Dict[str, Optional[Path]] = {}
        self._providers: Dict[str, bool] = {}
        self._resolvers: Dict[str, object] = {}
        self._in_progress: Set[Tuple[str, str]] = set()
        self._lock = threading.RLock()
        #: module -> why it could not be parsed (cio_lint.parsing.ParseFailure)
        self.failures: Dict[str, object] = {}

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
        for base in (self.root, self.root / "src"):
            for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
                if candidate.is_file():
                    return candidate
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

    def is_package(self, module: str) -> bool:
        path = self.path_of(module)
        return path is not None and path.name == "__init__.py"

    def provides_client(self, module: str, depth: int = 0) -> bool:
        """May `module` hand out a client? It mentions customerio, declares a factory, or
        imports (re-exports) a module that does."""
        with self._lock:
            known = self._providers.get(module)
            if known is not None:
                return known
            if depth > self.MAX_REEXPORT_DEPTH:
                return False
            self._providers[module] = False  # an import cycle ends here
            data = self._read(module)
            found = data is not None and (
                module in self._factory_modules
                or b"customerio" in data
                or any(self.provides_client(m, depth + 1) for m in self.imported_modules(data, module))
            )
            if found or depth == 0:  # a verdict cut short by depth is not final
                self._providers[module] = found
            else:
                del self._providers[module]
            return found

    def _read(self, module: str) -> Optional[bytes]:
        from cio_lint.parsing import read_source

        path = self.path_of(module)
        if path is None:
            return None
        data, problem = read_source(path)  # a regular file, within the cap, or nothing
        return data if problem is None and data else None

    def imported_modules(self, data: bytes, importer: str) -> Set[str]:
        """The project modules `data` imports (read from its bytes, nothing parsed). For
        `from pkg import name`, pkg.name too, as it may be a submodule."""
        found: Set[str] = set()
        for statement in _import_statements(data):
            match = _IMPORT.match(statement)
            if match is None:
                continue
            source, names, plain = match.groups()
            if plain is not None:
                modules = [_first_word(n) for n in plain.split(b",")]
            else:
                base = self.absolute(source.decode("ascii"), importer)
                modules = [base] if base else []
                modules += [f"{base}.{n}" if base else n for n in
                            (_first_word(n) for n in names.strip(b"()\\ \t\r\n").split(b",")) if n]  # fmt: skip
            found.update(m for m in modules if m and self.path_of(m) is not None)
        return found

    def imports_a_provider(self, data: bytes, importer: str = "") -> bool:
        """The prefilter's question for a file that does not mention customerio itself."""
        if self.root is None and not self.factories:
            return False
        if any(f.rsplit(".", 1)[-1].encode() in data for f in self.factories):
            return True
        return self.root is not None and any(self.provides_client(m) for m in self.imported_modules(data, importer))

    # -- lookup -----------------------------------------------------------------------------

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

    def lookup(self, qualname: str, importer: str = ""):
        """The SdkValue a project module gives `qualname` ("shop.cio.client"), or None."""
        from cio_lint.resolve import FACTORY, SdkValue

        qualname = self.absolute(qualname, importer)
        if qualname in self.factories:
            return SdkValue(FACTORY, None)  # returns a client; the method called says which
        module, _, name = qualname.rpartition(".")
        if not module or not name or not self.provides_client(module):
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
        """A Resolver over `module`, or None. Parsed through the one guarded parse: a module
        nested too deeply, too large or unparseable provides nothing, and the reason is kept
        (`unusable_imports`) so that the files importing it say what they cannot know."""
        from libcst.metadata import MetadataWrapper

        from cio_lint.parsing import ParseFailure, parse_source
        from cio_lint.resolve import Resolver

        data = self._read(module)
        if data is None:
            return None
        parsed = parse_source(data)
        if isinstance(parsed, ParseFailure):
            self.failures[module] = parsed
            return None
        try:
            return Resolver(MetadataWrapper(parsed, unsafe_skip_copy=True), self, module)
        except RecursionError:
            self.failures[module] = ParseFailure(1, 1, "nested too deeply to analyse")
            return None
        except Exception as exc:  # a bug on an odd module: it provides nothing, and says why
            self.failures[module] = ParseFailure(1, 1, f"internal error: {type(exc).__name__}: {exc}")
            return None

    def unusable_imports(self, data: bytes, importer: str) -> List[Tuple[int, str, str, object]]:
        """(line, module, path, ParseFailure) for each project module `data` imports that
        provides a client but could not be parsed. The same answer whichever file asked
        first: each such module's parse is attempted here if no lookup has tried it yet."""
        if self.root is None:
            return []
        if isinstance(data, str):  # flake8 and editors hand over text
            data = data.encode("utf-8", "surrogatepass")
        found = []
        for module in sorted(self.imported_modules(data, importer)):
            if not self.provides_client(module):
                continue
            self._resolver(module)
            failure = self.failures.get(module)
            if failure is not None:
                where = self.path_of(module)
                shown = os.path.relpath(where, self.root) if where is not None else module
                found.append((_import_line(data, module), module, shown, failure))
        return found


def _import_line(data: bytes, module: str) -> int:
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
