"""The project's module summaries, made on demand and read by every file's Resolver.

A file's Resolver asks `lookup("shop.cio.client")`: what does that name of another project
module hold? The answer comes from `shop.cio`'s summary (cio_lint.project.summary), following
its refs into further summaries; no other module's Resolver is ever kept or asked.

A summary is made once per module per run, and only for a module some checked file imports
(directly or through refs), in the cheapest way that is exact:

1. A module that may not provide anything (ModuleIndex.may_provide: no `customerio` in its
   bytes or in the bytes of anything it imports, at any depth) has the empty summary. Bytes
   only.
2. A module that does not mention `customerio` itself and is no declared factory's module can
   only offer what it takes from the modules it imports: when none of the names it imports
   resolves to anything, its summary is empty too. Still no parse.
3. Otherwise the module is parsed (through the same guard as every checked file) and a
   Resolver in summary mode reads its top-level names; names taken from other project modules
   stay refs (DEFERRED values), so the summary depends on the module's bytes alone and can be
   cached by content (`cache`, optional: anything with get_summary/put_summary).

Import cycles: a summary that step 2 would need while it is being made is taken to offer
something, so the module goes to step 3, which is exact; results never depend on the order in
which files are checked.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple

from cio_lint import sdk
from cio_lint.project import Project, summary
from cio_lint.project.index import ModuleIndex, import_line
from cio_lint.project.summary import EMPTY, Entry, ModuleSummary
from cio_lint.resolve.sdk_values import CLASS, DEFERRED, FACTORY, INSTANCE, MODULE, SdkValue, subclass

if TYPE_CHECKING:
    import libcst as cst

#: a chain of refs longer than this is not followed (real re-export chains are 1 to 3 long)
MAX_REF_DEPTH = 32


class _InProgress(Exception):
    """A summary that is being made was needed again (an import cycle)."""


class Summaries:
    """Module summaries of one project, made lazily; what `Resolver.index` reads."""

    def __init__(self, index: ModuleIndex, cache=None) -> None:
        self.index = index
        self.shadows_sdk = index.shadows_sdk
        self.cache = cache
        #: module -> why it could not be summarised (a cio_lint.parsing.ParseFailure): it offers
        #: nothing, and the files importing it say so (`unusable_imports`)
        self.failures: Dict[str, object] = {}
        #: modules summarised by parsing them (step 3), in order; tests and the benchmark read it
        self.parsed: List[str] = []
        self._local = threading.local()  # .recorder: see `recording`
        self._summaries: Dict[str, Optional[ModuleSummary]] = {}
        self._making: Set[str] = set()
        self._values: Dict[str, Optional[SdkValue]] = {}
        self._following: Set[str] = set()
        self._lock = threading.RLock()

    # -- what a check depends on (the on-disk cache) -------------------------------------------

    @property
    def recorder(self) -> Optional[Set[str]]:
        """While a file is checked (in this thread): every module whose summary it read."""
        return getattr(self._local, "recorder", None)

    def start_recording(self) -> None:
        self._local.recorder = set()

    def stop_recording(self) -> Set[str]:
        found, self._local.recorder = self.recorder or set(), None
        return found

    def digest_of(self, module: str) -> str:
        """What a file that read `module`'s summary depends on: the summary's digest, or "-"
        for no such module; a failure to summarise it counts too (its CIO000 says why)."""
        with self._lock:
            try:
                found = self.summary(module)
            except _InProgress:
                return "?"
            failure = self.failures.get(module)
            text = found.digest if found is not None else "-"
            return f"{text}!{failure}" if failure is not None else text

    # -- what a name holds -------------------------------------------------------------------

    def lookup(self, qualname: str, importer: str = "") -> Optional[SdkValue]:
        """The SdkValue a project module gives `qualname` ("shop.cio.client"), or None."""
        with self._lock:
            try:
                return self._lookup(self.index.absolute(qualname, importer), 0)
            except _InProgress:  # only while a summary is being made; never for a checked file
                return None

    def _lookup(self, qualname: str, depth: int) -> Optional[SdkValue]:
        if qualname in self.index.factories:
            return SdkValue(FACTORY, None)  # returns a client; the method called says which
        if qualname in self._values:
            if self.recorder is not None:
                self._record(qualname)
            return self._values[qualname]
        module, _, name = qualname.rpartition(".")
        if not module or not name or depth > MAX_REF_DEPTH or qualname in self._following:
            return None  # a ref cycle (a.x = b.y, b.y = a.x) holds nothing
        found = self.summary(module)
        entry = found.names.get(name) if found is not None else None
        self._following.add(qualname)
        try:
            value = self._value_of(entry, depth) if entry is not None else None
        finally:
            self._following.discard(qualname)
        if depth <= MAX_REF_DEPTH:
            self._values[qualname] = value
        return value

    def _record(self, qualname: str) -> None:
        """A memoised answer still depends on every summary it was read from."""
        module = qualname.rpartition(".")[0]
        while module and module not in self.recorder:
            self.recorder.add(module)
            entry = (self._summaries.get(module) or EMPTY).names.get(qualname.rpartition(".")[2])
            if entry is None or entry.kind != summary.REF or not entry.ref:
                break
            qualname = entry.ref
            module = qualname.rpartition(".")[0]

    def _value_of(self, entry: Entry, depth: int) -> Optional[SdkValue]:
        if entry.kind != summary.REF:
            return value_of_entry(entry)
        if not entry.ref:
            return None
        value = self._lookup(entry.ref, depth + 1)
        for op in entry.ops:
            if value is None:
                break
            value = apply_step(value, op)
        return value

    def module_offers(self, module: str) -> bool:
        """Does any top-level name of `module` hold an SDK value, or wrap an SDK call?"""
        found = self.summary(module)
        if found is not None and any(self.wrapper(f"{module}.{name}") is not None for name in found.wrappers):
            return True
        return found is not None and any(self._lookup(f"{module}.{name}", 0) is not None for name in found.names)

    def _receiver(self, reach):
        """A wrapper's SDK call on a client taken from another module: that client's class."""
        if reach.sdk_class is not None or reach.receiver_ref is None:
            return reach
        value = self._lookup(self.index.absolute(reach.receiver_ref, ""), 0)
        for op in reach.receiver_ops:
            if value is None:
                break
            value = apply_step(value, op)
        if value is None or value.kind != INSTANCE or value.sdk_class is None or reach.method in value.own_methods:
            return None
        if reach.method not in value.sdk_class.methods:
            return None
        return replace(reach, sdk_class=value.sdk_class.qualnames[0], receiver_ref=None, receiver_ops=())

    def wrapper(self, qualname: str, depth: int = 0):
        """The project wrapper `qualname` names ("shop.cio.track_event", "shop.cio.Service.track",
        "shop.cio.service.track"), from its module's summary; None when it is none."""
        from cio_lint.resolve.wrapper_records import Wrapper

        parts = qualname.split(".")
        with self._lock:
            for cut in range(len(parts) - 1, 0, -1):
                module = ".".join(parts[:cut])
                if self.index.path_of(module) is None:
                    continue
                if not self.index.may_provide(module):
                    return None
                try:
                    found = self.summary(module)
                except _InProgress:
                    return None
                data = found.wrappers.get(".".join(parts[cut:])) if found is not None else None
                if isinstance(data, dict) and set(data) == {"ref"}:  # a package re-exports it
                    ref = data["ref"]
                    return self.wrapper(ref, depth + 1) if isinstance(ref, str) and depth < 8 else None
                try:
                    wrapper = Wrapper.from_json(data) if data else None
                except (KeyError, TypeError, ValueError):
                    return None  # an entry from another cio-lint: ignore it
                if wrapper is None:
                    return None
                reaches = tuple(r for r in (self._receiver(reach) for reach in wrapper.reaches) if r is not None)
                return replace(wrapper, reaches=reaches)
        return None

    def imports_a_provider(self, data: bytes, importer: str = "") -> bool:
        """The prefilter's exact question for a file that does not mention customerio: does it
        import a name that holds an SDK value (or a whole module that offers one)?"""
        with self._lock:
            if any(f.rsplit(".", 1)[-1].encode() in data for f in self.index.factories):
                return True
            return self._imports_something(self.index.imported_names(data, importer))

    def _imports_something(self, imported) -> bool:
        for module, name in imported:
            try:
                self.summary(module)  # (recorded even when empty: a file's answer depends on it)
                if name is None and self.module_offers(module):
                    return True
                if name is not None and self._lookup(f"{module}.{name}", 0) is not None:
                    return True
                if name is not None and self.wrapper(f"{module}.{name}") is not None:
                    return True
            except _InProgress:
                return True  # an import cycle: let the exact step decide
        return False

    # -- summaries ----------------------------------------------------------------------------

    def summary(self, module: str) -> Optional[ModuleSummary]:
        """The summary of project module `module` (None: the project has no such module)."""
        with self._lock:
            if module in self._summaries:
                if self.recorder is not None:
                    self.recorder.add(module)
                return self._summaries[module]
            if module in self._making:
                raise _InProgress(module)
            self._making.add(module)
            try:
                made = self._make(module)
            finally:
                self._making.discard(module)
            self._summaries[module] = made
            if self.recorder is not None:
                self.recorder.add(module)
            return made

    def _make(self, module: str) -> Optional[ModuleSummary]:
        if self.index.path_of(module) is None:
            return None
        if not self.index.may_provide(module):
            return EMPTY  # step 1
        data = self.index.read(module)
        if data is None:
            return EMPTY
        mentions = module in self.index.factory_modules or sdk.PACKAGE.encode() in data
        if not mentions and not self._imports_something(self.index.imports_of(module)):
            return EMPTY  # step 2
        if self.cache is not None:
            cached = self.cache.get_summary(module, data, self._key_extra(module))
            if cached is not None:
                return cached
        from cio_lint.parsing import paused_gc

        with paused_gc():  # (around the call: the tree is freed before collection resumes)
            made = self._parse(module, data)
        if self.cache is not None and module not in self.failures:
            self.cache.put_summary(module, data, self._key_extra(module), made)
        return made

    def _key_extra(self, module: str) -> str:
        """What besides the bytes a summary depends on: the module's name (relative imports),
        whether it is a package, and whether the project shadows the SDK."""
        return f"{module}|{int(self.index.is_package(module))}|{int(self.shadows_sdk)}"

    def _parse(self, module: str, data: bytes) -> ModuleSummary:
        """Step 3: parse the module through the one guarded parse (cio_lint.parsing: size cap,
        nesting guard, time limit) and read its top level. A module that cannot be parsed or
        read offers nothing, and the reason is kept (`unusable_imports`)."""
        from cio_lint.parsing import FILE_TIME_LIMIT, FileTimeout, ParseFailure, parse_source, time_limit

        self.parsed.append(module)
        try:
            with time_limit(FILE_TIME_LIMIT):
                parsed = parse_source(data)
                if isinstance(parsed, ParseFailure):
                    self.failures[module] = parsed
                    return EMPTY
                return summarise(parsed, _DeferringIndex(self.index), module)
        except FileTimeout:
            reason = f"reading what it provides took longer than {FILE_TIME_LIMIT:g}s"
        except RecursionError:
            reason = "nested too deeply to analyse"
        except Exception as exc:  # a bug on an odd module: it offers nothing, and says why
            reason = f"internal error: {type(exc).__name__}: {exc}"
        self.failures[module] = ParseFailure(1, 1, reason)
        return EMPTY

    def unusable_imports(self, data, importer: str) -> List[Tuple[int, str, str, object]]:
        """(line, module, path, ParseFailure) for each project module `data` imports that may
        provide SDK values but could not be summarised: what it offers is unknown, so findings
        about its clients may be missing in the importing file, which says so (a CIO000 at the
        import). The same answer whichever file asked first: summaries do not depend on order."""
        if self.index.root is None:
            return []
        if isinstance(data, str):  # flake8 and editors hand over text
            data = data.encode("utf-8", "surrogatepass")
        found = []
        with self._lock:
            for module in sorted(self.index.imported_modules(data, importer)):
                if not self.index.may_provide(module):
                    continue
                try:
                    self.summary(module)
                except _InProgress:  # (never at the top level; kept for safety)
                    continue
                failure = self.failures.get(module)
                if failure is not None:
                    where = self.index.path_of(module)
                    shown = os.path.relpath(where, self.index.root) if where is not None else module
                    found.append((import_line(data, module), module, shown, failure))
        return found


