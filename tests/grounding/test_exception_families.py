"""CIO603 unreachable-except, one exception per family of `sdk.EXCEPTION_FAMILIES`: the
handler never runs around SDK calls (the SDK wraps the failure in CustomerIOException), and a
handler for a base of the JSON error the App client lets escape does run."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, V3, expect_flag, expect_no_flag, line_of, sdk_settings

CUSTOMER_IO_EXCEPTION = "customerio.client_base.CustomerIOException"


def handler_snippet(imports: str, caught: str, timeout: str = "") -> str:
    return f"""\
{imports}
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0{timeout})
try:
    client.identify("u", email="a@b.c")
except {caught}:
    OUT["handler_ran"] = True
"""


# (family, imports, the handler's class, the failure: "refused" port or "hanging" server)
FAMILY_CASES = [
    pytest.param("urllib3", "import urllib3", "urllib3.exceptions.MaxRetryError", "refused", id="urllib3"),
    pytest.param("OSError", "", "OSError", "refused", id="OSError"),
    pytest.param("OSError", "import socket", "socket.timeout", "hanging", id="socket.timeout"),
    pytest.param("requests", "import requests", "requests.exceptions.ConnectTimeout", "refused",
                 id="requests.ConnectTimeout"),
]  # fmt: skip


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("family, imports, caught, failure", FAMILY_CASES)
def test_family_handler_never_runs(run, sdks, refused_port, hanging_server, version, family, imports, caught,
                                   failure):  # fmt: skip
    assert sdk.exception_family(caught) == family  # the data names this class in that family
    snippet = handler_snippet(imports, caught, ", timeout=0.5" if failure == "hanging" else "")
    port = hanging_server.port if failure == "hanging" else refused_port
    outcome = run(sdks.sdk(version), snippet, port=port)

    assert "handler_ran" not in outcome.out
    assert outcome.raised == CUSTOMER_IO_EXCEPTION, outcome.describe()
    assert "Failed to receive valid response" in outcome.message

    expect_flag(snippet, "CIO603", line=line_of(snippet, "except "), **sdk_settings(version))


APP_JSON_HANDLER = """\
import requests
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url=URL, retries=0)
try:
    client.send_email(SendEmailRequest(transactional_message_id=1, to="a@b.c", identifiers={"id": "u"}))
except requests.RequestException as exc:
    OUT["handler_ran"] = type(exc).__module__ + "." + type(exc).__name__
"""


def test_app_client_json_error_reaches_a_request_exception_handler(run, sdks, server):
    """A 2xx answer that is not JSON: the App client's resp.json() raises outside the wrapped
    request, so `except requests.RequestException` (a base of that error) does run."""
    server.answer(200, b"<html>maintenance</html>")
    outcome = run(sdks.sdk(V3), APP_JSON_HANDLER)

    assert outcome.raised is None, outcome.describe()
    assert outcome.out["handler_ran"] in sdk.UNWRAPPED_ERRORS[sdk.APP]
    assert sdk.catches_unwrapped("requests.RequestException", sdk.APP)

    expect_no_flag(APP_JSON_HANDLER, "CIO603", **sdk_settings(V3))
