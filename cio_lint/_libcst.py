"""Every use of LibCST's internals, quarantined: its metadata and traversal, computed the
cheaper way, for the engine and the resolver.

Each function here answers what a LibCST provider or `CSTNode.visit` would (tests/test_engine.py
and tests/test_libcst_equivalence.py hold each to LibCST's own answer), without the costs that
dominated a file's time (about 4x on SDK-heavy files): visitor passes that rebuild every node,
providers that walk the whole tree for a few dozen questions, and scope analysis that links
every read of a name to every assignment up front.

The internals read are named in INTERNALS; each has a fallback to LibCST's public API, taken
when a release no longer has what it relies on (and forced, one at a time, by the tests).
No other module of cio_lint names a private LibCST name (tests/test_layers.py greps), and
pyproject.toml pins libcst below its next minor release; a slow test runs the equivalence
tests against the newest release.

`CSTNode.visit` is wrapped once, and the wrapper takes the cheaper walk only inside
`FastVisits()` in the current thread or task (a ContextVar): other code in the process,
other threads and code after the block get LibCST's own `visit`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from contextlib import ExitStack
from contextvars import ContextVar
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Set

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import MetadataWrapper


# ---------------------------------------------------------------------------------------------
# The internals, and whether this LibCST has them

#: name -> what is read. Each is probed once; when missing, the public fallback named in the
#: functions below is used.
INTERNALS = {
    "visit_order": "each node class's `_visit_and_replace_children` code object: the order it "
                   "visits its fields, and whether it visits them unconditionally "
                   "(fallback: LibCST's own visit and its ParentNode/ExpressionContext providers)",
    "codegen_state": "`libcst._nodes.internal.CodegenState` and `Module._codegen` "
                     "(fallback: PositionProvider)",
    "scope_visitor": "`libcst.metadata.scope_provider.ScopeVisitor` and the private fields of "
                     "Access, BuiltinScope and assignments it links lazily; ScopeProvider._computed "
                     "(fallback: ScopeProvider through the wrapper)",
    "metadata_cache": "`MetadataWrapper._metadata`, where computed metadata is primed "
                      "(fallback: the wrapper computes its providers itself)",
}
#: Internals treated as missing (tests force each fallback through this).
DISABLED: Set[str] = set()
_PROBED: Dict[str, bool] = {}


def available(name: str) -> bool:
    """Does this LibCST have the internal `name` (a key of INTERNALS), as this module expects?"""
    if name in DISABLED:
        return False
    known = _PROBED.get(name)
    if known is None:
        try:
            known = bool(_PROBES[name]())
        except Exception:  # any surprise in a probe means "not as expected"
            known = False
        _PROBED[name] = known
    return known


def _probe_visit_order() -> bool:
    import libcst as cst

    code = cst.Call._visit_and_replace_children.__code__
    return {"func", "args"} <= set(code.co_consts) and callable(cst.Module._visit_and_replace_children)


def _probe_codegen_state() -> bool:
    import libcst as cst
    from libcst._nodes.internal import CodegenState

    return isinstance(CodegenState, type) and callable(cst.Module._codegen)


def _probe_scope_visitor() -> bool:
    from libcst.metadata import ScopeProvider

    return _make_scope_visitor() is not None and isinstance(getattr(ScopeProvider(), "_computed", None), dict)


def _probe_metadata_cache() -> bool:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    return isinstance(getattr(MetadataWrapper(cst.parse_module(""), unsafe_skip_copy=True), "_metadata", None), dict)


_PROBES: Dict[str, Callable[[], bool]] = {
    "visit_order": _probe_visit_order,
    "codegen_state": _probe_codegen_state,
    "scope_visitor": _probe_scope_visitor,
    "metadata_cache": _probe_metadata_cache,
}


def lazy_value(value):
    """A metadata value as stored by LibCST's providers: some store a callable computing it on
    first use (QualifiedNameProvider); call it. (LibCST's class for those is private.)"""
    return value() if callable(value) else value


# ---------------------------------------------------------------------------------------------
# Metadata, computed once per file and only as far as it is asked for


def _child_fields(cls: type, _cache: Dict[type, tuple] = {}) -> tuple:  # noqa: B006 - a cache
    names = _cache.get(cls)
    if names is None:
        names = _cache[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_KINDS: Dict[type, int] = {tuple: 2, list: 2, str: 3, type(None): 3}


def _kind(cls: type) -> int:
    """1 for a node class, 2 for a sequence, 3 for anything else (never 0, so that the walks
    below can write `kinds.get(cls) or _kind(cls)`): they look this up per value instead of
    `isinstance(value, CSTNode)`, which goes through ABCMeta's Python-level check (CSTNode
    is an ABC) and was a tenth of an SDK file's time."""
    kind = _KINDS.get(cls)
    if kind is None:
        from libcst import CSTNode

        kind = _KINDS[cls] = 1 if issubclass(cls, CSTNode) else 3
    return kind


def parent_map(module: "cst.Module") -> Dict["cst.CSTNode", "cst.CSTNode"]:
    """Every node's parent (the Module has none): what LibCST's ParentNodeProvider computes,
    by a plain iterative walk over the nodes' fields instead of a visitor pass that rebuilds
    each node's children (about 15x faster; tests/test_engine.py keeps them equal)."""
    if not available("visit_order"):
        from libcst.metadata import MetadataWrapper, ParentNodeProvider

        return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider))
    parents: Dict[cst.CSTNode, cst.CSTNode] = {}
    stack = [module]
    pop, push, kinds = stack.pop, stack.append, _KINDS
    while stack:
        node = pop()
        for name in _visit_order(type(node)):
            value = getattr(node, name)
            kind = kinds.get(type(value)) or _kind(type(value))
            if kind == 1:
                parents[value] = node
                push(value)
            elif kind == 2:
                for child in value:
                    if (kinds.get(type(child)) or _kind(type(child))) == 1:
                        parents[child] = node
                        push(child)
    return parents


