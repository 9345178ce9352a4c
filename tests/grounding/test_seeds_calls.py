"""CIO606 call-shape: calls that cannot bind to the SDK's signatures, run on the real releases."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, expect_flag, expect_no_flag, line_of, sdk_settings

TRACK = 'cio = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)\n'
APP = 'api = APIClient("APP_KEY", url=URL, retries=0)\n'


def snippet(client: str, call: str) -> str:
    return f"from customerio import APIClient, CustomerIO\n\n{client}{call}\n"


# (client line, the call, the record, its fields, what cio-lint points at)
CASES = [
    pytest.param(TRACK, 'cio.identify(email="a@b.c")', sdk.MISSING_ARGUMENT,
                 {"callable": "CustomerIO.identify", "param": "id"}, id="identify-without-id"),
    pytest.param(TRACK, 'cio.identify(customer_id="u", email="a@b.c")', sdk.MISSING_ARGUMENT,
                 {"callable": "CustomerIO.identify", "param": "id"}, id="identify-customer_id"),
    pytest.param(TRACK, 'cio.track("u")', sdk.MISSING_ARGUMENT,
                 {"callable": "CustomerIO.track", "param": "name"}, id="track-without-name"),
    pytest.param(TRACK, 'cio.add_device("u", "token")', sdk.MISSING_ARGUMENT,
                 {"callable": "CustomerIO.add_device", "param": "platform"}, id="add_device-without-platform"),
    pytest.param(TRACK, 'cio.identify("u", id="v")', sdk.MULTIPLE_VALUES,
                 {"callable": "CustomerIO.identify", "param": "id"}, id="identify-id-twice"),
    pytest.param(TRACK, "cio.send_email({})", sdk.NO_ATTRIBUTE,
                 {"cls": "CustomerIO", "name": "send_email"}, id="track-client-send_email"),
    pytest.param(APP, 'api.identify("u", email="a@b.c")', sdk.NO_ATTRIBUTE,
                 {"cls": "APIClient", "name": "identify"}, id="app-client-identify"),
]  # fmt: skip


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("client, call, record, fields", CASES)
def test_call_shape_fails_before_sending(run, sdks, server, version, client, call, record, fields):
    source = snippet(client, call)
    outcome = run(sdks.sdk(version), source)

    expected = record.format(**fields)
    assert expected.matches(outcome.raised, outcome.message), outcome.describe()
    assert server.seen() == []

    expect_flag(source, "CIO606", line=line_of(source, call), **sdk_settings(version))


FIXED = snippet(TRACK, 'cio.identify(id="u", email="a@b.c")')


@pytest.mark.parametrize("version", FAMILIES)
def test_identify_with_id_sends(run, sdks, server, version):
    """What the customer_id= fix produces."""
    outcome = run(sdks.sdk(version), FIXED)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path, request.body) == ("PUT", "/api/v1/customers/u", {"email": "a@b.c"})

    expect_no_flag(FIXED, "CIO606", **sdk_settings(version))
