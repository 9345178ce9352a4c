from __future__ import annotations

import difflib
from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import MODULE
from cio_lint.rules.base import Invalid, Rule, Valid


def _default_host() -> str:
    by_region: dict = {}
    for prefix, region in sdk.CDP_KEY_PREFIXES.items():
        by_region.setdefault(region, []).append(prefix)
    others = [
        f"{sdk.REGIONS[region].cdp_host} for {'/'.join(prefixes)} keys"
        for region, prefixes in by_region.items()
        if region != sdk.DEFAULT_REGION
    ]
    default = sdk.REGIONS[sdk.DEFAULT_REGION].cdp_host
    return f"{default}, or {', '.join(others)}" if others else default


class CdpUnknownSetting(Rule):
    """`customerio.analytics.<name> = ...` sets a name the CDP library never reads, such as `endpoint` for `host`.

    ## What it does
    Checks assignments to attributes of the `customerio.analytics` module (from
    `customerio-cdp-analytics`) whose name is neither one of its settings (`write_key`, `host`,
    `sync_mode`, `send`, `debug`, `on_error`, `gzip`, `timeout`, `max_retries`,
    `max_queue_size`) nor something the module has (`track`, `default_client`, `Client`...).
    Segment's `analytics` and other look-alikes are not checked.

    ## Why is this bad?
    The module builds its client from its own settings the first time it sends; any other
    attribute is stored on the module and never read. `analytics.endpoint = url` leaves `host`
    unset, so the data goes to the default host (`https://cdp.customer.io`, or
    `https://cdp-eu.customer.io` for `pk_eu_`/`sk_eu_` keys), not to the URL that was meant.
    (Observed: `tests/grounding/test_cdp.py::test_cdp_endpoint_setting_is_never_read`.)

    ## Example
    ```python
    from customerio import analytics

    analytics.endpoint = "https://cdp-eu.customer.io"
    ```

    ## Use instead
    ```python
    analytics.host = "https://cdp-eu.customer.io"
    ```

    ## Fix safety
    No fix: the nearest setting is a guess, and a rename starts sending to where the value
    points.
    """

    CODE = "CIO404"
    NAME = "cdp-unknown-setting"

    VALID = [
        Valid("from customerio import analytics\n"
              "analytics.write_key = key\n"
              "analytics.host = 'https://cdp-eu.customer.io'\n"),
        Valid("from customerio import analytics\nanalytics.sync_mode = True\nanalytics.on_error = print\n"),
        # replacing a function (tests) or the client is real
        Valid("from customerio import analytics\nanalytics.track = fake_track\nanalytics.default_client = None\n"),
        # Segment's analytics has other settings
        Valid("import analytics\nimport customerio\nanalytics.endpoint = 'https://api.segment.io'\n"),
        # an object of the project called analytics
        Valid("import customerio\nanalytics = Settings()\nanalytics.endpoint = 'x'\n"),
        # private names: monkeypatching, not configuration
        Valid("from customerio import analytics\nanalytics._proxy = fake\n"),
    ]
    INVALID = [
        Invalid("from customerio import analytics\nanalytics.endpoint = 'https://cdp-eu.customer.io'\n"),
        Invalid("import customerio.analytics as cdp\ncdp.writeKey = key\ncdp.sync = True\n", count=2),
        Invalid("import customerio.analytics\ncustomerio.analytics.max_retry = 3\n"),
    ]  # fmt: skip

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._check(node.target)

    def _check(self, target: cst.BaseExpression) -> None:
        if not isinstance(target, cst.Attribute):
            return
        name = target.attr.value
        if name.startswith("_") or name in sdk.CDP_SETTINGS or name in sdk.CDP_MODULE_NAMES:
            return
        owner = self.resolver.value(target.value)
        if owner is None or owner.kind != MODULE or owner.module != sdk.CDP_MODULE:
            return
        nearest = self._nearest(name)
        if nearest == sdk.CDP_HOST_SETTING:
            effect = "data goes to the default host"
        elif nearest is not None:
            effect = f"{nearest} keeps its default"
        else:
            effect = "the assignment has no effect"
        advice = f"set analytics.{nearest}" if nearest else "use one of its settings"
        self.report(
            target,
            f"analytics never reads {name!r}: {effect}; {advice}",
            help=(f"{sdk.CDP_MODULE} reads only its own module settings ({', '.join(sdk.CDP_SETTINGS)}) when "
                  f"it builds its default client (observed: tests/grounding/test_cdp.py::"
                  f"test_cdp_endpoint_setting_is_never_read)."
                  + (f" With host unset, data goes to the default host ({_default_host()})."
                     if nearest == sdk.CDP_HOST_SETTING else "")),
        )

    @staticmethod
    def _nearest(name: str) -> Optional[str]:
        lowered = name.lower().replace("-", "_")
        by_key = {s.lower().replace("_", ""): s for s in sdk.CDP_SETTINGS}
        if lowered.replace("_", "") in by_key:  # writeKey -> write_key
            return by_key[lowered.replace("_", "")]
        close = difflib.get_close_matches(lowered, sdk.CDP_SETTINGS, n=1, cutoff=0.6)
        if close:
            return close[0]
        return sdk.CDP_HOST_SETTING if lowered in _HOST_WORDS else None


#: Names people give the host setting that difflib cannot see as close to "host".
_HOST_WORDS = ("endpoint", "url", "base_url", "api_url", "api_host", "server", "uri", "domain", "region")
