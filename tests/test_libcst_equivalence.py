"""cio_lint/_libcst.py computes what LibCST computes: each shortcut held to LibCST's own answer
(with tests/test_engine.py), and each fallback to LibCST's public API forced and compared.

These are the tests tests/test_libcst_newest.py runs against the newest LibCST release."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

from cio_lint import _libcst
from tests.conftest import REPO
from tests.test_engine import IDS, PARSED


class FieldHooks(cst.CSTVisitor):
    """Attribute-level hooks through CSTVisitor's own lookup, which fast_visit skips for the
    fields a visitor has no hook for: the hooks it has must still be called, in order."""

    def __init__(self):
        super().__init__()
        self.events = []

    def visit_Call(self, node):
        self.events.append(("visit", id(node)))

    def visit_Call_func(self, node):
        self.events.append(("func", id(node)))

    def leave_Call_args(self, node):
        self.events.append(("args", id(node)))

    def visit_ClassDef_bases(self, node):
        self.events.append(("bases", id(node)))

    def leave_FunctionDef_body(self, node):
        self.events.append(("body", id(node)))

    def visit_Lambda(self, node):
        return False  # a skipped subtree

    def leave_Name(self, node):
        self.events.append(("name", id(node)))


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_fast_visit_calls_the_field_hooks_libcsts_visit_calls(module):
    theirs, ours = FieldHooks(), FieldHooks()
    module.visit(theirs)
    with _libcst.FastVisits():
        module.visit(ours)
    assert ours.events == theirs.events
    if module is PARSED[0][1]:  # the kitchen sink has one of each
        assert {event for event, _ in ours.events} == {"visit", "func", "args", "bases", "body", "name"}


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_scope_map_is_what_the_wrapper_resolves(module):
    """The scope analysis run without LibCST's batched pass: the same scope for every node."""
    in_tree = {id(node) for node in _libcst.parent_map(module)} | {id(module)}

    def shape(scopes):  # nodes parsed from string annotations are new objects on every run
        numbering = {}
        return sorted((str(id(node)) if id(node) in in_tree else type(node).__name__, type(scope).__name__,
                       numbering.setdefault(id(scope), len(numbering))) for node, scope in scopes.items())  # fmt: skip

    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    ours = _libcst.scope_map(MetadataWrapper(module, unsafe_skip_copy=True))
    assert shape(ours) == shape(theirs)


SHADOWING = '''\
import os, os.path as p
x = 1
def f():
    print(x, len)  # read before the local assignment: LibCST links it to the module's x
    x = 2
    def g():
        nonlocal x
        x = 3
        return len(x), p.join
    len = 5
class C:
    y = x
    def m(self):
        global x
        x = y
        return [z for z in range(x) if z], (lambda q: q + x)
'''


def links(scopes, in_tree, references_first: bool):
    """Every access with its referents and every assignment with its references, asked for
    in either order. (Linking an access can create a builtin's assignment, as LibCST does
    while it links: those are listed once everything is linked.)"""

    def key(node):
        return str(id(node)) if id(node) in in_tree else type(node).__name__

    def name(assignment):
        return (assignment.name, key(assignment.node) if hasattr(assignment, "node") else "builtin")

    unique = {id(s): s for s in scopes.values() if s is not None}
    every = [*unique.values(), *{id(s.globals.parent): s.globals.parent for s in unique.values()}.values()]
    accesses = [a for scope in every for a in scope.accesses]
    if references_first:
        [a.references for scope in every for a in list(scope.assignments)]
    [a.referents for a in accesses]
    [a.references for scope in reversed(every) for a in list(scope.assignments)]  # builtins first
    assignments = [a for scope in every for a in scope.assignments]
    return (sorted((name(a), sorted(key(x.node) for x in a.references)) for a in assignments),
            sorted((key(x.node), sorted(map(name, x.referents))) for x in accesses))


@pytest.mark.parametrize("references_first", [False, True])
@pytest.mark.parametrize("module", [cst.parse_module(SHADOWING)] + [m for _, m in PARSED],
                         ids=["shadowing"] + IDS)  # fmt: skip
def test_lazily_linked_accesses_and_assignments_are_libcsts(module, references_first):
    in_tree = {id(node) for node in _libcst.parent_map(module)} | {id(module)}
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    ours = _libcst.scope_map(MetadataWrapper(module, unsafe_skip_copy=True))
    assert links(ours, in_tree, references_first) == links(theirs, in_tree, references_first)


def test_a_builtin_first_reached_through_a_referent_has_libcsts_references():
    """`len` is read before the function assigns it: its builtin is made while linking that
    read, and the read is one of the builtin's references, asked for before anything else."""
    module = cst.parse_module("def h():\n    n = len\n    len = 1\n")

    def builtin_references(scopes):
        read = module.body[0].body.body[0].body[0].value  # `len` in `n = len`
        (access,) = scopes[read].accesses[read]
        (builtin,) = [a for a in access.referents if not hasattr(a, "node")]
        return [type(x.node).__name__ for x in builtin.references]

    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    ours = _libcst.scope_map(MetadataWrapper(module, unsafe_skip_copy=True))
    assert builtin_references(ours) == builtin_references(theirs) == ["Name"]


