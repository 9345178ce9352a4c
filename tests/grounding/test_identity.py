"""CIO101 empty-identifier: blank ids raise before any request; whitespace ids and request
objects' `identifiers` go out unchanged."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, expect_flag, line_of, sdk_settings

IDENTIFY_EMPTY = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.identify(id="", email="a@b.c")
"""

IDENTIFY_NONE = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.identify(id=None, email="a@b.c")
"""

TRACK_EMPTY = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.track("", "signed_up")
"""

MERGE_EMPTY = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.merge_customers("id", "", "id", "b")
"""

DEVICE_EMPTY = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.add_device("u", "", "ios")
"""

def blank_error(method: str, param: str) -> sdk.Raises:
    """The record CIO101's message states: what `method` raises for a blank `param`."""
    return sdk.blank_id_raises(sdk.client_class(sdk.TRACK).methods[method].blank_errors[param])


BLANK_CASES = [
    pytest.param(IDENTIFY_EMPTY, blank_error("identify", "id"), "client.identify(", id="identify-empty"),
    pytest.param(IDENTIFY_NONE, blank_error("identify", "id"), "client.identify(", id="identify-none"),
    pytest.param(TRACK_EMPTY, blank_error("track", "customer_id"), "client.track(", id="track-empty"),
    pytest.param(MERGE_EMPTY, blank_error("merge_customers", "primary_id"), "client.merge_customers(", id="merge-empty"),
    pytest.param(DEVICE_EMPTY, blank_error("add_device", "device_id"), "client.add_device(", id="device-empty"),
]


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("snippet, raises, call", BLANK_CASES)
def test_blank_identifier_raises_before_any_request(run, sdks, server, version, snippet, raises, call):
    outcome = run(sdks.sdk(version), snippet)

    assert raises.matches(outcome.raised, outcome.message), outcome.describe()
    assert server.seen() == []  # raised client-side: nothing reached the API

    expect_flag(snippet, "CIO101", line=line_of(snippet, call), says=f"raises {raises.says()}",
                **sdk_settings(version))


IDENTIFY_WHITESPACE = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.identify(id="   ", email="a@b.c")
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_whitespace_identifier_is_sent(run, sdks, server, version):
    outcome = run(sdks.sdk(version), IDENTIFY_WHITESPACE)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("PUT", "/api/v1/customers/%20%20%20")
    assert request.body == {"email": "a@b.c"}
    effects = {"sends it as it is": lambda path: path.endswith("/%20%20%20")}  # the words of sdk.WHITESPACE_ID_SENT
    assert effects[sdk.WHITESPACE_ID_SENT](request.path)

    expect_flag(IDENTIFY_WHITESPACE, "CIO101", line=line_of(IDENTIFY_WHITESPACE, "identify("),
                says=sdk.WHITESPACE_ID_SENT, **sdk_settings(version))


SEND_EMAIL_EMPTY_IDENTIFIER = """\
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url=URL, retries=0)
request = SendEmailRequest(identifiers={"id": ""}, transactional_message_id=1, to="a@b.c")
client.send_email(request)
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_request_object_blank_identifier_is_sent_unchanged(run, sdks, server, version):
    outcome = run(sdks.sdk(version), SEND_EMAIL_EMPTY_IDENTIFIER)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/v1/send/email")
    assert request.body["identifiers"] == {"id": ""}
    effects = {"sent unchecked": lambda body: body["identifiers"] == {"id": ""}}  # sdk.SENT_UNCHECKED's words
    assert effects[sdk.SENT_UNCHECKED](request.body)
    assert request.body["transactional_message_id"] == 1

    line = line_of(SEND_EMAIL_EMPTY_IDENTIFIER, "SendEmailRequest(identifiers")
    expect_flag(SEND_EMAIL_EMPTY_IDENTIFIER, "CIO101", line=line, says=sdk.SENT_UNCHECKED, **sdk_settings(version))
