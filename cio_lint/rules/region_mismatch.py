from __future__ import annotations

from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import MODULE
from cio_lint.rules.base import Invalid, Rule, Valid


class RegionMismatch(Rule):
    """A client or host points at the other region than the workspace's configured one.

    ## What it does
    When `[tool.cio-lint] region` names the workspace's region, checks every Track client,
    App API client and CDP host setting: an explicit `region=` of the other region, a
    `host=`/`url=` naming the other region's host, or no region at all (which is US) in an
    EU workspace. Silent when no region is configured.

    ## Why is this bad?
    Customer.io keeps each workspace in one region. A client built without `region=` talks to
    `track.customer.io` / `api.customer.io`; an EU workspace's credentials are refused there
    with 401, so every call fails.

    ## Example
    ```python
    # pyproject.toml: [tool.cio-lint] region = "eu"
    cio = CustomerIO(site_id, api_key)
    ```

    ## Use instead
    ```python
    cio = CustomerIO(site_id, api_key, region=Regions.EU)
    ```

    ## Fix safety
    No fix yet.
    """

    CODE = "CIO401"
    NAME = "region-mismatch"

    EU = {"region": "eu"}
    VALID = [
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"),  # no region configured
        Valid("from customerio import CustomerIO, Regions\ncio = CustomerIO('s', 'k', region=Regions.EU)\n", config=EU),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', host='localhost')\n", config=EU),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n", config={"region": "us"}),
        Valid("from customerio import APIClient\napi = APIClient('k', region=settings.REGION)\n", config=EU),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n", config=EU),
        Invalid("import customerio\napi = customerio.APIClient('k', region=customerio.Regions.US)\n", config=EU),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k', host='track.customer.io')\n", config=EU),
        Invalid("from customerio import CustomerIO, Regions\ncio = CustomerIO('s', 'k', region=Regions.EU)\n",
                config={"region": "us"}),
        Invalid("from customerio import analytics\nanalytics.host = 'https://cdp.customer.io'\n", config=EU),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        wanted = self._configured()
        call = self.resolver.sdk_call(node) if wanted else None
        if call is None or not call.constructs(sdk.TRACK, sdk.APP, sdk_signature=True):
            return
        cls = call.target.sdk_class
        host_expr = call.arg(cls.host_param)
        if host_expr is not None:
            # host=/url= wins over region in every release: judge the host alone
            self._check_host(host_expr, wanted, f"{cls.host_param}=")
            return
        region_expr = call.arg("region")
        if region_expr is None:
            if call.args.dynamic:
                return
            actual = sdk.REGIONS[sdk.DEFAULT_REGION]
            how = "without region= (the default is Regions.US)"
            target = node
        else:
            actual = self._region_of(region_expr)
            how = f"with region=Regions.{actual.attr}" if actual else ""
            target = region_expr
        if actual is None or actual == wanted:
            return
        host = actual.track_host if cls.role == sdk.TRACK else actual.api_host
        self.report(
            target,
            f"{cls.name} is built {how}, so it sends to {host}, but the workspace is in the "
            f"{wanted.name.upper()} region ({self.context.settings.origin('region')}): its credentials are refused "
            f"there with 401; pass region=Regions.{wanted.attr}",
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        wanted = self._configured()
        if wanted is None:
            return
        for target in node.targets:
            attr = target.target
            if isinstance(attr, cst.Attribute) and attr.attr.value == "host":
                owner = self.resolver.value(attr.value)
                if owner is not None and owner.kind == MODULE and owner.module == sdk.CDP_MODULE:
                    self._check_host(node.value, wanted, "analytics.host =")

    def _configured(self) -> Optional[sdk.Region]:
        region = self.context.settings.region
        return sdk.REGIONS[region] if region else None

    def _region_of(self, expr: cst.BaseExpression) -> Optional[sdk.Region]:
        for name in self.resolver.sdk_names(expr):
            region = sdk.region_of_qualname(name)
            if region is not None:
                return region
        return None

    def _check_host(self, expr: cst.BaseExpression, wanted: sdk.Region, how: str) -> None:
        literal = self.resolver.literal(expr)
        if literal is None or not isinstance(literal.value, str):
            return
        actual = sdk.region_of_host(literal.value)
        if actual is not None and actual != wanted:
            self.report(
                expr,
                f"{how}{literal.value!r} is a {actual.name.upper()} host, but the workspace is in "
                f"the {wanted.name.upper()} region ({self.context.settings.origin('region')}): its credentials are "
                f"refused there with 401; use the {wanted.name.upper()} host or region",
            )
