from __future__ import annotations

from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.rules.base import Invalid, Rule, Valid


class HostRegionConflict(Rule):
    """`host=` / `url=` names one region's host while `region=` names the other region.

    ## What it does
    Checks `CustomerIO(..., host=..., region=...)` and `APIClient(..., url=..., region=...)`
    where the host is a string literal (or a name bound once to one) that is a Customer.io host
    of one region, and `region` is `Regions.US` or `Regions.EU` of the other.

    ## Why is this bad?
    The clients use `host` / `url` whenever it is given (observed:
    `tests/grounding/test_region.py::test_host_and_url_win_over_region`) (`self.host = host or
    region.track_host`, `self.url = url or "https://" + region.api_host`) in every release, and
    never look at `region` again. The data goes to the host's region, and the `region=` that
    reads like the workspace's is ignored. Customer.io keeps each workspace in one region, so
    one of the two is wrong, and the code reads as if the other were in force.

    ## Example
    ```python
    cio = CustomerIO(site_id, api_key, host="track.customer.io", region=Regions.EU)
    ```

    ## Use instead
    ```python
    cio = CustomerIO(site_id, api_key, region=Regions.EU)
    ```

    ## Fix safety
    No fix: only the author knows which of the two names the workspace's region.
    """

    CODE = "CIO403"
    NAME = "host-region-conflict"

    VALID = [
        Valid("from customerio import CustomerIO, Regions\n"
              "cio = CustomerIO('s', 'k', host='track-eu.customer.io', region=Regions.EU)\n"),
        Valid("from customerio import CustomerIO, Regions\ncio = CustomerIO('s', 'k', region=Regions.EU)\n"),
        Valid("from customerio import CustomerIO, Regions\n"
              "cio = CustomerIO('s', 'k', host='localhost', region=Regions.EU)\n"),
        Valid("from customerio import APIClient, Regions\n"
              "api = APIClient('k', url=settings.CIO_URL, region=Regions.EU)\n"),
        Valid("from customerio import APIClient\napi = APIClient('k', url='https://api.customer.io', region=REGION)\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO, Regions\n"
                "cio = CustomerIO('s', 'k', host='track.customer.io', region=Regions.EU)\n"),
        Invalid("import customerio\n"
                "api = customerio.APIClient('k', 'https://api-eu.customer.io', customerio.Regions.US)\n"),
        Invalid("from customerio import CustomerIO\nfrom customerio.regions import Regions\n"
                "HOST = 'https://track.customer.io'\n"
                "cio = CustomerIO('s', 'k', HOST, Regions.EU)\n", line=4),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.TRACK, sdk.APP, sdk_signature=True):
            return
        cls = call.target.sdk_class
        host_expr, region_expr = call.arg(cls.host_param), call.arg(sdk.REGION_PARAM)
        if host_expr is None or region_expr is None:
            return
        literal = self.resolver.literal(host_expr)
        if literal is None or not isinstance(literal.value, str):
            return
        host_region = sdk.region_of_host(literal.value)
        region = self._region_of(region_expr)
        if host_region is None or region is None or host_region == region:
            return
        self.report(
            host_expr,
            f"{cls.host_param}={literal.value!r} wins over region=Regions.{region.attr}: data goes to the "
            f"{host_region.name.upper()} host; drop {cls.host_param}= or make both agree",
            help=(f"{cls.name} uses {cls.host_param}= whenever it is given (every release; observed in "
                  f"tests/grounding/test_region.py::test_host_and_url_win_over_region), so the data goes to "
                  f"{literal.value} and region=Regions.{region.attr} is ignored. Drop {cls.host_param}= to let "
                  f"region= pick {region.track_host if cls.role == sdk.TRACK else 'https://' + region.api_host}, "
                  f"or make both name the workspace's region. With [tool.cio-lint] region set, CIO401 reports "
                  f"this host instead."),
        )

    def _region_of(self, expr: cst.BaseExpression) -> Optional[sdk.Region]:
        for candidate in (expr, self.resolver.bound_expression(expr)):
            for name in self.resolver.sdk_names(candidate):
                region = sdk.region_of_qualname(name)
                if region is not None:
                    return region
        return None
