from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from cio_lint import sdk
from cio_lint.rules.base import Invalid, Rule, Valid


def split_host(text: str) -> Tuple[str, str, str]:
    """("https://", "track.customer.io:443", "api/v1") from a host or URL string."""
    scheme = ""
    if "://" in text:
        head, _, text = text.partition("://")
        scheme = head + "://"
    authority, _, path = text.partition("/")
    return scheme, authority, path.strip("/")


class HostWithPath(Rule):
    """`host=`/`url=` already carries the path the SDK appends (`.../api/v1`, `.../v1`), or a port twice.

    ## What it does
    Checks literal `host=` of `CustomerIO` and `url=` of `APIClient`: a `host` whose path ends
    in `api/v1` (or `api`, `v1`), an `APIClient` `url` whose path ends in `v1` or `api`, and a
    `host` with a `:port` when `port=` is passed too. Other paths are left alone (a proxy may
    serve the API under a prefix).

    ## Why is this bad?
    The Track client builds `https://{host}[:{port}]/api/v1` and `APIClient` posts to
    `{url}/v1/send/email`, so the path is sent twice: `.../api/v1/api/v1/customers/<id>`,
    `.../v1/v1/send/email` (observed on customerio 3.2.0 and 2.4, grounded in
    `tests/grounding/test_seeds_hosts.py`), paths the API does not serve: the "404" of
    Customer.io's common errors. A host with a port plus `port=` gives `host:8443:9000`: the
    SDK raises `CustomerIOException` (wrapping requests' `InvalidURL`) and sends nothing.

    ## Example
    ```python
    cio = CustomerIO(site_id, api_key, host="https://track-eu.customer.io/api/v1")
    api = APIClient(app_key, url="https://api-eu.customer.io/v1")
    ```

    ## Use instead
    ```python
    cio = CustomerIO(site_id, api_key, region=Regions.EU)
    api = APIClient(app_key, region=Regions.EU)
    ```

    ## Fix safety
    Safe for a path that repeats the SDK's own: the path is removed from the literal (scheme,
    host and port kept), giving the URL the SDK would otherwise build. A port given twice
    gets no fix: only the author knows which port is right.
    """

    CODE = "CIO406"
    NAME = "host-with-path"
    FIX = "safe"

    VALID = [
        Valid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', host='track-eu.customer.io')\n"),
        Valid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', host='https://track.customer.io/')\n"),
        Valid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', host='localhost:8443')\n"),
        Valid("from customerio import CustomerIO\nc = CustomerIO('s', 'k', host='localhost', port=8443)\n"),
        # a proxy prefix
        Valid("from customerio import APIClient\na = APIClient('k', url='https://proxy.internal/customerio')\n"),
        Valid("from customerio import APIClient\na = APIClient('k', url='https://api-eu.customer.io')\n"),
        Valid("from customerio import APIClient\na = APIClient('k', url=settings.CIO_URL)\n"),
        # a look-alike
        Valid("from httpx import Client as CustomerIO\nc = CustomerIO(host='x.io/api/v1')\n"),
    ]
    INVALID = [
        Invalid("""
            from customerio import CustomerIO
            c = CustomerIO('s', 'k', host="https://track-eu.customer.io/api/v1")
            """, fixed="""
            from customerio import CustomerIO
            c = CustomerIO('s', 'k', host="https://track-eu.customer.io")
            """),
        Invalid("""
            import customerio
            a = customerio.APIClient('k', url='https://api.customer.io/v1/')
            """, fixed="""
            import customerio
            a = customerio.APIClient('k', url='https://api.customer.io')
            """),
        Invalid("""
            from customerio import CustomerIO
            HOST = "localhost:8443"
            c = CustomerIO('s', 'k', host=HOST, port=9000)
            """, line=3),
        Invalid("""
            from customerio import CustomerIO
            c = CustomerIO('s', 'k', 'track.customer.io/api')
            """, fixed="""
            from customerio import CustomerIO
            c = CustomerIO('s', 'k', 'track.customer.io')
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.TRACK, sdk.APP, sdk_signature=True):
            return
        param = call.target.sdk_class.host_param
        expr = call.arg(param) if param else None
        literal = self.resolver.literal(expr) if expr is not None else None
        if literal is None or not isinstance(literal.value, str):
            return
        scheme, authority, path = split_host(literal.value.strip())
        if path and _repeats(path, sdk.HOST_PATH_ENDINGS.get(param, ())):
            appended = sdk.TRACK_URL_PREFIX if param == "host" else sdk.APP_URL_PATH.rstrip("/")
            sent = sdk.HOST_PATH.says.format(path=path, appended=appended)
            self.report(
                expr,
                f"{param}= ends in /{path}, and the SDK appends {appended}: requests go to {sent}..., the "
                f"path doubled; drop the path",
                self._fix(expr, literal, scheme + authority),
            )
        elif param == "host" and ":" in authority and call.arg("port") is not None:
            self.report(
                expr,
                f"host= has a port and port= is given: the URL gets both and the SDK raises "
                f"{sdk.HOST_PORT_TWICE.error} ({sdk.HOST_PORT_TWICE.says}); give the port once",
            )

    def _fix(self, expr: cst.BaseExpression, literal, text: str):
        node = literal.node
        if node is not expr or not isinstance(node, cst.SimpleString) or node.prefix not in ("", "r", "u"):
            return None  # a shared constant, or an odd string
        if "\\" in text or node.quote in text:
            return None
        return self.fix(self.replace(node, f"{node.prefix}{node.quote}{text}{node.quote}"))


def _repeats(path: str, endings: Tuple[str, ...]) -> Optional[bool]:
    lowered = path.lower()
    return any(lowered == e or lowered.endswith("/" + e) for e in endings)
