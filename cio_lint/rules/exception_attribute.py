from __future__ import annotations

from typing import Iterator, List, Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve.own_scope import OwnScopeVisitor
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.EXCEPTION_ATTRIBUTE


class ExceptionAttribute(Rule):
    """A `CustomerIOException` handler reads `e.message`, `e.status_code`, `e.response`...: none exists.

    ## What it does
    Finds `except CustomerIOException as e:` handlers (only the SDK's exception is caught)
    whose body reads `e.message`, `e.status_code`, `e.status`, `e.response`, `e.code`,
    `e.headers`, `e.body`, `e.status_text` or `e.reason`. Handlers that test the attribute
    with `hasattr`/`getattr` or assign it first are left alone.

    ## Why is this bad?
    `CustomerIOException` is an empty subclass of `Exception` in every release: the status
    code and the response text exist only inside its message (`str(e)`). Reading one of these
    attributes raises `AttributeError` inside the handler, so the original error is lost and
    the retry or back-off it was written for never runs (grounded in
    `tests/grounding/test_seeds_errors.py`, customerio 3.2.0 and 2.4). It is the usual port of
    "check `err.status === 429` and back off" from the Node SDK.

    ## Example
    ```python
    try:
        cio.identify(id=user.id, email=user.email)
    except CustomerIOException as e:
        log.warning("customer.io failed: %s", e.message)
    ```

    ## Use instead
    ```python
    try:
        cio.identify(id=user.id, email=user.email)
    except CustomerIOException as e:
        log.warning("customer.io failed: %s", str(e))
    ```

    ## Fix safety
    Safe for `e.message`, which becomes `str(e)`: the code could only raise before. The other
    attributes get no fix (the status code must be parsed out of `str(e)`, whose layout
    differs between releases).
    """

    CODE = "CIO605"
    NAME = "exception-attribute"
    FIX = "safe"

    VALID = [
        Valid("""
            from customerio import CustomerIO, CustomerIOException
            try:
                CustomerIO('s', 'k').identify(id='u')
            except CustomerIOException as e:
                log.warning(str(e), e.args)
            """),
        # guarded by hasattr / getattr
        Valid("""
            import customerio
            try:
                pass
            except customerio.CustomerIOException as e:
                if hasattr(e, 'status_code'):
                    print(e.status_code)
            """),
        # another exception caught beside it may have the attribute
        Valid("""
            import requests
            from customerio import CustomerIOException
            try:
                pass
            except (CustomerIOException, requests.HTTPError) as e:
                print(e.response)
            """),
        # a look-alike: another library's exception of the same name
        Valid("""
            from mylib import CustomerIOException
            try:
                pass
            except CustomerIOException as e:
                print(e.message)
            """),
        # the name is rebound inside the handler
        Valid("""
            from customerio import CustomerIOException
            try:
                pass
            except CustomerIOException as e:
                e = wrap(e)
                print(e.status_code)
            """),
        # another object's attribute
        Valid("""
            from customerio import CustomerIOException
            try:
                pass
            except CustomerIOException as e:
                print(response.status_code)
            """),
    ]
    INVALID = [
        Invalid("""
            from customerio import CustomerIO, CustomerIOException
            try:
                CustomerIO('s', 'k').identify(id='u')
            except CustomerIOException as e:
                log.warning('failed: %s', e.message)
            """, line=5, fixed="""
            from customerio import CustomerIO, CustomerIOException
            try:
                CustomerIO('s', 'k').identify(id='u')
            except CustomerIOException as e:
                log.warning('failed: %s', str(e))
            """),
        Invalid("""
            import time
            from customerio.client_base import CustomerIOException
            try:
                pass
            except CustomerIOException as err:
                if err.status_code == 429:
                    time.sleep(1)
                elif err.response.status_code >= 500:
                    raise
            """, count=2, line=6),
        Invalid("""
            import customerio
            try:
                pass
            except (customerio.CustomerIOException,) as exc:
                print(f"failed: {exc.message}")
            """, fixed="""
            import customerio
            try:
                pass
            except (customerio.CustomerIOException,) as exc:
                print(f"failed: {str(exc)}")
            """),
    ]  # fmt: skip

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is None or not isinstance(node.name.name, cst.Name) or node.type is None:
            return
        if not self._catches_only_the_sdk_exception(node.type):
            return
        name = node.name.name.value
        reads = _Reads(name)
        node.body.visit(reads)
        if reads.guarded:
            return
        for attribute in reads.found:
            attr = attribute.attr.value
            fix = None
            if attr == "message":
                fix = self.fix(self.replace(attribute, f"str({name})"))
            self.report(
                attribute,
                f"{name}.{attr}: CustomerIOException has no such attribute, so the handler raises "
                f"{_EFFECT.error}, losing the error; use str({name})",
                fix,
            )

    def _catches_only_the_sdk_exception(self, caught: cst.BaseExpression) -> bool:
        types: List[cst.BaseExpression]
        if isinstance(caught, cst.Tuple):
            types = [e.value for e in caught.elements if not isinstance(e, cst.StarredElement)]
            if len(types) != len(caught.elements):
                return False
        else:
            types = [caught]
        return bool(types) and all(self.resolver.sdk_names(t) & set(sdk.EXCEPTION_QUALNAMES) for t in types)


class _Reads(OwnScopeVisitor):
    """Loads of `<name>.<missing attribute>` in a handler body; `guarded` when the body tests
    or assigns the name (hasattr/getattr/setattr, `name = ...`, `name.attr = ...`)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: List[cst.Attribute] = []
        self.guarded = False

    def _is_name(self, expr: Optional[cst.BaseExpression]) -> bool:
        return isinstance(expr, cst.Name) and expr.value == self.name

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in ("hasattr", "getattr", "setattr", "vars"):
            if node.args and self._is_name(node.args[0].value):
                self.guarded = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if any(self._is_name(t) or (isinstance(t, cst.Attribute) and self._is_name(t.value))
               for t in _targets(node.target)):  # fmt: skip
            self.guarded = True

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self._is_name(node.target):
            self.guarded = True

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if self._is_name(node.target):
            self.guarded = True

    def visit_AsName(self, node: cst.AsName) -> None:
        if self._is_name(node.name):
            self.guarded = True

    def visit_For(self, node: cst.For) -> None:
        if any(self._is_name(t) for t in _targets(node.target)):
            self.guarded = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self._is_name(node.value) and node.attr.value in sdk.EXCEPTION_MISSING_ATTRIBUTES:
            self.found.append(node)


def _targets(target: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _targets(element.value)
    else:
        yield target
