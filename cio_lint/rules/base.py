"""The shape of a rule: a LibCST batched visitor that carries its own code, docs and examples.

A rule visits the nodes it cares about, asks the resolver what they are (a Track client, a
request object...), reads what it needs from `cio_lint.sdk`, and calls `self.report(...)`.
Its VALID/INVALID examples become test cases (tests/test_rules.py) and its docstring is what
`cio-lint rule` prints and what the README's rule table is generated from.
"""

from __future__ import annotations

import textwrap
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Mapping, Optional, Sequence, Tuple

import libcst as cst

from cio_lint.finding import Edit, Finding, Fix
from cio_lint.resolve.wrappers import sdk_calls

if TYPE_CHECKING:
    from cio_lint.rules.context import FileContext
    from cio_lint.resolve import Resolver


@dataclass(frozen=True)
class Valid:
    """Code on which the rule must stay silent."""

    code: str
    config: Mapping[str, object] = field(default_factory=dict)  # [tool.cio-lint] keys
    sdk_version: str = ""  # a PEP 440 specifier, as if the project pinned it
    #: requirement lines the project declares, as if in its pyproject.toml
    dependencies: Tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")


@dataclass(frozen=True)
class Invalid(Valid):
    """Code on which the rule must fire `count` times (the first at `line`, if given)."""

    count: int = 1
    line: Optional[int] = None
    #: the source after applying every fix of this rule (safe and unsafe); None: no fix
    fixed: Optional[str] = None

    @property
    def fixed_source(self) -> Optional[str]:
        return None if self.fixed is None else textwrap.dedent(self.fixed).lstrip("\n")


class Rule(cst.BatchableCSTVisitor):
    CODE: ClassVar[str]
    NAME: ClassVar[str]
    DEFAULT_ENABLED: ClassVar[bool] = True
    #: "safe" / "unsafe" when the rule offers fixes; None when it never does
    FIX: ClassVar[Optional[str]] = None
    #: the reported range is a secret: outputs that show source (--show-source) mask it
    REPORTS_SECRET: ClassVar[bool] = False
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()
    #: codes whose finding at the very same place this rule's finding replaces: one finding
    #: per mistake, the most specific one (its message mentions the other's point if it adds one)
    SUPERSEDES: ClassVar[Tuple[str, ...]] = ()

    def __init__(self, context: "FileContext") -> None:
        super().__init__()
        self.context = context
        #: the exception this rule raised on this file, if any; the engine reports it as
        #: CIO000 and drops the rule's findings for the file, and the other rules go on
        self.failure: Optional[BaseException] = None

    def get_visitors(self):
        return {name: self._guard(method) for name, method in super().get_visitors().items()}

    def _guard(self, method):
        def guarded(node):
            if self.failure is not None:
                return None
            try:
                return method(node)
            except RecursionError:
                raise  # the whole file is too deep; the engine reports it once
            except Exception as exc:
                self.failure = exc
                return None

        return guarded

    @property
    def resolver(self) -> "Resolver":
        return self.context.resolver

    def report(self, node: cst.CSTNode, message: str, fix: Optional[Fix] = None, help: str = "") -> None:
        """Report `message` (one breath: mistake, runtime effect, fix; about 120 characters at
        most) with `help`, the rest (why, evidence, other ways out), or the rule's own
        "Why is this bad?" section when it has nothing particular to add."""
        if self._via:  # judged at a project wrapper's call site: say which SDK call it reaches
            message, fix = f"{message} (via {self._via})", None
        self.context.report(self, node, message, fix, help or self.why())

    #: while judging a call of a project wrapper: the wrappers and the SDK call it reaches
    _via: Optional[str] = None

    def sdk_calls(self, node: cst.Call):
        """The SDK calls `node` makes with the arguments written there: the call itself, or
        the SDK calls a project wrapper passes them to (findings then say `via` what)."""
        for call in sdk_calls(self.resolver, node):
            with self.via(call.via):
                yield call

    @contextmanager
    def via(self, via: Optional[str]):
        """Findings reported inside say they reach the SDK through `via` (and carry no fix:
        the code to change may be the wrapper's)."""
        previous, self._via = self._via, via
        try:
            yield
        finally:
            self._via = previous

    # Fix helpers: edits are computed from node positions, so fixes stay plain text edits.
    def replace(self, node: cst.CSTNode, code: str) -> Edit:
        return self.context.replace_edit(node, code)

    def fix(self, *edits: Optional[Edit]) -> Optional[Fix]:
        real = tuple(e for e in edits if e is not None)
        return Fix(self.FIX or "safe", real) if real and self.FIX else None

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring: what the rule finds."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else cls.NAME

    @classmethod
    def why(cls) -> str:
        """The docstring's "Why is this bad?" section, as one paragraph of plain text."""
        doc = cls.documentation()
        start = doc.find("## Why is this bad?")
        if start < 0:
            return ""
        body = doc[start + len("## Why is this bad?"):]
        end = body.find("\n## ")
        return " ".join((body if end < 0 else body[:end]).split())

    @classmethod
    def documentation(cls) -> str:
        return textwrap.dedent("\n".join((cls.__doc__ or "").splitlines()[1:])).strip()


def one_finding_per_mistake(findings: Sequence[Finding], rules: Sequence[object]) -> list:
    """`findings` without those another finding at the same range supersedes (Rule.SUPERSEDES):
    CIO401 replaces CIO403 on the same host=, CIO502 replaces CIO501 on the same event name.
    Only what was actually reported counts, so deselecting the specific rule keeps the other."""
    # (the visitors may include non-rules, such as the inventory's collector)
    supersedes = {rule.CODE: rule.SUPERSEDES for rule in rules if getattr(rule, "SUPERSEDES", ())}
    if not supersedes:
        return list(findings)
    codes_at: dict = {}
    for f in findings:
        codes_at.setdefault((f.line, f.column, f.end_line, f.end_column), set()).add(f.code)

    def superseded(f: Finding) -> bool:
        here = codes_at[(f.line, f.column, f.end_line, f.end_column)]
        return any(f.code in supersedes.get(other, ()) for other in here)

    return [f for f in findings if not superseded(f)]
