from __future__ import annotations

from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import bind_arguments
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.ASYNC_REGION_IGNORED


class AsyncRegionIgnored(Rule):
    """`async_customerio.AsyncCustomerIO(..., region=Regions.EU)` without `host=`: it sends to the US host.

    ## What it does
    Finds `AsyncCustomerIO` clients of the third-party `async-customerio` package built with
    `region=Regions.EU` (its own `Regions`) and no `host=` (or `host=None`).

    ## Why is this bad?
    `AsyncCustomerIO` only type-checks `region`; its host is `host or "track.customer.io"`. With
    async-customerio 2.18.0 an EU client sends every Track call to the US host (observed with
    httpx's MockTransport, grounded in `tests/grounding/test_seeds_async.py`). Customer.io's Track
    API documentation says EU traffic sent to US endpoints is redirected but passes through US
    servers (data residency). `AsyncAPIClient` uses the region correctly.

    ## Example
    ```python
    client = AsyncCustomerIO(site_id, api_key, region=Regions.EU)
    ```

    ## Use instead
    ```python
    client = AsyncCustomerIO(site_id, api_key, region=Regions.EU, host="track-eu.customer.io")
    ```

    ## Fix safety
    Safe: `host=` gets the region's Track host (`track-eu.customer.io`), which is what the
    region was meant to select; a literal `host=None` is replaced.
    """

    CODE = "CIO405"
    NAME = "async-region-ignored"
    FIX = "safe"

    VALID = [
        Valid("from async_customerio import AsyncCustomerIO, Regions\n"
              "c = AsyncCustomerIO('s', 'k', region=Regions.EU, host='track-eu.customer.io')\n"),
        Valid("from async_customerio import AsyncCustomerIO, Regions\n"
              "c = AsyncCustomerIO('s', 'k', region=Regions.US)\n"),
        Valid("from async_customerio import AsyncAPIClient, Regions\nc = AsyncAPIClient('k', region=Regions.EU)\n"),
        Valid("from async_customerio import AsyncCustomerIO, Regions\n"
              "c = AsyncCustomerIO('s', 'k', settings.HOST, Regions.EU)\n"),
        # the official SDK honours region
        Valid("from customerio import CustomerIO, Regions\nc = CustomerIO('s', 'k', region=Regions.EU)\n"),
        # a look-alike
        Valid("from mylib import AsyncCustomerIO, Regions\nc = AsyncCustomerIO('s', 'k', region=Regions.EU)\n"),
    ]
    INVALID = [
        Invalid("""
            from async_customerio import AsyncCustomerIO, Regions
            client = AsyncCustomerIO(site_id, api_key, region=Regions.EU)
            """, fixed="""
            from async_customerio import AsyncCustomerIO, Regions
            client = AsyncCustomerIO(site_id, api_key, region=Regions.EU, host="track-eu.customer.io")
            """),
        Invalid("""
            import async_customerio
            client = async_customerio.AsyncCustomerIO('s', 'k', None, async_customerio.Regions.EU)
            """, fixed="""
            import async_customerio
            client = async_customerio.AsyncCustomerIO('s', 'k', "track-eu.customer.io", async_customerio.Regions.EU)
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        if not (self.resolver.qualified_names(node.func) & set(sdk.ASYNC_TRACK_QUALNAMES)):
            return
        args = bind_arguments(node, sdk.ASYNC_TRACK_PARAMS)
        if args.dynamic or sdk.REGION_PARAM not in args.params:
            return
        region = self._region(args.params[sdk.REGION_PARAM].value)
        if region is None or region.name == sdk.DEFAULT_REGION:
            return
        host = args.params.get("host")
        literal = self.resolver.literal(host.value) if host is not None else None
        if host is not None and (literal is None or literal.value is not None):
            return
        wanted = f'"{region.track_host}"'
        if host is None:
            last = node.args[-1]
            edit = self.context.replace_edit(last, self.context.module.code_for_node(
                last.with_changes(comma=cst.MaybeSentinel.DEFAULT)) + f", host={wanted}")
        elif literal.node is host.value:
            edit = self.replace(host.value, wanted)
        else:
            edit = None
        self.report(
            args.params[sdk.REGION_PARAM].value,
            f"async-customerio {sdk.ASYNC_RELEASE_OBSERVED} ignores region=: without host= it sends to "
            f"{_EFFECT.says} (US); pass host={wanted}",
            self.fix(edit),
        )

    def _region(self, expr: cst.BaseExpression) -> Optional[sdk.Region]:
        for name in self.resolver.qualified_names(expr):
            for prefix in sdk.ASYNC_REGIONS_QUALNAMES:
                for region in sdk.REGIONS.values():
                    if name == f"{prefix}.{region.attr}":
                        return region
        return None