def expression_contexts(module: "cst.Module") -> Dict["cst.CSTNode", object]:
    """What LibCST's ExpressionContextProvider computes (LOAD / STORE / DEL for names,
    attributes, subscripts, tuples, lists and starred elements), by an iterative walk that
    follows its visitor rule for rule instead of a visitor pass (tests keep them equal)."""
    import libcst as cst
    from libcst.metadata import ExpressionContext, ExpressionContextProvider, MetadataWrapper

    if not available("visit_order"):
        return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(ExpressionContextProvider))

    load, store, delete = ExpressionContext.LOAD, ExpressionContext.STORE, ExpressionContext.DEL
    contexts: Dict[cst.CSTNode, object] = {}
    stack: List[tuple] = [(module, load)]
    push = stack.append

    kinds = _KINDS

    def generic(node, ctx):
        for name in _visit_order(type(node)):
            value = getattr(node, name)
            kind = kinds.get(type(value)) or _kind(type(value))
            if kind == 1:
                push((value, ctx))
            elif kind == 2:
                for child in value:
                    if (kinds.get(type(child)) or _kind(type(child))) == 1:
                        push((child, ctx))

    while stack:
        node, ctx = stack.pop()
        kind = type(node)
        if kind is cst.Name:
            contexts[node] = ctx
        elif kind is cst.Attribute:
            contexts[node] = ctx
            push((node.value, load))  # the attr Name gets no context, as in LibCST
        elif kind is cst.Subscript:
            contexts[node] = ctx
            push((node.value, load))
            for element in node.slice:
                push((element, load))
        elif kind in (cst.Tuple, cst.List, cst.StarredElement):
            contexts[node] = ctx
            generic(node, ctx)
        elif kind is cst.Assign:
            for target in node.targets:
                push((target, store))
            push((node.value, ctx))
        elif kind is cst.AnnAssign:
            push((node.target, store))
            push((node.annotation, ctx))
            if node.value is not None:
                push((node.value, ctx))
        elif kind in (cst.AugAssign, cst.NamedExpr):
            push((node.target, store))
            push((node.value, ctx))
        elif kind is cst.AsName:
            push((node.name, store))
        elif kind is cst.CompFor:
            push((node.target, store))
            push((node.iter, ctx))
            for condition in node.ifs:
                push((condition, ctx))
            if node.inner_for_in is not None:
                push((node.inner_for_in, ctx))
        elif kind is cst.For:
            push((node.target, store))
            push((node.iter, ctx))
            push((node.body, ctx))
            if node.orelse is not None:
                push((node.orelse, ctx))
        elif kind is cst.Del:
            push((node.target, delete))
        elif kind is cst.ClassDef:
            push((node.name, store))
            push((node.body, ctx))
            for child in (*node.bases, *node.keywords, *node.decorators):
                push((child, ctx))
        elif kind is cst.FunctionDef:
            push((node.name, store))
            push((node.params, ctx))
            push((node.body, ctx))
            for decorator in node.decorators:
                push((decorator, ctx))
            if node.returns is not None:
                push((node.returns, ctx))
        elif kind is cst.Param:
            push((node.name, store))
            if node.annotation is not None:
                push((node.annotation, ctx))
            if node.default is not None:
                push((node.default, ctx))
        else:
            generic(node, ctx)
    return contexts