@pytest.mark.parametrize("source", [
    "", "\n", "# only a comment", "x = 1", "x = 1\r\ny = (2,\r\n     3)\r\n", "a = 1\rb = [2,\r 3]\r",
    "s = '''one\r\ntwo\rthree\nfour'''\n", "if x:\n    y = 1\n  # dedented comment\nz = 2  # end",
    "def f(\n    a, *, b=1,\n) -> int:\n    return (a\n            + b)\n\n\n", "x = 1 + \\\n    2\n\f\ny = 3\n",
    "@d\nclass C(B):\n    '''doc'''\n    a: int = 1\n", "é = 'ü'; z = f'{é!r:>{10}}'\n",
], ids=repr)  # fmt: skip
def test_positions_from_token_ranges_are_libcsts(source):
    """Line ends of every kind, in tokens and inside strings, and a file without a final one."""
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert dict(_libcst.positions(MetadataWrapper(module, unsafe_skip_copy=True))) == dict(expected)


def test_fast_visit_outside_the_engine_visits_what_libcsts_visit_does():
    """Called directly, before the engine ever patched CSTNode.visit (a fresh interpreter),
    on nodes that keep LibCST's own visit (ImportFrom, f-string parts)."""
    code = textwrap.dedent("""
        import libcst as cst
        from cio_lint import _libcst

        class Count(cst.CSTVisitor):
            def __init__(self):
                super().__init__()
                self.seen = []

            def on_visit(self, node):
                self.seen.append(type(node).__name__)
                return True

        module = cst.parse_module("from a import (b, c)\\nx = f'{y!r:>{w}}'\\n")
        ours, theirs = Count(), Count()
        _libcst.fast_visit(module, ours)
        module.visit(theirs)
        assert ours.seen == theirs.seen, (ours.seen, theirs.seen)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr


def _fixture_findings():
    from cio_lint.config import Settings
    from cio_lint.engine import lint_bytes
    from cio_lint.project import project_for
    from tests.conftest import FIXTURES

    settings = Settings(region="eu")
    found = []
    for path in sorted(FIXTURES.rglob("*.py")):
        project = project_for(path, settings)
        found += lint_bytes(path.read_bytes(), str(path), settings, project, module_name=project.module_name(path))
    return sorted(found)


def test_every_internal_is_available_on_the_pinned_libcst():
    """The shortcuts are in use on the LibCST this project pins (else they would be dead code)."""
    assert all(_libcst.available(name) for name in _libcst.INTERNALS)


@pytest.mark.parametrize("disabled", [*_libcst.INTERNALS, "all"])
def test_with_an_internal_missing_the_public_fallback_gives_the_same_findings(monkeypatch, disabled):
    """Each LibCST internal has a fallback to LibCST's public API, taken when a release no
    longer has it: forced onto it (one at a time, then all), every fixture gives the same
    findings, and the fallback did run."""
    ours = _fixture_findings()
    assert len(ours) > 10
    monkeypatch.setattr(_libcst, "DISABLED", set(_libcst.INTERNALS) if disabled == "all" else {disabled})
    resolved = []
    original = MetadataWrapper.resolve
    monkeypatch.setattr(MetadataWrapper, "resolve", lambda self, p: resolved.append(p) or original(self, p))
    assert _fixture_findings() == ours
    if disabled in ("scope_visitor", "all"):
        assert ScopeProvider in resolved
    if disabled in ("codegen_state", "all"):
        assert PositionProvider in resolved
    if disabled in ("visit_order", "all"):
        assert ParentNodeProvider in resolved


@pytest.mark.parametrize("module", [m for _, m in PARSED[:3]], ids=IDS[:3])
def test_without_the_visit_order_the_maps_are_libcsts_own(monkeypatch, module):
    expected = (_libcst.parent_map(module), _libcst.expression_contexts(module))
    monkeypatch.setattr(_libcst, "DISABLED", {"visit_order"})
    assert (_libcst.parent_map(module), _libcst.expression_contexts(module)) == expected


def test_fast_visits_apply_only_in_their_own_thread():
    """CSTNode.visit is wrapped once; the cheaper walk is taken only where FastVisits is active
    (a ContextVar): another thread visiting meanwhile gets LibCST's own visit."""
    import threading

    module = PARSED[0][1]
    calls = []
    original = _libcst.fast_visit

    def counting(node, visitor):
        calls.append(threading.get_ident())
        return original(node, visitor)

    class Nothing(cst.CSTVisitor):
        pass

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_libcst, "fast_visit", counting)
        with _libcst.FastVisits():
            with _libcst.FastVisits():  # nested: leaving the inner one keeps the outer
                pass
            worker = threading.Thread(target=lambda: module.visit(Nothing()))
            worker.start()
            worker.join()
            assert calls == []  # the other thread took LibCST's visit
            module.visit(Nothing())
            assert calls and set(calls) == {threading.get_ident()}
        calls.clear()
        module.visit(Nothing())  # after the block: LibCST's visit again
        assert calls == []
