"""CIO601 track-signature, CIO602 unknown-sdk-name, CIO603 unreachable-except: the SDK's API
per major, and what its error wrapping does to `except` clauses."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, V2, V3, expect_flag, expect_no_flag, line_of, sdk_settings

CUSTOMER_IO_EXCEPTION = "customerio.client_base.CustomerIOException"
SLOW = pytest.mark.slow

# --- CIO601 -----------------------------------------------------------------------------------

TRACK_KEYWORD_ATTRIBUTES = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.track("u", "signed_up", plan="pro")
"""


def test_track_keyword_attributes_are_a_type_error_on_3x(run, sdks, server):
    outcome = run(sdks.sdk(V3), TRACK_KEYWORD_ATTRIBUTES)

    raises = sdk.UNEXPECTED_KEYWORD.format(callable="CustomerIO.track", keyword="plan")
    assert raises.matches(outcome.raised, outcome.message), outcome.describe()
    assert server.seen() == []

    line = line_of(TRACK_KEYWORD_ATTRIBUTES, "client.track(")
    expect_flag(TRACK_KEYWORD_ATTRIBUTES, "CIO601", line=line, says=raises.says(), **sdk_settings(V3))


@SLOW
def test_track_keyword_attributes_are_event_data_on_2x(run, sdks, server):
    outcome = run(sdks.sdk(V2), TRACK_KEYWORD_ATTRIBUTES)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/api/v1/customers/u/events")
    assert request.body == {"name": "signed_up", "data": {"plan": "pro"}}

    expect_no_flag(TRACK_KEYWORD_ATTRIBUTES, "CIO601", **sdk_settings(V2))


TRACK_DATA_KEYWORD = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.track("u", "signed_up", data={"plan": "pro"})
"""


@SLOW
def test_track_data_keyword_is_silently_nested_on_2x(run, sdks, server):
    outcome = run(sdks.sdk(V2), TRACK_DATA_KEYWORD)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"name": "signed_up", sdk.EVENT_DATA_KEY: {"data": {"plan": "pro"}}}
    # the effect the message words must be one this test can check against the body
    effects = {"is sent as the attribute data.{word}": lambda body, word: word in body[sdk.EVENT_DATA_KEY]}
    assert effects[sdk.ATTRIBUTE_BEFORE_THREE](request.body, "data")

    line = line_of(TRACK_DATA_KEYWORD, "client.track(")
    expect_flag(TRACK_DATA_KEYWORD, "CIO601", line=line, says=sdk.ATTRIBUTE_BEFORE_THREE.format(word="data"),
                **sdk_settings(V2))


def test_track_data_keyword_is_the_event_data_on_3x(run, sdks, server):
    outcome = run(sdks.sdk(V3), TRACK_DATA_KEYWORD)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"name": "signed_up", "data": {"plan": "pro"}}

    expect_no_flag(TRACK_DATA_KEYWORD, "CIO601", **sdk_settings(V3))


TRACK_TIMESTAMP_KEYWORD = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.track("u", "signed_up", timestamp=1700000000)
"""


@SLOW
def test_track_timestamp_keyword_is_an_attribute_on_2x(run, sdks, server):
    outcome = run(sdks.sdk(V2), TRACK_TIMESTAMP_KEYWORD)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"name": "signed_up", sdk.EVENT_DATA_KEY: {"timestamp": 1700000000}}
    effects = {"is sent as the attribute data.{word}": lambda body, word: word in body[sdk.EVENT_DATA_KEY]}
    assert effects[sdk.ATTRIBUTE_BEFORE_THREE](request.body, "timestamp")

    line = line_of(TRACK_TIMESTAMP_KEYWORD, "client.track(")
    expect_flag(TRACK_TIMESTAMP_KEYWORD, "CIO601", line=line,
                says=sdk.ATTRIBUTE_BEFORE_THREE.format(word="timestamp"), **sdk_settings(V2))


def test_track_timestamp_keyword_is_the_event_time_on_3x(run, sdks, server):
    outcome = run(sdks.sdk(V3), TRACK_TIMESTAMP_KEYWORD)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"name": "signed_up", "data": {}, "timestamp": 1700000000}

    expect_no_flag(TRACK_TIMESTAMP_KEYWORD, "CIO601", **sdk_settings(V3))


