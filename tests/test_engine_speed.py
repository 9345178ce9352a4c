"""The engine's later speed work (README "Performance") must not change what it computes:
each shortcut here is held to LibCST's own answer, like tests/test_engine.py does."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from cio_lint import metadata
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
    with metadata.FastVisits():
        module.visit(ours)
    assert ours.events == theirs.events
    if module is PARSED[0][1]:  # the kitchen sink has one of each
        assert {event for event, _ in ours.events} == {"visit", "func", "args", "bases", "body", "name"}


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_scope_map_is_what_the_wrapper_resolves(module):
    """The scope analysis run without LibCST's batched pass: the same scope for every node."""
    in_tree = {id(node) for node in metadata.parent_map(module)} | {id(module)}

    def shape(scopes):  # nodes parsed from string annotations are new objects on every run
        numbering = {}
        return sorted((str(id(node)) if id(node) in in_tree else type(node).__name__, type(scope).__name__,
                       numbering.setdefault(id(scope), len(numbering))) for node, scope in scopes.items())  # fmt: skip

    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    ours = metadata.scope_map(MetadataWrapper(module, unsafe_skip_copy=True))
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
    in_tree = {id(node) for node in metadata.parent_map(module)} | {id(module)}
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    ours = metadata.scope_map(MetadataWrapper(module, unsafe_skip_copy=True))
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
    ours = metadata.scope_map(MetadataWrapper(module, unsafe_skip_copy=True))
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
    assert dict(metadata.positions(MetadataWrapper(module, unsafe_skip_copy=True))) == dict(expected)


def test_fast_visit_outside_the_engine_visits_what_libcsts_visit_does():
    """Called directly, before the engine ever patched CSTNode.visit (a fresh interpreter),
    on nodes that keep LibCST's own visit (ImportFrom, f-string parts)."""
    code = textwrap.dedent("""
        import libcst as cst
        from cio_lint import metadata

        class Count(cst.CSTVisitor):
            def __init__(self):
                super().__init__()
                self.seen = []

            def on_visit(self, node):
                self.seen.append(type(node).__name__)
                return True

        module = cst.parse_module("from a import (b, c)\\nx = f'{y!r:>{w}}'\\n")
        ours, theirs = Count(), Count()
        metadata.fast_visit(module, ours)
        module.visit(theirs)
        assert ours.seen == theirs.seen, (ours.seen, theirs.seen)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr


def _fixture_findings():
    from cio_lint.config import Settings
    from cio_lint.engine import lint_file
    from tests.conftest import FIXTURES

    settings = Settings(region="eu")
    return sorted(f for path in sorted(FIXTURES.rglob("*.py")) for f in lint_file(path, settings))


def test_with_libcsts_own_providers_the_findings_are_the_same(monkeypatch):
    """The shortcuts read LibCST internals and fall back to LibCST's providers when those
    change: forced onto the fallbacks, every fixture gives the same findings."""
    ours = _fixture_findings()
    assert len(ours) > 10
    monkeypatch.setattr(metadata, "_SCOPE_VISITOR", [None])  # "internals not as expected"

    def changed_internals():
        raise AttributeError("CodegenState changed")

    monkeypatch.setattr(metadata, "_token_state_class", changed_internals)
    resolved = []
    original = MetadataWrapper.resolve
    monkeypatch.setattr(MetadataWrapper, "resolve", lambda self, p: resolved.append(p) or original(self, p))
    assert _fixture_findings() == ours
    assert ScopeProvider in resolved and PositionProvider in resolved  # the fallbacks did run
