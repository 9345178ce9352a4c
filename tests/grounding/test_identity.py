"""CIO101 empty-identifier: blank ids raise before any request; whitespace ids and request
objects' `identifiers` go out unchanged."""

from __future__ import annotations

import pytest

from .support import FAMILIES, expect_flag, line_of, sdk_settings

CUSTOMER_IO_EXCEPTION = "customerio.client_base.CustomerIOException"

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

BLANK_CASES = [
    pytest.param(IDENTIFY_EMPTY, "id cannot be blank in identify", "client.identify(", id="identify-empty"),
    pytest.param(IDENTIFY_NONE, "id cannot be blank in identify", "client.identify(", id="identify-none"),
    pytest.param(TRACK_EMPTY, "customer_id cannot be blank in track", "client.track(", id="track-empty"),
    pytest.param(MERGE_EMPTY, "primary customer_id cannot be blank", "client.merge_customers(", id="merge-empty"),
    pytest.param(DEVICE_EMPTY, "device_id cannot be blank in add_device", "client.add_device(", id="device-empty"),
]


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("snippet, message, call", BLANK_CASES)
def test_blank_identifier_raises_before_any_request(run, sdks, server, version, snippet, message, call):
    outcome = run(sdks.sdk(version), snippet)

    assert outcome.raised == CUSTOMER_IO_EXCEPTION, outcome.describe()
    assert outcome.message == message
    assert server.seen() == []  # raised client-side: nothing reached the API

    expect_flag(snippet, "CIO101", line=line_of(snippet, call), **sdk_settings(version))


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

    expect_flag(IDENTIFY_WHITESPACE, "CIO101", line=line_of(IDENTIFY_WHITESPACE, "identify("), **sdk_settings(version))


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
    assert request.body["transactional_message_id"] == 1

    line = line_of(SEND_EMAIL_EMPTY_IDENTIFIER, "SendEmailRequest(identifiers")
    expect_flag(SEND_EMAIL_EMPTY_IDENTIFIER, "CIO101", line=line, **sdk_settings(version))