TRACK_POSITIONAL_DATA = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.track("u", "signed_up", {"plan": "pro"})
"""


@SLOW
def test_track_positional_data_is_a_type_error_on_2x(run, sdks, server):
    outcome = run(sdks.sdk(V2), TRACK_POSITIONAL_DATA)

    raises = sdk.TOO_MANY_POSITIONAL.format(callable="CustomerIO.track", expected="3", given="4")
    assert raises.matches(outcome.raised, outcome.message), outcome.describe()
    assert server.seen() == []
    expect_flag(TRACK_POSITIONAL_DATA, "CIO601", line=line_of(TRACK_POSITIONAL_DATA, "client.track("),
                says=f"raises {raises.name}", **sdk_settings(V2))


TRACK_ID_AND_TIMESTAMP = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.track("u", "paid", id=7, timestamp=1700000000)
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_track_id_and_timestamp_change_meaning_in_3x(run, sdks, server, version):
    """What CIO601's fix protects: 2.x sends id=/timestamp= as event attributes, 3.x as the
    event's own fields (sdk.TRACK_EVENT_FIELDS), so keeping them top-level changes the event."""
    outcome = run(sdks.sdk(version), TRACK_ID_AND_TIMESTAMP)
    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    sent = {"id": 7, "timestamp": 1700000000}
    assert set(sent) == set(sdk.TRACK_EVENT_FIELDS)
    if version == V2:
        assert request.body == {"name": "paid", sdk.EVENT_DATA_KEY: sent}
    else:
        assert request.body == {"name": "paid", sdk.EVENT_DATA_KEY: {}, **sent}


# --- CIO602 -----------------------------------------------------------------------------------

ADD_TO_SEGMENT = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.add_to_segment(1, ["u"])
"""

IMPORT_ERRORS_MODULE = """\
import customerio.errors
"""

IMPORT_TRACK_CLIENT = """\
from customerio import TrackClient
"""

IMPORT_REGION_US = """\
from customerio import RegionUS
"""

PLAINTEXT_BODY = """\
from customerio import SendEmailRequest

request = SendEmailRequest(transactional_message_id=1, to="a@b.c", plaintext_body="x")
"""

# (snippet, the sdk.py record of what it raises, the line cio-lint reports)
UNKNOWN_NAME_CASES = [
    pytest.param(ADD_TO_SEGMENT, sdk.NO_ATTRIBUTE.format(cls="CustomerIO", name="add_to_segment"),
                 "client.add_to_segment(", id="add_to_segment"),
    pytest.param(IMPORT_ERRORS_MODULE, sdk.NO_MODULE.format(module="customerio.errors"), "import customerio.errors",
                 id="customerio.errors"),
    pytest.param(IMPORT_TRACK_CLIENT, sdk.CANNOT_IMPORT.format(name="TrackClient"), "TrackClient", id="TrackClient"),
    pytest.param(IMPORT_REGION_US, sdk.CANNOT_IMPORT.format(name="RegionUS"), "RegionUS", id="RegionUS"),
    pytest.param(PLAINTEXT_BODY, sdk.UNEXPECTED_KEYWORD.format(callable="SendEmailRequest.__init__",
                                                               keyword="plaintext_body"),
                 "plaintext_body=", id="plaintext_body"),
]  # fmt: skip


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("snippet, raises, needle", UNKNOWN_NAME_CASES)
def test_name_missing_from_every_major_fails(run, sdks, server, version, snippet, raises, needle):
    outcome = run(sdks.sdk(version), snippet)

    assert raises.matches(outcome.raised, outcome.message), outcome.describe()
    assert server.seen() == []

    expect_flag(snippet, "CIO602", line=line_of(snippet, needle), says=f"raises {raises.name}",
                **sdk_settings(version))


def request_field_snippet(field: str) -> str:
    return f"""\
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url=URL, retries=0)
request = SendEmailRequest(transactional_message_id=1, to="a@b.c", identifiers={{"id": "u"}}, {field})
client.send_email(request)
"""


# (keyword as written, the key it is sent as, the major that rejects it, the major that accepts it)
REQUEST_FIELD_CASES = [
    pytest.param("disable_css_preproceessing=True", "disable_css_preproceessing", V3, V2, id="preproceessing",
                 marks=SLOW),
    pytest.param("disable_css_preprocessing=True", "disable_css_preprocessing", V2, V3, id="preprocessing", marks=SLOW),
    pytest.param('cc=["x@y.z"]', "cc", V2, V3, id="cc", marks=SLOW),
]  # fmt: skip


@pytest.mark.parametrize("field, key, rejected_by, accepted_by", REQUEST_FIELD_CASES)
def test_request_field_of_the_other_major(run, sdks, server, field, key, rejected_by, accepted_by):
    snippet = request_field_snippet(field)
    line = line_of(snippet, "SendEmailRequest(")

    rejected = run(sdks.sdk(rejected_by), snippet)
    raises = sdk.UNEXPECTED_KEYWORD.format(callable="SendEmailRequest.__init__", keyword=key)
    assert raises.matches(rejected.raised, rejected.message), rejected.describe()
    assert server.seen() == []

    accepted = run(sdks.sdk(accepted_by), snippet)
    assert accepted.raised is None, accepted.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/v1/send/email")
    assert key in request.body, request.body

    expect_flag(snippet, "CIO602", line=line, says=f"raises {raises.name}", **sdk_settings(rejected_by))
    expect_no_flag(snippet, "CIO602", **sdk_settings(accepted_by))


# --- CIO603 -----------------------------------------------------------------------------------

EXCEPT_CONNECTION_ERROR = """\
import requests
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
try:
    client.identify("u", email="a@b.c")