class QualifiedNames(Mapping):
    """What LibCST's QualifiedNameProvider maps each node to, computed per node on demand.

    The provider walks the whole tree to store, for every node, a lazy value calling
    `scope.get_qualified_names_for(node)`; the resolver asks for a few dozen nodes. This
    mapping answers the same, without the walk."""

    def __init__(self, scopes: Mapping, parents: Mapping, module: "cst.Module") -> None:
        self._scopes = scopes
        self._parents = parents
        self._module = module
        self._done: Dict[object, object] = {}

    def __getitem__(self, node):
        try:
            return self._done[node]
        except KeyError:
            pass
        if node is not self._module and node not in self._parents:
            raise KeyError(node)
        scope = self._scopes.get(node)
        names = scope.get_qualified_names_for(node) if scope is not None else set()
        self._done[node] = names
        return names

    def __iter__(self):
        yield self._module
        yield from self._parents

    def __len__(self) -> int:
        return len(self._parents) + 1


def fast_visit(node, visitor) -> None:
    """`node.visit(visitor)` for a read-only CSTVisitor: the same calls in the same order
    (on_visit, on_visit_attribute / on_leave_attribute around every field, on_leave), without
    rebuilding every node on the way back up, which is what LibCST's `visit` does for
    transformers and visitors alike (tests/test_engine.py records both and compares).
    Children are visited by recursing here directly, and CSTVisitor's own lookups of a
    `visit_<Node>` (and the like) are made once per visitor and node class (`_plan`)."""
    kind = type(node)
    if not available("visit_order") or not _straight(kind):
        # LibCST's own visit (inside FastVisits, its children come back here)
        return (_ORIGINAL_VISIT[0] if _ORIGINAL_VISIT else kind.visit)(node, visitor)
    visit, leave, hooked, fields = _PLANS.get((type(visitor), kind)) or _plan(type(visitor), kind)
    if visit(visitor, node):
        for field in fields:
            if hooked is None or field in hooked:
                visitor.on_visit_attribute(node, field)
            value = getattr(node, field)
            if isinstance(value, (tuple, list)):
                for child in value:
                    fast_visit(child, visitor)
            elif value is not None and hasattr(value, "_visit_and_replace_children"):
                fast_visit(value, visitor)
            if hooked is None or field in hooked:
                visitor.on_leave_attribute(node, field)
    leave(visitor, node)
    return node


_PLANS: Dict[tuple, tuple] = {}


