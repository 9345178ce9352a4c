from __future__ import annotations

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import value_name
from cio_lint.rules._credentials import TRACK, credential_kind
from cio_lint.rules.base import Invalid, Rule, Valid


class TrackKeyInAppClient(Rule):
    """`APIClient` is given a Track credential, or a second credential in place of its `url`.

    ## What it does
    Checks how the App API client is built: a key whose name says it is a Track credential
    (site id, Track API key), or two positional arguments as if `APIClient` took a site id and
    a key like `CustomerIO` does.

    ## Why is this bad?
    `APIClient(key, url=None, region=Regions.US, ...)` takes one credential, the App API key,
    and sends it as `Authorization: Bearer <key>` (`sdk.APP_AUTH_SCHEME`; observed:
    `tests/grounding/test_credentials.py::test_app_client_sends_a_track_key_as_bearer`). The
    App API authenticates with App API keys (https://docs.customer.io/api/app/), not a Track
    site id or API key; the server's answer is not observable offline, so the message states
    only what is sent. A second positional argument is the `url` parameter in every
    release: the key becomes the base URL, and every send fails with `CustomerIOException`
    ("Invalid URL ... No scheme supplied"; `sdk.TRANSPORT_RAISES`, `sdk.BAD_URL_TEXT`,
    `test_app_client_second_positional_is_the_url`).

    ## Example
    ```python
    api = APIClient(settings.CIO_SITE_ID, settings.CIO_API_KEY)
    ```

    ## Use instead
    ```python
    api = APIClient(settings.CIO_APP_API_KEY, region=Regions.EU)
    ```

    ## Fix safety
    No fix: the App API key is a different secret.
    """

    CODE = "CIO301"
    NAME = "track-key-in-app-client"

    VALID = [
        Valid("from customerio import APIClient\napi = APIClient(settings.CIO_APP_API_KEY)\n"),
        Valid("from customerio import APIClient\napi = APIClient(key, 'https://api-eu.customer.io')\n"),
        Valid("from customerio import APIClient\napi = APIClient(KEY, api_url)\n"),
        # another library's APIClient
        Valid("from rest_framework.test import APIClient\nimport customerio\nclient = APIClient(site_id, api_key)\n"),
    ]
    INVALID = [
        Invalid("from customerio import APIClient\napi = APIClient(SITE_ID, API_KEY)\n"),
        Invalid("import os\nimport customerio\napi = customerio.APIClient(os.environ['CUSTOMERIO_TRACK_API_KEY'])\n"),
        Invalid("""
            from customerio import APIClient
            from django.conf import settings
            key = settings.CIO_SITE_ID
            api = APIClient(key=key)
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.APP, sdk_signature=True):
            return  # (a project subclass: its own signature decides)
        url_arg = call.args.params.get("url")
        if url_arg is not None and url_arg.keyword is None and not self._looks_like_url(url_arg.value):
            self.report(
                url_arg.value,
                f"APIClient's 2nd parameter is url: every send raises {sdk.TRANSPORT_RAISES.name} "
                f"({sdk.BAD_URL_TEXT}); pass only the App API key",
                help=("APIClient(key, url=None, region=...) takes one credential; a second positional value "
                      f"becomes the base URL, so every send fails inside the SDK: {sdk.TRANSPORT_RAISES.says()} "
                      f"with requests' MissingSchema, {sdk.BAD_URL_TEXT} (observed: tests/grounding/"
                      "test_credentials.py::test_app_client_second_positional_is_the_url). Use "
                      "APIClient(app_api_key, region=...)."),
            )
            return
        key = call.arg("key")
        found = credential_kind(key, self.resolver) if key is not None else None
        if found and found[0] == TRACK:
            self.report(
                key,
                f"{found[1]} looks like a Track credential: APIClient sends it as an App API "
                f"{sdk.APP_AUTH_SCHEME} token; pass an App API key",
                help=(f"APIClient sends its key as `Authorization: {sdk.APP_AUTH_SCHEME} <key>` (observed: "
                      "tests/grounding/test_credentials.py::test_app_client_sends_a_track_key_as_bearer); "
                      "Customer.io's App API authenticates with App API keys (https://docs.customer.io/api/"
                      "app/), which are not the Track site id or API key. Create one under Settings > API "
                      "Credentials > App API keys."),
            )

    def _looks_like_url(self, expr: cst.BaseExpression) -> bool:
        literal = self.resolver.literal(expr)
        if literal is not None:
            return isinstance(literal.value, str) and "://" in literal.value
        name = value_name(self.resolver.bound_expression(expr)) or value_name(expr) or ""
        return any(word in name.lower() for word in ("url", "host", "endpoint", "base"))