except requests.exceptions.ConnectionError:
    OUT["handler_ran"] = True
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_except_connection_error_never_fires(run, sdks, refused_port, version):
    outcome = run(sdks.sdk(version), EXCEPT_CONNECTION_ERROR, port=refused_port)

    assert "handler_ran" not in outcome.out
    assert sdk.TRANSPORT_RAISES.matches(outcome.raised, outcome.message), outcome.describe()
    assert "Last caught exception -- <class 'requests.exceptions.ConnectionError'>" in outcome.message
    if version == V3:
        assert outcome.cause == "requests.exceptions.ConnectionError"
    else:
        assert outcome.cause is None
        assert outcome.context == "requests.exceptions.ConnectionError"

    line = line_of(EXCEPT_CONNECTION_ERROR, "except requests")
    expect_flag(EXCEPT_CONNECTION_ERROR, "CIO603", line=line, says=sdk.TRANSPORT_EFFECT, **sdk_settings(version))


EXCEPT_TIMEOUT = """\
import requests
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0, timeout=0.5)
try:
    client.identify("u", email="a@b.c")
except requests.exceptions.Timeout:
    OUT["handler_ran"] = True
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_except_timeout_never_fires(run, sdks, hanging_server, version):
    accepted_before = hanging_server.accepted
    outcome = run(sdks.sdk(version), EXCEPT_TIMEOUT, port=hanging_server.port)

    assert hanging_server.accepted > accepted_before  # the client did connect, then waited
    assert "handler_ran" not in outcome.out
    assert sdk.TRANSPORT_RAISES.matches(outcome.raised, outcome.message), outcome.describe()
    assert outcome.message.startswith("Failed to receive valid response after 0 retries.")
    # urllib3's read timeout reaches the SDK inside a MaxRetryError, i.e. as requests'
    # ConnectionError, not as requests.exceptions.Timeout; then the SDK wraps that too.
    assert "Read timed out. (read timeout=0.5)" in outcome.message
    if version == V3:
        assert outcome.cause == "requests.exceptions.ConnectionError"
    else:
        assert outcome.cause is None
        assert outcome.context == "requests.exceptions.ConnectionError"

    line = line_of(EXCEPT_TIMEOUT, "except requests")
    expect_flag(EXCEPT_TIMEOUT, "CIO603", line=line, says=sdk.TRANSPORT_EFFECT, **sdk_settings(version))


EXCEPT_CUSTOMER_IO_EXCEPTION = """\
import customerio
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
try:
    client.identify("u", email="a@b.c")
except customerio.CustomerIOException as exc:
    OUT["handler_ran"] = type(exc).__name__
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_except_customerio_exception_catches_transport_errors(run, sdks, refused_port, version):
    """The fix CIO603 suggests (`except customerio.CustomerIOException`) does catch them."""
    outcome = run(sdks.sdk(version), EXCEPT_CUSTOMER_IO_EXCEPTION, port=refused_port)

    assert outcome.raised is None, outcome.describe()
    assert outcome.out == {"handler_ran": "CustomerIOException"}

    expect_no_flag(EXCEPT_CUSTOMER_IO_EXCEPTION, "CIO603", **sdk_settings(version))