def _plan(visitor_cls: type, node_cls: type) -> tuple:
    """How fast_visit calls `visitor_cls`'s hooks on a `node_cls`: (on_visit, on_leave, fields
    with attribute hooks or None for all, fields in order). Where on_visit / on_leave are
    CSTVisitor's, which look up `visit_<Node>` / `leave_<Node>` on every call, the method
    they would find is looked up here, and a no-op (LibCST's defaults) is not called."""
    from libcst import CSTVisitor

    name = node_cls.__name__
    visit, leave = visitor_cls.on_visit, visitor_cls.on_leave
    if visit is CSTVisitor.on_visit:
        method = _hook(visitor_cls, "visit_" + name)
        visit = _proceed if method is None else (lambda visitor, node: method(visitor, node) is not False)
    if leave is CSTVisitor.on_leave:
        leave = _hook(visitor_cls, "leave_" + name) or _ignore
    hooked = None  # the fields with visit_/leave_<Node>_<field> hooks; None: all (its own)
    if visitor_cls.on_visit_attribute is CSTVisitor.on_visit_attribute and \
            visitor_cls.on_leave_attribute is CSTVisitor.on_leave_attribute:  # fmt: skip
        hooked = frozenset(
            field for field in _visit_order(node_cls)
            if _hook(visitor_cls, f"visit_{name}_{field}") or _hook(visitor_cls, f"leave_{name}_{field}")
        )
    if len(_PLANS) > 20000:  # visitor classes made per call would otherwise pile up here
        _PLANS.clear()
    plan = _PLANS[(visitor_cls, node_cls)] = (visit, leave, hooked, _visit_order(node_cls))
    return plan


def _hook(visitor_cls: type, name: str) -> Optional[Callable]:
    method = getattr(visitor_cls, name, None)
    return None if method is None or getattr(method, "_is_no_op", False) else method


def _proceed(visitor, node) -> bool:
    return True


def _ignore(visitor, node) -> None:
    pass


_STRAIGHT: Dict[type, bool] = {}
_ORIGINAL_VISIT: list = []


def _straight(cls: type) -> bool:
    """Does `cls._visit_and_replace_children` visit its fields unconditionally, in order? A few
    (f-string parts, ImportFrom) decide per instance; those keep LibCST's own visit."""
    known = _STRAIGHT.get(cls)
    if known is None:
        import dis

        code = cls._visit_and_replace_children.__code__
        known = _STRAIGHT[cls] = not any("JUMP" in i.opname or i.opname.startswith("FOR_ITER")
                                         for i in dis.get_instructions(code))  # fmt: skip
    return known


_FAST: ContextVar[bool] = ContextVar("cio_lint_fast_visits", default=False)


def _install_visit() -> None:
    """Wrap `CSTNode.visit`, once per process: the wrapper is LibCST's own visit unless
    FastVisits is active in the calling context and the visitor is read-only."""
    if _ORIGINAL_VISIT:
        return
    import libcst as cst

    original = cst.CSTNode.visit
    visitor_type, transformer_type = cst.CSTVisitor, cst.CSTTransformer

    def visit(node, visitor):
        if _FAST.get() and isinstance(visitor, visitor_type) and not isinstance(visitor, transformer_type):
            return fast_visit(node, visitor)
        return original(node, visitor)

    visit.__wrapped__ = original  # type: ignore[attr-defined]
    visit.__doc__ = original.__doc__
    _ORIGINAL_VISIT.append(original)
    cst.CSTNode.visit = visit  # type: ignore[method-assign]


class FastVisits:
    """While active in this thread or task, `CSTNode.visit` with a read-only visitor takes
    `fast_visit`: LibCST's metadata providers (scope analysis) walk the tree through `visit`
    from inside their own visitor methods, so this is the only way to give them the cheaper
    walk. Nested and concurrent uses are independent (a ContextVar, reset on exit)."""

    def __enter__(self):
        if available("visit_order"):
            _install_visit()
        self._token = _FAST.set(True)
        return self

    def __exit__(self, *exc) -> None:
        _FAST.reset(self._token)


_TOKEN_STATE: list = []


