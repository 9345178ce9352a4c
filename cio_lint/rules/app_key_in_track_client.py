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
    `CustomerIO(site_id, api_key)` authenticates with HTTP Basic auth `site_id:api_key`
    (`sdk.TRACK_AUTH_SCHEME`; observed: `tests/grounding/test_credentials.py::
    test_track_client_sends_an_app_key_as_basic_password`). The Track API takes the
    workspace's site id and Track API key (https://docs.customer.io/api/track/), not an App
    API key. With only one credential the other is `None`: the SDK sends `Basic
    <site_id>:None` (`sdk.MISSING_CREDENTIAL_SENT_AS`;
    `test_track_client_with_one_credential_sends_basic_key_colon_none`). What the server
    answers is not observable offline, so the message states only what is sent.

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
                    f"{found[1]} looks like an App API key: CustomerIO sends it in {sdk.TRACK_AUTH_SCHEME} "
                    f"auth to the Track API; pass the Track API key",
                    help=(f"CustomerIO authenticates with {sdk.TRACK_AUTH_SCHEME} auth site_id:api_key (observed: "
                          "tests/grounding/test_credentials.py::test_track_client_sends_an_app_key_as_basic_"
                          "password); Customer.io's Track API takes the workspace's site id and Track API key "
                          "(https://docs.customer.io/api/track/), not an App API key."),
                )
                return
        missing = [p for p in credentials if p not in {param for param, _ in given}]
        if missing and not call.args.dynamic:
            self.report(
                node,
                f"CustomerIO is built without {' and '.join(missing)}: every call sends "
                f"{sdk.MISSING_CREDENTIAL_SENT_AS!r} in its place; pass the site id and Track API key",
                help=(f"The SDK builds the client anyway and sends {sdk.TRACK_AUTH_SCHEME} auth with the text "
                      f"{sdk.MISSING_CREDENTIAL_SENT_AS!r} for the missing credential (observed: tests/grounding/"
                      "test_credentials.py::test_track_client_with_one_credential_sends_basic_key_colon_none); "
                      "the Track API needs both the site id and the Track API key."),
            )
