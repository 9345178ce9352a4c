from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import Assignment

from cio_lint import sdk
from cio_lint.resolve import value_name
from cio_lint.resolve.values import ENV_CALLS
from cio_lint.rules.base import Invalid, Rule, Valid


class CredentialMayBeNone(Rule):
    """A client credential that is `None`/`""`, or an environment read that may be unset, with no check.

    ## What it does
    Checks the credentials of `CustomerIO(site_id, api_key)` and `APIClient(key)`: a literal
    `None` or `""` (at the call or bound once to a name), and `os.getenv("X")` /
    `os.environ.get("X")` without a non-empty default, read at the call or bound once to a
    name that nothing else uses (no `if not key: ...`, no `assert key`, no other use), and not
    inside an `if` that tests the same variable.

    ## Why is this bad?
    Neither client checks its credentials: it is built, and every call sends
    `Authorization: Basic None:None` (Track) or `Bearer None` (App API) (observed on customerio
    3.2.0 and 2.4, grounded in `tests/grounding/test_seeds_credentials.py`), so a missing
    environment variable shows up as authentication failures far from its cause: the "SDK not
    initialised" of Customer.io's common errors.

    Off by default: whether a deployment always sets the variable is outside the code. Enable
    it with `--select CIO304` (or `credential-may-be-none`).

    ## Example
    ```python
    cio = CustomerIO(os.getenv("CIO_SITE_ID"), os.getenv("CIO_API_KEY"))
    ```

    ## Use instead
    ```python
    cio = CustomerIO(os.environ["CIO_SITE_ID"], os.environ["CIO_API_KEY"])  # KeyError at start-up
    ```

    ## Fix safety
    No fix: failing fast or skipping the integration is the author's choice.
    """

    CODE = "CIO304"
    NAME = "credential-may-be-none"
    DEFAULT_ENABLED = False
    ON = {"extend-select": ["CIO304"]}  # off by default: every example selects it

    VALID = [
        Valid("import os\nfrom customerio import CustomerIO\n"
              "cio = CustomerIO(os.environ['CIO_SITE_ID'], os.environ['CIO_API_KEY'])\n", config=ON),
        Valid("import os\nfrom customerio import APIClient\n"
              "api = APIClient(os.getenv('CIO_APP_KEY', 'dev-key'))\n", config=ON),
        # checked before use
        Valid("""
            import os
            from customerio import APIClient
            key = os.getenv('CIO_APP_KEY')
            if not key:
                raise RuntimeError('CIO_APP_KEY is not set')
            api = APIClient(key)
            """, config=ON),
        Valid("""
            import os
            from customerio import APIClient
            key = os.getenv('CIO_APP_KEY')
            assert key
            api = APIClient(key)
            """, config=ON),
        # inside an `if` on the same variable
        Valid("""
            import os
            from customerio import APIClient
            if os.getenv('CIO_APP_KEY'):
                api = APIClient(os.getenv('CIO_APP_KEY'))
            """, config=ON),
        Valid("from customerio import APIClient\napi = APIClient(settings.CIO_APP_KEY)\n", config=ON),
        # a look-alike
        Valid("import os\nfrom mylib import APIClient\napi = APIClient(os.getenv('KEY'))\n", config=ON),
    ]
    INVALID = [
        Invalid("""
            import os
            from customerio import CustomerIO
            cio = CustomerIO(os.getenv("CIO_SITE_ID"), os.getenv("CIO_API_KEY"))
            """, count=2, line=3, config=ON),
        Invalid("""
            import os
            from customerio import APIClient
            APP_KEY = os.environ.get("CIO_APP_KEY", "")
            api = APIClient(APP_KEY)
            """, line=4, config=ON),
        Invalid("from customerio import APIClient\napi = APIClient(None)\n", config=ON),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.TRACK, sdk.APP, sdk_signature=True):
            return
        for param, expr in call.credentials() or ():
            what = self._may_be_none(node, expr)
            if what is not None:
                cls = call.target.sdk_class
                auth = sdk.CREDENTIAL_NONE_AUTH[cls.role]
                self.report(
                    expr,
                    f"{param}= {what}: {cls.name} still sends every call with "
                    f"{sdk.CREDENTIAL_NONE.says.format(auth=auth)}; check it or use os.environ[...]",
                )

    def _may_be_none(self, call: cst.Call, expr: cst.BaseExpression) -> Optional[str]:
        literal = self.resolver.literal(expr)
        if literal is not None and literal.value in (None, ""):
            return "is None" if literal.value is None else "is empty"
        if self._unset_env(expr):
            return None if self._inside_if_on(call, expr) else "may be unset"
        if isinstance(expr, cst.Name):
            bound = self._only_use(expr)
            if bound is not None and self._unset_env(bound):
                return f"({expr.value}) may be unset"
        return None

    def _unset_env(self, expr: cst.BaseExpression) -> bool:
        """`os.getenv(X)` / `os.environ.get(X)` whose default is missing, None or ""."""
        if not isinstance(expr, cst.Call) or not (self.resolver.qualified_names(expr.func) & set(ENV_CALLS)):
            return False
        if any(a.star for a in expr.args) or not expr.args:
            return False
        defaults = [a.value for a in expr.args[1:] if a.keyword is None]
        defaults += [a.value for a in expr.args if a.keyword is not None and a.keyword.value in ("default", "value")]
        for default in defaults:
            literal = self.resolver.literal(default)
            if literal is None or literal.value not in (None, ""):
                return False
        return True

    def _only_use(self, name: cst.Name) -> Optional[cst.BaseExpression]:
        """The value `name` is bound to, when that is its only binding and this is its only use."""
        scope = self.resolver.scope(name)
        if scope is None:
            return None
        assignments = [a for a in scope[name.value]]
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        if any(access.node is not name for access in assignments[0].references):
            return None  # tested, logged or passed elsewhere: it may be checked
        return self.resolver.bound_expression(name)

    def _inside_if_on(self, node: cst.CSTNode, expr: cst.BaseExpression) -> bool:
        variable = value_name(expr)
        current = self.resolver.parent(node)
        while current is not None:
            if isinstance(current, (cst.If, cst.While)):
                tested = _env_names(current.test)
                if variable in tested:
                    return True
            current = self.resolver.parent(current)
        return False


def _env_names(test: cst.BaseExpression) -> set:
    found = set()

    class _Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            name = value_name(node)
            if name:
                found.add(name)

    test.visit(_Visitor())
    return found