def _token_state_class():
    if not available("codegen_state"):
        raise ImportError("LibCST's CodegenState is not as expected")
    if not _TOKEN_STATE:
        from libcst._nodes.internal import CodegenState

        class TokenRanges(CodegenState):
            """Code generation that notes where each node's code starts and ends as token
            indexes, for `positions`: LibCST's position state builds two CodePositions and
            a CodeRange for every node, and splits tokens on newlines as it goes."""

            __slots__ = ("ranges", "starts")

            def __init__(self, module) -> None:
                super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
                self.ranges: Dict[object, tuple] = {}
                self.starts: List[int] = []

            def before_codegen(self, node) -> None:
                self.starts.append(len(self.tokens))

            def after_codegen(self, node) -> None:
                start = self.starts.pop()
                if node not in self.ranges:  # a syntactic range recorded inside wins
                    self.ranges[node] = (start, len(self.tokens))

            def record_syntactic_position(self, node, *, start_node=None, end_node=None):
                return _SyntacticRange(self.ranges, self.tokens, node, start_node, end_node)

            def pop_trailing_newline(self) -> None:
                pass  # LibCST's positions still count the newline it drops from the code

        _TOKEN_STATE.append(TokenRanges)
    return _TOKEN_STATE[0]


class _SyntacticRange:
    """PositionProvidingCodegenState.record_syntactic_position, in token indexes."""

    __slots__ = ("ranges", "tokens", "node", "start_node", "end_node", "start")

    def __init__(self, ranges, tokens, node, start_node, end_node) -> None:
        self.ranges, self.tokens, self.node = ranges, tokens, node
        self.start_node, self.end_node = start_node, end_node

    def __enter__(self) -> None:
        self.start = len(self.tokens)

    def __exit__(self, *exc) -> None:
        start = self.ranges[self.start_node][0] if self.start_node is not None else self.start
        end = self.ranges[self.end_node][1] if self.end_node is not None else len(self.tokens)
        self.ranges[self.node] = (start, end)


class _Positions(Mapping):
    """node -> CodeRange, from the token ranges; lines and columns are counted once, the way
    LibCST's position state counts them (a token's "\r\n", "\r" or "\n" ends a line)."""

    def __init__(self, ranges: Dict[object, tuple], tokens: List[str]) -> None:
        self._ranges, self._tokens = ranges, tokens
        self._at: Optional[List[tuple]] = None

    def _where(self) -> List[tuple]:
        import re

        line, column, where = 1, 0, [(1, 0)]
        for token in self._tokens:
            if "\n" in token or "\r" in token:
                segments = re.split(r"\r\n?|\n", token)
                line, column = line + len(segments) - 1, len(segments[-1])
            else:
                column += len(token)
            where.append((line, column))
        return where

    def __getitem__(self, node):
        from libcst.metadata import CodePosition, CodeRange

        start, end = self._ranges[node]
        if self._at is None:
            self._at = self._where()
        return CodeRange(CodePosition(*self._at[start]), CodePosition(*self._at[end]))

    def __iter__(self):
        return iter(self._ranges)

    def __len__(self) -> int:
        return len(self._ranges)


def positions(wrapper: "MetadataWrapper") -> Mapping:
    """What `wrapper.resolve(PositionProvider)` returns (the syntactic range of every node),
    about 2x cheaper: the same code generation pass noting token indexes, turned into lines
    and columns only for the nodes asked about. Falls back to LibCST's provider if its
    internals ever change (tests compare the two)."""
    from libcst.metadata import PositionProvider

    try:
        state = _token_state_class()(wrapper.module)
        wrapper.module._codegen(state)
        return _Positions(state.ranges, state.tokens)
    except (AttributeError, TypeError, ImportError):
        return wrapper.resolve(PositionProvider)


