from __future__ import annotations

import libcst as cst

from cio_lint import sdk
from cio_lint.rules._credentials import APP, credential_kind
from cio_lint.rules.base import Invalid, Rule, Valid


class AppKeyInTrackClient(Rule):
    """`CustomerIO` is given an App API key, or only one of its two credentials.

    ## What it does
    Checks how the Track client is built: a `site_id` or `api_key` whose name says it is an
    App API key, or a client built with fewer than its two credentials.

    ## Why is this bad?
    `CustomerIO(site_id, api_key)` authenticates with HTTP Basic auth `site_id:api_key`. An
    App API key is refused by the Track API with 401. With only one credential the other is
    `None`: the SDK sends `Basic <site_id>:None`, and every call is refused with 401.

    ## Example
    ```python
    cio = CustomerIO(settings.CIO_APP_API_KEY)
    ```

    ## Use instead
    ```python
    cio = CustomerIO(settings.CIO_SITE_ID, settings.CIO_TRACK_API_KEY, region=Regions.EU)
    ```

    ## Fix safety
    No fix: the missing credential is a secret only the author has.
    """

    CODE = "CIO302"
    NAME = "app-key-in-track-client"

    VALID = [
        Valid("from customerio import CustomerIO\ncio = CustomerIO(SITE_ID, TRACK_API_KEY)\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO(site_id=s, api_key=k)\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO(**credentials)\n"),
        # a local class that happens to be called CustomerIO
        Valid("import customerio\nclass CustomerIO:\n    pass\ncio = CustomerIO('only-one')\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\ncio = CustomerIO(APP_API_KEY)\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO(site_id, api_key=settings.CIO_APP_KEY)\n"),
        Invalid("import customerio\ncio = customerio.CustomerIO(api_key='k')\n"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.TRACK):
            return
        given = call.credentials()
        if given is None:
            return  # a project subclass that takes its credentials some other way
        credentials = call.target.sdk_class.credentials
        for param, value in given:
            found = credential_kind(value, self.resolver)
            if found and found[0] == APP:
                self.report(
                    value,
                    f"{found[1]} looks like an App API key, but CustomerIO authenticates to the "
                    f"Track API with Basic auth site_id:api_key, which refuses App API keys with "
                    f"401; pass the workspace's site id and Track API key",
                )
                return
        missing = [p for p in credentials if p not in {param for param, _ in given}]
        if missing and not call.args.dynamic:
            self.report(
                node,
                f"CustomerIO is built without {' and '.join(missing)}: the SDK sends Basic auth "
                f"with None in its place and the Track API refuses every call with 401; pass "
                f"both the site id and the Track API key",
            )
