"""What a rule sees of one file (`FileContext`), and the edits its fixes are made of.

Part of the rule API with cio_lint/rules/base.py: rules import this module, never the engine.
The engine builds one FileContext per file and hands it to every rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Protocol

import libcst as cst

from cio_lint.config import Settings
from cio_lint.finding import Edit, Finding, Fix
from cio_lint._libcst import positions, prime_resolver_metadata
from cio_lint.project import Project

if TYPE_CHECKING:
    from libcst.metadata import MetadataWrapper

    from cio_lint.resolve import Resolver


class NamedRule(Protocol):
    """What a finding needs of the rule reporting it: its code and name. (A Protocol rather
    than rules.base.Rule, which imports this module: the rule API's two halves import one way.)"""

    CODE: str
    NAME: str


class FileContext:
    """Everything a rule sees of one file, and where its findings go."""

    def __init__(self, path: str, wrapper: "MetadataWrapper", settings: Settings,
                 project: Project, module_name: str) -> None:  # fmt: skip
        self.path = path
        self.wrapper = wrapper
        self.module = wrapper.module
        self.settings = settings
        self.project = project
        self.sdk_version = project.sdk_version
        self.module_name = module_name
        self.findings: List[Finding] = []
        self._positions = None
        self._resolver: Optional["Resolver"] = None

    @property
    def resolver(self) -> "Resolver":
        """Built on first use: its metadata (scopes, qualified names, parents) costs most of
        a file's time, and a file no rule asks about never pays it."""
        if self._resolver is None:
            # imported here: the resolver package is the heaviest import after LibCST
            from cio_lint.resolve import Resolver
            from cio_lint.resolve.summaries import for_project

            prime_resolver_metadata(self.wrapper)
            self._resolver = Resolver(self.wrapper, for_project(self.project), self.module_name,
                                      self.project.sdk_version)  # fmt: skip
        return self._resolver

    def position(self, node: "cst.CSTNode"):
        if self._positions is None:  # computed only for files that have findings
            self._positions = positions(self.wrapper)
        return self._positions[node]

    def report(self, rule: "NamedRule", node: "cst.CSTNode", message: str, fix: Optional[Fix],
               help: str = "") -> None:
        pos = self.position(node)
        self.findings.append(
            Finding(
                path=self.path,
                line=pos.start.line,
                column=pos.start.column + 1,
                code=rule.CODE,
                name=rule.NAME,
                message=message,
                end_line=pos.end.line,
                end_column=pos.end.column + 1,
                fix=fix,
                help=help,
            )
        )

    def replace_edit(self, node: "cst.CSTNode", code: str) -> Edit:
        pos = self.position(node)
        return Edit(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1, code)

    def import_edit(self, module: str, name: str) -> Optional[Edit]:
        """An edit adding `from module import name`, or None when `name` is already bound."""
        statement = f"from {module} import {name}"
        body = self.module.body
        if any(name == a.name for a in _module_scope_assignments(self.resolver, name)):
            return None
        existing = self._plain_import_from(module)
        if existing is not None:  # from customerio import CustomerIO -> ..., Regions
            end = self.position(existing.names[-1]).end
            return Edit(end.line, end.column + 1, end.line, end.column + 1, f", {name}")
        last_import = None
        for index, stmt in enumerate(body):
            if isinstance(stmt, cst.SimpleStatementLine) and all(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
            ):
                last_import = stmt
            elif index == 0 and _is_docstring(stmt):
                last_import = last_import or stmt
            elif last_import is not None:
                break
        newline = self.module.default_newline
        if last_import is None:
            return Edit(1, 1, 1, 1, statement + newline)
        end = self.position(last_import).end
        return Edit(end.line + 1, 1, end.line + 1, 1, statement + newline)

    def _plain_import_from(self, module: str) -> Optional["cst.ImportFrom"]:
        """A top-level `from <module> import a, b` a name can be appended to: absolute, no
        parentheses, no star, no trailing comma, at module level."""
        from cio_lint.resolve import dotted_name

        for stmt in self.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and not small.relative
                    and small.lpar is None
                    and isinstance(small.names, (list, tuple))
                    and small.module is not None
                    and dotted_name(small.module) == module
                    and isinstance(small.names[-1].comma, cst.MaybeSentinel)
                ):
                    return small
        return None


def _module_scope_assignments(resolver: "Resolver", name: str):
    scope = resolver.scope(resolver.module)
    return scope[name] if scope is not None else ()


def _is_docstring(stmt: "cst.CSTNode") -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