def scope_map(wrapper: "MetadataWrapper") -> Mapping:
    """What `wrapper.resolve(ScopeProvider)` returns, from LibCST's own scope analysis, run
    without the batched pass LibCST wraps it in: the provider's one hook is visit_Module,
    so that pass lists its methods (inspect.getmembers) and then walks every node a second
    time for nothing. Accesses and assignments are linked lazily (`_scope_visitor`). Falls
    back to LibCST's way if its internals change (tests compare)."""
    from libcst.metadata import ScopeProvider

    provider = ScopeProvider()
    visitor_type = _scope_visitor() if available("scope_visitor") else None
    if visitor_type is None or not isinstance(getattr(provider, "_computed", None), dict):
        return wrapper.resolve(ScopeProvider)
    with provider.resolve(wrapper):  # its dependency: expression contexts
        visitor = visitor_type(provider)  # what ScopeProvider.visit_Module does, with it
        wrapper.module.visit(visitor)
        visitor.infer_accesses()
    return provider._computed


_SCOPE_VISITOR: list = []


def _scope_visitor() -> Optional[type]:
    """LibCST's ScopeVisitor, except that each access's `referents` and each assignment's
    `references` are linked when first asked for, not all at the end of the analysis, and
    that its on_leave checks each node class once.

    Linking them all is quadratic in a name assigned and read a thousand times in one scope
    (scipy's _lebedev.py: 2.5 s of its 4 s); the resolver asks about a few dozen accesses
    and nothing reads `references`. LibCST's own methods do the linking when asked, with the
    same results, since the scopes no longer change once the analysis is over (tests compare).
    None when LibCST's internals are not the ones this relies on."""
    if not _SCOPE_VISITOR:
        _SCOPE_VISITOR.append(_make_scope_visitor())
    return _SCOPE_VISITOR[0]


def _make_scope_visitor() -> Optional[type]:
    from libcst.metadata import scope_provider as sp

    if "_Access__assignments" not in getattr(sp.Access, "__slots__", ()) or \
            not isinstance(getattr(sp, "_ASSIGNMENT_LIKE_NODES", None), tuple):  # fmt: skip
        return None
    lazy_access, lazy_builtins = _lazy_access_class(sp), _lazy_builtins_class(sp)
    assignment_like: Dict[tuple, tuple] = {}

    class LeanScopeVisitor(sp.ScopeVisitor):
        def infer_accesses(self) -> None:
            deferred = getattr(self, "_ScopeVisitor__deferred_accesses", None)
            top = self.scope.globals
            if deferred is None or type(top.parent) is not sp.BuiltinScope:
                return super().infer_accesses()
            for item in deferred:
                item.access.__class__ = lazy_access
            scopes = {id(scope): scope for scope in self.provider._computed.values() if scope is not None}
            for scope in [*scopes.values(), top.parent]:
                for assignment in scope.assignments:
                    _lazy_assignment(assignment)
            top.parent.__class__ = lazy_builtins
            top._cio_unlinked = []  # (assignment, accesses) for record_accesses, when asked
            super().infer_accesses()

        def on_leave(self, original_node) -> None:
            """ScopeVisitor.on_leave, with its isinstance against a tuple of node classes
            (ABCs: a Python-level check each) and CSTVisitor.on_leave's lookup of a
            leave_<Node> answered once per class."""
            self.provider.set_metadata(original_node, self.scope)
            key = (type(self), type(original_node))
            if key not in assignment_like:
                assignment_like[key] = (issubclass(key[1], sp._ASSIGNMENT_LIKE_NODES),
                                        _hook(key[0], "leave_" + key[1].__name__))  # fmt: skip
            counts, leave = assignment_like[key]
            if counts:
                self.scope._assignment_count += 1
            if leave is not None:
                leave(self, original_node)

    return LeanScopeVisitor


def _lazy_access_class(sp) -> type:
    class LazyAccess(sp.Access):
        """record_assignments notes the name; `referents` links on first use."""

        __slots__ = ()

        def record_assignments(self, name: str) -> None:
            self._Access__assignments = _Unlinked(name)

        @property
        def referents(self):
            unlinked = self._Access__assignments
            if isinstance(unlinked, _Unlinked):
                self._Access__assignments = set()
                sp.Access.record_assignments(self, unlinked.name)
            return sp.Access.referents.fget(self)

    return LazyAccess


