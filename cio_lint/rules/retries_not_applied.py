from __future__ import annotations

import libcst as cst

from cio_lint import sdk
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.RETRIES_NOT_APPLIED
_SINCE = sdk.RETRY_EVERY_METHOD_SINCE


class RetriesNotApplied(Rule):
    """`retries=N` on a release before 3.0, where POST calls and error statuses are never retried.

    ## What it does
    Reports a non-zero literal `retries=` passed to `CustomerIO` or `APIClient` when the project
    may run a `customerio` release before 3.0.0 (a pin or range that admits one; unknown
    versions are judged as the newest release, which retries, so they stay silent).

    ## Why is this bad?
    Before 3.0.0 the retry policy uses urllib3's defaults: POST requests (`track`,
    `track_anonymous`, `pageview`, `backfill`, `merge_customers`, `suppress`, `unsuppress` and
    every `APIClient.send_*`) are never retried, and no status code is (a 500 or 503 fails on
    the first answer). The exception still says "Failed to receive valid response after N
    retries", so logs suggest retries that never happened (observed on customerio 2.4: one
    request reached the server; grounded in `tests/grounding/test_seeds_retries.py`). From
    3.0.0, 500/502/503/504 are retried for every method.

    Off by default: whether it matters depends on how the project treats failures.

    ## Example
    ```python
    cio = CustomerIO(site_id, api_key, retries=5)  # customerio==2.4
    ```

    ## Use instead
    ```python
    # upgrade to customerio>=3, or retry failed sends in your own queue
    cio = CustomerIO(site_id, api_key, retries=5)  # customerio>=3
    ```

    ## Fix safety
    No fix.
    """

    CODE = "CIO607"
    NAME = "retries-not-applied"
    DEFAULT_ENABLED = False
    ON = {"extend-select": ["CIO607"]}  # off by default: every example selects it

    VALID = [
        Valid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', retries=5)\n", config=ON,
              sdk_version=">=3"),
        # an unknown version is judged as the newest release
        Valid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', retries=5)\n", config=ON),
        Valid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', retries=0)\n", config=ON,
              sdk_version="==2.4"),
        Valid("from customerio import APIClient\nc = APIClient('k')\n", config=ON, sdk_version="==2.4"),
        Valid("from mylib import APIClient\nc = APIClient('k', retries=3)\n", config=ON, sdk_version="==2.4"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', retries=5)\n", config=ON,
                sdk_version="==2.4"),
        Invalid("from customerio import APIClient\nc = APIClient('k', retries=3)\n", config=ON,
                sdk_version=">=2,<4"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.TRACK, sdk.APP, sdk_signature=True):
            return
        version = self.context.sdk_version
        if not version.may_run(until=_SINCE):
            return
        expr = call.arg("retries")
        literal = self.resolver.literal(expr) if expr is not None else None
        if literal is None or not isinstance(literal.value, int) or isinstance(literal.value, bool) \
                or literal.value <= 0:  # fmt: skip
            return
        cls = call.target.sdk_class
        which = "send_*" if cls.role == sdk.APP else "POST calls"
        says = _EFFECT.says.format(retries=literal.value)
        self.report(
            expr,
            f"retries={literal.value}: {which} and error statuses get one try before customerio {_SINCE} "
            f"({version.constraint}), despite \"{says}\"; upgrade or retry yourself",
        )
