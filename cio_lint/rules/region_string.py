from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from cio_lint import sdk
from cio_lint.finding import Edit
from cio_lint.resolve.values import string_value
from cio_lint.rules.base import Invalid, Rule, Valid

_DISPLAYS = {cst.Dict: "a dict", cst.Tuple: "a tuple", cst.List: "a list", cst.Set: "a set"}


def _regions_import() -> Tuple[str, str]:
    """("customerio", "Regions"): where the SDK's Regions is imported from."""
    module, _, name = sdk.REGIONS_QUALNAMES[0].rpartition(".")
    return module, name


class RegionString(Rule):
    """`region=` is given something other than `Regions.US` / `Regions.EU`, such as the string `"eu"`.

    ## What it does
    Checks the `region` argument of `CustomerIO` and `APIClient` (by keyword or by position:
    the 4th parameter of `CustomerIO`, the 3rd of `APIClient`) when it is a string, `None`, a
    number, a dict, tuple or list display, an environment lookup (always a string or `None`),
    or a name whose only binding is one of these.

    ## Why is this bad?
    From release 1.1 on both clients check `isinstance(region, Region)` when they are built and
    raise `CustomerIOException("invalid region provided")` for anything else, even a tuple with
    the right hosts: the client is never created and nothing is sent. Releases before 1.1 have
    no `region` parameter at all, so the keyword is a `TypeError` there. (`sdk.REGION_RAISES`;
    observed: `tests/grounding/test_region.py::test_region_not_a_region_object_raises_at_
    construction`, and `test_datetimes.py::test_region_keyword_is_a_type_error_before_1_1`.)

    ## Example
    ```python
    cio = CustomerIO(site_id, api_key, region="eu")
    ```

    ## Use instead
    ```python
    from customerio import Regions

    cio = CustomerIO(site_id, api_key, region=Regions.EU)
    ```

    ## Fix safety
    Safe for the strings `"us"` and `"eu"` (any case) written at the call: they become
    `Regions.US` / `Regions.EU` (or `customerio.Regions.EU` where the module is imported as
    `customerio`), and `Regions` is imported when needed (added to an existing
    `from customerio import ...` line, else on a line of its own). The code could
    only raise before, so no working behaviour changes. Other values get no fix.
    """

    CODE = "CIO402"
    NAME = "region-string"
    FIX = "safe"

    VALID = [
        Valid("from customerio import CustomerIO, Regions\ncio = CustomerIO('s', 'k', region=Regions.EU)\n"),
        Valid("import customerio\napi = customerio.APIClient('k', region=customerio.Regions.US)\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region=settings.CIO_REGION)\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"),
        # the 4th positional of CustomerIO is port before 1.1
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', 'localhost', 8443)\n",
              sdk_version="==1.0"),
        # a default that is a Region when the variable is unset: cannot tell
        Valid("import os\nfrom customerio import APIClient, Regions\n"
              "api = APIClient('k', region=os.environ.get('CIO_REGION', Regions.US))\n"),
        # not the SDK
        Valid("import customerio\nfrom myapp import CustomerIO\ncio = CustomerIO('s', 'k', region='eu')\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region='eu')\n",
                fixed="from customerio import CustomerIO, Regions\n"
                      "cio = CustomerIO('s', 'k', region=Regions.EU)\n"),
        # an import in parentheses is left as it is: the fix adds its own line
        Invalid("from customerio import (CustomerIO)\ncio = CustomerIO('s', 'k', region='eu')\n",
                fixed="from customerio import (CustomerIO)\nfrom customerio import Regions\n"
                      "cio = CustomerIO('s', 'k', region=Regions.EU)\n"),
        Invalid("from customerio import CustomerIO, Regions\ncio = CustomerIO('s', 'k', None, \"US\")\n",
                fixed="from customerio import CustomerIO, Regions\ncio = CustomerIO('s', 'k', None, Regions.US)\n"),
        Invalid("import customerio\napi = customerio.APIClient('k', None, 'eu')\n",
                fixed="import customerio\napi = customerio.APIClient('k', None, customerio.Regions.EU)\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region=None)\n"),
        Invalid("from customerio import APIClient\n"
                "REGION = ('eu', 'track-eu.customer.io', 'api-eu.customer.io')\n"
                "api = APIClient('k', region=REGION)\n", line=3),
        Invalid("import os\nfrom customerio import CustomerIO\n"
                "cio = CustomerIO('s', 'k', region=os.getenv('CIO_REGION', 'us'))\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region={'name': 'eu'})\n"),
        # releases before 1.1 have no region parameter: TypeError, and no Regions to fix it with
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region='eu')\n",
                sdk_version="<1.1"),
    ]  # fmt: skip

    _imports: Optional["_Imports"] = None  # the file's `import` aliases, on first use

    def visit_Call(self, node: cst.Call) -> None:
        for call in self.sdk_calls(node):  # the call itself, or what a project wrapper passes on
            self._check_call(call)

    def _check_call(self, call) -> None:
        # a project subclass with its own __init__ may convert the value: sdk_signature only
        if not call.constructs(sdk.TRACK, sdk.APP, sdk_signature=True):
            return
        expr = call.arg(sdk.REGION_PARAM)
        if expr is None and sdk.REGION_PARAM in call.args.extra_keywords:
            expr = call.args.extra_keywords[sdk.REGION_PARAM].value  # a release without region=
        if expr is None:
            return
        what = self._not_a_region(expr)
        if what is None:
            return
        cls = call.target.sdk_class
        self.report(expr, self._message(cls.name, what, expr), self._fix(expr), help=self._help(cls.name))

    # -- what the value is ---------------------------------------------------------------------

    def _not_a_region(self, expr: cst.BaseExpression) -> Optional[str]:
        """How to describe the value when it provably is not a Region, else None."""
        literal = self.resolver.literal(expr)
        if literal is not None:
            if literal.value is None:
                return "None"
            if isinstance(literal.value, str):
                return f"the string {literal.value!r}"
            return f"{type(literal.value).__name__} {literal.value!r}"
        bound = self.resolver.bound_expression(expr)
        if isinstance(bound, (cst.FormattedString, cst.SimpleString, cst.ConcatenatedString)):
            return "a string"
        for display, name in _DISPLAYS.items():
            if isinstance(bound, display):
                return name
        known = string_value(self.resolver, expr)  # environment, config files, str(), ...
        if known is not None:
            return known.describe()
        return None

    def _region_named(self, expr: cst.BaseExpression) -> Optional[sdk.Region]:
        literal = self.resolver.literal(expr)
        if literal is not None and isinstance(literal.value, str):
            return sdk.REGIONS.get(literal.value.strip().lower())
        return None

    # -- message -------------------------------------------------------------------------------

    def _message(self, cls: str, what: str, expr: cst.BaseExpression) -> str:
        version = self.context.sdk_version
        checks = version.may_run(since=sdk.REGIONS_SINCE)
        lacks = version.may_run(until=sdk.REGIONS_SINCE)
        region = self._region_named(expr)
        _module, name = _regions_import()
        value = f"{name}.{region.attr}" if region is not None else f"{name}.*"
        if not checks:
            return (f"region= is {what}: before {sdk.REGIONS_SINCE} {cls} has no region parameter "
                    f"(TypeError); drop it or require >={sdk.REGIONS_SINCE}")
        before = f" (TypeError before {sdk.REGIONS_SINCE})" if lacks else ""
        return f"region= is {what}: {cls}() raises {sdk.REGION_RAISES.says()}{before}; use {value}"

    def _help(self, cls: str) -> str:
        module, name = _regions_import()
        return (f"{cls} checks isinstance(region, Region) when it is built (releases >= {sdk.REGIONS_SINCE}) "
                f"and raises {sdk.REGION_RAISES.says()} for anything else (a string, None, a dict, a plain "
                f"tuple): the client never exists and nothing is sent (observed: tests/grounding/"
                f"test_region.py::test_region_not_a_region_object_raises_at_construction). Releases before "
                f"{sdk.REGIONS_SINCE} have no region parameter at all. Use {module}.{name}.US or .EU.")

    # -- fix -----------------------------------------------------------------------------------

    def _fix(self, expr: cst.BaseExpression):
        if not self.context.sdk_version.may_run(since=sdk.REGIONS_SINCE):
            return None  # no Regions to fix it with
        region = self._region_named(expr)
        literal = self.resolver.literal(expr)
        if region is None or literal is None or literal.node is not expr:
            return None  # only a literal written at the call: a shared constant may be used elsewhere
        found = self._regions_reference(expr)
        if found is None:
            return None
        reference, import_edit = found
        return self.fix(self.replace(expr, f"{reference}.{region.attr}"), import_edit)

    def _regions_reference(self, at: cst.CSTNode) -> Optional[Tuple[str, Optional[Edit]]]:
        """How to spell the SDK's Regions at `at`, and the import to add for it (if any)."""
        scope = self.resolver.scope(at)
        if scope is None:
            return None
        module, name = _regions_import()
        if name in scope:
            if {q.name for q in scope.get_qualified_names_for(name)} <= set(sdk.REGIONS_QUALNAMES):
                return name, None
            return None  # `Regions` is something else here
        for alias in self._module_aliases(module):
            if alias in scope and {q.name for q in scope.get_qualified_names_for(alias)} == {module}:
                return f"{alias}.{name}", None
        edit = self.context.import_edit(module, name)
        return (name, edit) if edit is not None else None

    def _module_aliases(self, module: str) -> List[str]:
        """Names `import customerio [as x]` binds anywhere in the file (found by one walk of
        the file, not one per finding)."""
        if self._imports is None:
            self._imports = _Imports()
            self.context.module.visit(self._imports)
        return self._imports.aliases.get(module, [])


class _Imports(cst.CSTVisitor):
    """module -> the names `import module [as name]` binds, for top-level module names."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases: Dict[str, List[str]] = {}

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if isinstance(alias.name, cst.Name):
                bound = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(bound, cst.Name):
                    self.aliases.setdefault(alias.name.value, []).append(bound.value)