def _lazy_builtins_class(sp) -> type:
    class LazyBuiltins(sp.BuiltinScope):
        """LibCST makes a builtin's assignment when a name first resolves to it, which may
        now be after the analysis: that one links lazily too."""

        def _resolve_scope_for_access(self, name, from_scope):
            found = super()._resolve_scope_for_access(name, from_scope)
            for assignment in found:
                _lazy_assignment(assignment)
            return found

    return LazyBuiltins


class _Unlinked:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


_LAZY_ASSIGNMENTS: Dict[type, type] = {}


def _lazy_assignment(assignment) -> None:
    """Give `assignment` a subclass of its class whose record_accesses waits for `references`."""
    cls = type(assignment)
    if cls in _LAZY_ASSIGNMENTS.values():
        return
    if cls not in _LAZY_ASSIGNMENTS:
        namespace = {"__module__": cls.__module__, "record_accesses": _defer_accesses,
                     "references": property(_references)}  # fmt: skip
        _LAZY_ASSIGNMENTS[cls] = type(cls.__name__, (cls,), namespace)
    assignment.__class__ = _LAZY_ASSIGNMENTS[cls]


def _defer_accesses(assignment, accesses) -> None:
    assignment.scope.globals._cio_unlinked.append((assignment, accesses))


def _references(assignment):
    """All the analysis's deferred links at once: linking one assignment can pass accesses
    that precede it on to the assignments it shadows (LibCST's record_accesses)."""
    from libcst.metadata.scope_provider import BaseAssignment

    unlinked = assignment.scope.globals._cio_unlinked
    while unlinked:
        owner, accesses = unlinked.pop()
        BaseAssignment.record_accesses(owner, accesses)
    return BaseAssignment.references.fget(assignment)


def prime_resolver_metadata(wrapper: "MetadataWrapper") -> None:
    """Compute the resolver's metadata the cheap way and hand it to the wrapper's cache, where
    `wrapper.resolve()` finds it. LibCST keeps that cache in `wrapper._metadata`; if a
    LibCST release renames it, nothing is primed and LibCST computes everything itself."""
    from libcst.metadata import (
        ExpressionContextProvider,
        ParentNodeProvider,
        QualifiedNameProvider,
        ScopeProvider,
    )

    cache = getattr(wrapper, "_metadata", None) if available("metadata_cache") else None
    if not isinstance(cache, dict):
        return
    if ParentNodeProvider not in cache:
        cache[ParentNodeProvider] = parent_map(wrapper.module)
    if ExpressionContextProvider not in cache and ScopeProvider not in cache:
        cache[ExpressionContextProvider] = expression_contexts(wrapper.module)
    if ScopeProvider not in cache:
        with FastVisits():  # (already active under _check; kept for direct callers)
            cache[ScopeProvider] = scope_map(wrapper)
    scopes = cache[ScopeProvider]
    if QualifiedNameProvider not in cache:
        cache[QualifiedNameProvider] = QualifiedNames(scopes, cache[ParentNodeProvider], wrapper.module)


# ---------------------------------------------------------------------------------------------
# One traversal for every rule


_VISITOR_NAMES: Dict[type, tuple] = {}


def _visitor_methods(visitor) -> Dict[str, Callable]:
    """What `BatchableCSTVisitor.get_visitors()` returns, with the method names looked up once
    per class instead of by `inspect.getmembers` on every instance of every file."""
    cls = type(visitor)
    names = _VISITOR_NAMES.get(cls)
    if names is None:
        # LibCST's own classes define only no-op visit_/leave_ methods (~600 of them): the
        # names come from the classes above them (dir() of every rule cost ~10 ms a process)
        own = {name for klass in cls.__mro__ if not klass.__module__.startswith("libcst")
               for name in vars(klass)}  # fmt: skip
        names = _VISITOR_NAMES[cls] = tuple(
            name for name in sorted(own)
            if name.startswith(("visit_", "leave_"))
            and callable(getattr(cls, name))
            and not getattr(getattr(cls, name), "_is_no_op", False)
        )  # fmt: skip
    guard = getattr(visitor, "_guard", None)  # Rule: an exception disables the rule, not the run
    methods = {}
    for name in names:
        method = getattr(visitor, name)
        methods[name] = guard(method) if guard is not None else method
    return methods