class _DeferringIndex:
    """The index a summary-mode Resolver sees: a name of another project module (or a declared
    factory) is a DEFERRED value, looked up only when someone reads the summary."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.shadows_sdk = index.shadows_sdk

    def lookup(self, qualname: str, importer: str = "") -> Optional[SdkValue]:
        qualname = self.index.absolute(qualname, importer)
        if not qualname:
            return None
        if qualname in self.index.factories or self.index.is_project_name(qualname):
            return SdkValue(DEFERRED, ref=qualname)
        return None


def summarise(module_node: "cst.Module", index, module: str) -> ModuleSummary:
    """The summary of a parsed module: each top-level name the Resolver can tell something
    about (`index` answers for other project modules, with DEFERRED values)."""
    from libcst.metadata import MetadataWrapper, ScopeProvider

    from cio_lint._libcst import FastVisits, prime_resolver_metadata
    from cio_lint.resolve.resolver import Resolver
    from cio_lint.resolve.wrappers import module_wrappers

    wrapper = MetadataWrapper(module_node, unsafe_skip_copy=True)
    with FastVisits():
        prime_resolver_metadata(wrapper)
        resolver = Resolver(wrapper, index, module)
        scope = wrapper.resolve(ScopeProvider).get(wrapper.module)
        names: Dict[str, Entry] = {}
        for name in sorted({a.name for a in scope.assignments} if scope is not None else ()):
            value = resolver.module_level_value(name)
            if value is not None:
                names[name] = entry_of_value(value)
        wrappers = module_wrappers(resolver, module)
    return ModuleSummary(names, wrappers)


# ---------------------------------------------------------------------------------------------
# Entries <-> SdkValues


def entry_of_value(value: SdkValue) -> Entry:
    if value.kind == DEFERRED:
        return Entry(summary.REF, ref=value.ref, ops=value.ops)
    return Entry(
        kind=value.kind,
        sdk_class=value.sdk_class.qualnames[0] if value.sdk_class is not None else None,
        module=value.module,
        init_params=value.init_params,
        own_methods=tuple(sorted(value.own_methods)),
    )


def value_of_entry(entry: Entry) -> Optional[SdkValue]:
    if entry.kind not in (CLASS, INSTANCE, MODULE, FACTORY):
        return None
    cls = sdk.sdk_class(entry.sdk_class) if entry.sdk_class else None
    if entry.sdk_class and cls is None:
        return None  # a class this cio-lint does not know (an entry from elsewhere)
    return SdkValue(entry.kind, cls, module=entry.module, init_params=entry.init_params,
                    own_methods=frozenset(entry.own_methods))  # fmt: skip


def apply_step(value: SdkValue, step: tuple) -> Optional[SdkValue]:
    """What `value` turns into after one step recorded in a summary (see project.summary)."""
    kind = step[0]
    if kind == summary.CALL:
        return value.instance() if value.kind in (CLASS, FACTORY) else None
    if kind == summary.ANNOTATION:
        return value.instance() if value.kind == CLASS else None
    if kind == summary.RETURNED:
        if value.kind != INSTANCE:
            return None
        return SdkValue(FACTORY, value.sdk_class, init_params=value.init_params, own_methods=value.own_methods)
    if kind == summary.SUBCLASS:
        return subclass(value, step[1], step[2]) if value.kind == CLASS else None
    return None


# ---------------------------------------------------------------------------------------------


def for_project(project: Project) -> Summaries:
    """The project's Summaries, made on first use and kept on the project."""
    found = project.summaries
    if found is None:
        found = project.summaries = Summaries(project.index, getattr(project, "cache", None))
    return found
