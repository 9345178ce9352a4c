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
    The request goes to the other region's host: a client built without `region=` talks to
    `track.customer.io` / `api.customer.io`, and `host=`/`url=` wins over `region=` in every
    release (observed: `tests/grounding/test_region.py::test_default_region_clients_talk_to_us_hosts`,
    `test_host_and_url_win_over_region`; `sdk.REGIONS`), with the workspace's credentials
    (`test_wrong_region_client_sends_the_workspace_credentials_there`). What the server then
    does is documented only for the Track API (https://docs.customer.io/api/track/, "Server
    addresses", and the SDK's README): traffic of an EU account sent to the US endpoints is
    redirected to the EU, but passes through US servers and may be logged in the US, a
    data-residency problem (`sdk.TRACK_EU_DATA_VIA_US`); a US account's requests to the EU
    endpoints fail (`sdk.TRACK_US_DATA_VIA_EU`). For the App API and Data Pipelines the docs
    only say to use the region's host (a 401 is reported by users, not documented), so the
    message claims no more than where the data goes.

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
    #: on a host= that names the other region, this finding says all CIO403 would (region= ignored)
    SUPERSEDES = ("CIO403",)

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
            ignored = call.arg(sdk.REGION_PARAM) is not None
            self._check_host(host_expr, wanted, f"{cls.host_param}=", cls.role, cls.name, ignored)
            return
        region_expr = call.arg(sdk.REGION_PARAM)
        if region_expr is None:
            if call.args.dynamic:
                return
            actual = sdk.REGIONS[sdk.DEFAULT_REGION]
            target = node
        else:
            actual = self._region_of(region_expr)
            target = region_expr
        if actual is None or actual == wanted:
            return
        host = actual.track_host if cls.role == sdk.TRACK else actual.api_host
        how = "without region=" if region_expr is None else f"with region=Regions.{actual.attr}"
        fix = f"pass region=Regions.{wanted.attr}"
        self.report(target, region_message(cls.name, host, cls.role, actual, wanted, fix),
                    help=region_help(cls.name, how, host, cls.role, actual, wanted,
                                     self.context.settings.origin("region")))

    def visit_Assign(self, node: cst.Assign) -> None:
        wanted = self._configured()
        if wanted is None:
            return
        for target in node.targets:
            attr = target.target
            if isinstance(attr, cst.Attribute) and attr.attr.value == "host":
                owner = self.resolver.value(attr.value)
                if owner is not None and owner.kind == MODULE and owner.module == sdk.CDP_MODULE:
                    self._check_host(node.value, wanted, "analytics.host=", CDP, "analytics")

    def _configured(self) -> Optional[sdk.Region]:
        region = self.context.settings.region
        return sdk.REGIONS[region] if region else None

    def _region_of(self, expr: cst.BaseExpression) -> Optional[sdk.Region]:
        for name in self.resolver.sdk_names(expr):
            region = sdk.region_of_qualname(name)
            if region is not None:
                return region
        return None

    def _check_host(self, expr: cst.BaseExpression, wanted: sdk.Region, how: str, role: str, who: str,
                    region_ignored: bool = False) -> None:  # fmt: skip
        literal = self.resolver.literal(expr)
        if literal is None or not isinstance(literal.value, str):
            return
        actual = sdk.region_of_host(literal.value)
        if actual is None or actual == wanted:
            return
        right = {sdk.TRACK: wanted.track_host, sdk.APP: f"https://{wanted.api_host}", CDP: wanted.cdp_host}[role]
        fix = f"drop {how} (region= is ignored while it is set)" if region_ignored else f"use {right}"
        self.report(expr, region_message(f"{how}{literal.value!r}", None, role, actual, wanted, fix),
                    help=region_help(who, f"with {how}{literal.value!r}", literal.value, role, actual, wanted,
                                     self.context.settings.origin("region")))


CDP = "cdp"  # the role of customerio.analytics' host setting in these messages


def region_effect(role: str, actual: sdk.Region, wanted: sdk.Region) -> str:
    """What Customer.io documents for `role`'s data sent to `actual` in a `wanted` workspace
    (sdk.py OBSERVED, Documented records); "" where nothing is documented."""
    if role != sdk.TRACK:
        return sdk.OTHER_APIS_REGION.says
    if wanted.name == "eu":
        return sdk.TRACK_EU_DATA_VIA_US.says
    return sdk.TRACK_US_DATA_VIA_EU.says


def region_message(who: str, host: Optional[str], role: str, actual: sdk.Region, wanted: sdk.Region,
                   fix: str) -> str:  # fmt: skip
    """One breath: where it sends, the documented effect (if any), the fix."""
    region = actual.name.upper()
    where = f"{who} sends to the {region} host {host}" if host else f"{who} is a {region} host"
    effect = region_effect(role, actual, wanted)
    middle = f": {effect}" if effect else f", but the workspace is {wanted.name.upper()}"
    return f"{where}{middle}; {fix}"


def region_help(who: str, how: str, host: str, role: str, actual: sdk.Region, wanted: sdk.Region,
                origin: str = "[tool.cio-lint] region") -> str:
    source = (sdk.TRACK_EU_DATA_VIA_US if wanted.name == "eu" else sdk.TRACK_US_DATA_VIA_EU).source \
        if role == sdk.TRACK else sdk.OTHER_APIS_REGION.source
    return (f"{who} is built {how}, so its requests and the workspace's credentials go to {host}, "
            f"a host of the {actual.name.upper()} region, while the workspace "
            f"is in the {wanted.name.upper()} region ({origin}). "
            + (("Customer.io documents that traffic of an EU account sent to the US endpoints is "
                "redirected but passes through US servers and may be logged in the US"
                if wanted.name == "eu" else
                "Customer.io documents that a US account's requests to the EU endpoints fail")
               + f" (source: {source})."
               if role == sdk.TRACK else
               f"Customer.io's docs say to use the region's host ({source}); what the other region's "
               f"server answers is not documented, so cio-lint claims no more than where the data goes."))