def _batched_visitor(table: Dict[str, List[Callable]]):
    import libcst as cst

    empty: tuple = ()

    class Batched(cst.CSTVisitor):
        def on_visit(self, node) -> bool:
            for method in table.get("visit_" + type(node).__name__, empty):
                method(node)
            return True

        def on_leave(self, node) -> None:
            for method in table.get("leave_" + type(node).__name__, empty):
                method(node)

        def on_visit_attribute(self, node, attribute: str) -> None:
            for method in table.get(f"visit_{type(node).__name__}_{attribute}", empty):
                method(node)

        def on_leave_attribute(self, node, attribute: str) -> None:
            for method in table.get(f"leave_{type(node).__name__}_{attribute}", empty):
                method(node)

    return Batched()


_VISIT_ORDER: Dict[type, tuple] = {}


def _visit_order(cls: type) -> tuple:
    """The fields of a node class in the order LibCST visits them: the order its
    `_visit_and_replace_children` names them (field-name constants in its code object)."""
    order = _VISIT_ORDER.get(cls)
    if order is None:
        fields = set(_child_fields(cls))
        consts = cls._visit_and_replace_children.__code__.co_consts
        order = _VISIT_ORDER[cls] = tuple(dict.fromkeys(c for c in consts if isinstance(c, str) and c in fields))
    return order


def _walk(module, table: Dict[str, List[Callable]]) -> None:
    """Visit and leave every node in LibCST's order, iteratively (no Python recursion, and no
    node rebuilt per visit as `CSTNode.visit` does), calling the batched visit_/leave_ methods."""
    hooks: Dict[type, tuple] = {}
    stack: List[tuple] = [(module, False)]
    pop, push, kinds = stack.pop, stack.append, _KINDS
    while stack:
        node, leaving = pop()
        kind = type(node)
        found = hooks.get(kind)
        if found is None:
            name = kind.__name__
            found = hooks[kind] = (tuple(table.get("visit_" + name, ())), tuple(table.get("leave_" + name, ())),
                                   _visit_order(kind))  # fmt: skip
        if leaving:
            for method in found[1]:
                method(node)
            continue
        for method in found[0]:
            method(node)
        push((node, True))
        children = []
        for field in found[2]:
            value = getattr(node, field)
            kind = kinds.get(type(value)) or _kind(type(value))
            if kind == 1:
                children.append(value)
            elif kind == 2:
                children.extend(child for child in value if (kinds.get(type(child)) or _kind(type(child))) == 1)
        for child in reversed(children):
            push((child, False))


def run_visitors(wrapper: "MetadataWrapper", visitors: Sequence) -> None:
    """`wrapper.visit_batched(visitors)`: one traversal, each visitor's declared metadata
    resolved first; without LibCST's per-instance method discovery, and by an iterative walk
    unless a visitor asks for attribute-level hooks (visit_Call_func), which LibCST's own
    traversal then provides."""
    with ExitStack() as stack:
        for visitor in visitors:
            if visitor.get_inherited_dependencies():
                stack.enter_context(visitor.resolve(wrapper))
        table: Dict[str, List[Callable]] = {}
        for visitor in visitors:
            for name, method in _visitor_methods(visitor).items():
                table.setdefault(name, []).append(method)
        if any("_" in name.split("_", 1)[1] for name in table) or not available("visit_order"):
            wrapper.module.visit(_batched_visitor(table))
        else:
            _walk(wrapper.module, table)
