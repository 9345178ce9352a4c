"""One visitor base for "this scope's own code": the body of one function (or a handler, a
module) without the functions, classes and lambdas nested in it, whose `return`s, `self`,
calls and names belong to another scope."""

from __future__ import annotations

import libcst as cst


class OwnScopeVisitor(cst.CSTVisitor):
    """Visits a node's own scope only. Subclass it once per search (the engine's fast visits
    plan per visitor class) and add visit_<Node> hooks; nested definitions are not entered
    (their decorators, defaults and bases are not visited either)."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False
