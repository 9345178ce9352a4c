"""The engine's later speed work (README "Performance") must not change what it computes:
each shortcut here is held to LibCST's own answer, like tests/test_engine.py does."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ScopeProvider

from cio_lint import engine
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
    with engine._FastVisits():
        module.visit(ours)
    assert ours.events == theirs.events
    if module is PARSED[0][1]:  # the kitchen sink has one of each
        assert {event for event, _ in ours.events} == {"visit", "func", "args", "bases", "body", "name"}


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_scope_map_is_what_the_wrapper_resolves(module):
    """The scope analysis run without LibCST's batched pass: the same scope for every node."""
    in_tree = {id(node) for node in engine.parent_map(module)} | {id(module)}

    def shape(scopes):  # nodes parsed from string annotations are new objects on every run
        numbering = {}
        return sorted((str(id(node)) if id(node) in in_tree else type(node).__name__, type(scope).__name__,
                       numbering.setdefault(id(scope), len(numbering))) for node, scope in scopes.items())  # fmt: skip

    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    ours = engine.scope_map(MetadataWrapper(module, unsafe_skip_copy=True))
    assert shape(ours) == shape(theirs)
