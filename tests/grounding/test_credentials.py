"""CIO301 track-key-in-app-client and CIO302 app-key-in-track-client: what each client does
with the credentials it is given."""

from __future__ import annotations

import base64

import pytest

from cio_lint import sdk

from .support import FAMILIES, V3, expect_flag, expect_no_flag, line_of, sdk_settings

CUSTOMER_IO_EXCEPTION = "customerio.client_base.CustomerIOException"


def basic_credentials(header: str) -> str:
    scheme, _, token = header.partition(" ")
    assert scheme == "Basic", header
    return base64.b64decode(token).decode()


# --- CIO301 -----------------------------------------------------------------------------------

APP_CLIENT_TWO_POSITIONAL = """\
from customerio import APIClient, SendEmailRequest

client = APIClient("SITE_ID", "TRACK_API_KEY")
OUT["url"] = client.url
OUT["key"] = client.key
client.send_email(SendEmailRequest(transactional_message_id=1, to="a@b.c", identifiers={"id": "u"}))
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_app_client_second_positional_is_the_url(run, sdks, server, version):
    # offline: every requests transport records instead of connecting, so an empty record
    # shows that no request was even attempted, anywhere.
    outcome = run(sdks.sdk(version), APP_CLIENT_TWO_POSITIONAL, offline=True)

    assert outcome.out == {"url": "TRACK_API_KEY", "key": "SITE_ID"}
    assert sdk.TRANSPORT_RAISES.matches(outcome.raised, outcome.message), outcome.describe()
    assert "MissingSchema" in outcome.message and sdk.BAD_URL_TEXT in outcome.message
    assert "Invalid URL 'TRACK_API_KEY/v1/send/email'" in outcome.message
    if version == V3:
        assert outcome.cause == "requests.exceptions.MissingSchema"
    else:
        assert outcome.cause is None
        assert outcome.context == "requests.exceptions.MissingSchema"
    assert outcome.offline == [] and server.seen() == []

    line = line_of(APP_CLIENT_TWO_POSITIONAL, "client = APIClient(")
    expect_flag(APP_CLIENT_TWO_POSITIONAL, "CIO301", line=line,
                says=(f"raises {sdk.TRANSPORT_RAISES.name}", sdk.BAD_URL_TEXT), **sdk_settings(version))


APP_CLIENT_TRACK_KEY = """\
import os
from customerio import APIClient, SendEmailRequest

TRACK_API_KEY = os.environ["CIO_TRACK_API_KEY"]
client = APIClient(TRACK_API_KEY, url=URL, retries=0)
client.send_email(SendEmailRequest(transactional_message_id=1, to="a@b.c", identifiers={"id": "u"}))
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_app_client_sends_a_track_key_as_bearer(run, sdks, server, version):
    outcome = run(sdks.sdk(version), APP_CLIENT_TRACK_KEY, extra_env={"CIO_TRACK_API_KEY": "TRACK_KEY"})

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/v1/send/email")
    assert request.header("Authorization") == f"{sdk.APP_AUTH_SCHEME} TRACK_KEY"

    line = line_of(APP_CLIENT_TRACK_KEY, "client = APIClient(")
    expect_flag(APP_CLIENT_TRACK_KEY, "CIO301", line=line, says=f"{sdk.APP_AUTH_SCHEME} token", **sdk_settings(version))


# --- CIO302 -----------------------------------------------------------------------------------

TRACK_CLIENT_ONE_CREDENTIAL = """\
from customerio import CustomerIO

client = CustomerIO("APP_KEY", host=HOST, port=PORT, retries=0)
client.identify("u", email="a@b.c")
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_track_client_with_one_credential_sends_basic_key_colon_none(run, sdks, server, version):
    outcome = run(sdks.sdk(version), TRACK_CLIENT_ONE_CREDENTIAL)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("PUT", "/api/v1/customers/u")
    # requests stringifies the missing api_key: the password is the text "None"
    assert basic_credentials(request.header("Authorization")) == f"APP_KEY:{sdk.MISSING_CREDENTIAL_SENT_AS}"

    line = line_of(TRACK_CLIENT_ONE_CREDENTIAL, "client = CustomerIO(")
    expect_flag(TRACK_CLIENT_ONE_CREDENTIAL, "CIO302", line=line, says=f"sends {sdk.MISSING_CREDENTIAL_SENT_AS!r}",
                **sdk_settings(version))


TRACK_CLIENT_APP_KEY_AS_API_KEY = """\
import os
from customerio import CustomerIO

APP_API_KEY = os.environ["CIO_APP_API_KEY"]
client = CustomerIO("SITE_ID", APP_API_KEY, host=HOST, port=PORT, retries=0)
client.identify("u", email="a@b.c")
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_track_client_sends_an_app_key_as_basic_password(run, sdks, server, version):
    outcome = run(sdks.sdk(version), TRACK_CLIENT_APP_KEY_AS_API_KEY, extra_env={"CIO_APP_API_KEY": "APPKEY"})

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    # The App key travels as the Basic password of the Track scheme, never as a Bearer token.
    assert request.header("Authorization").startswith(f"{sdk.TRACK_AUTH_SCHEME} ")
    assert basic_credentials(request.header("Authorization")) == "SITE_ID:APPKEY"

    line = line_of(TRACK_CLIENT_APP_KEY_AS_API_KEY, "client = CustomerIO(")
    expect_flag(TRACK_CLIENT_APP_KEY_AS_API_KEY, "CIO302", line=line, says=f"in {sdk.TRACK_AUTH_SCHEME} auth",
                **sdk_settings(version))


TRACK_CLIENT_BOTH_CREDENTIALS = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.identify("u", email="a@b.c")
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_track_client_sends_site_and_key_as_basic(run, sdks, server, version):
    outcome = run(sdks.sdk(version), TRACK_CLIENT_BOTH_CREDENTIALS)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert basic_credentials(request.header("Authorization")) == "SITE:KEY"
    assert request.header("User-Agent") == f"Customer.io Python Client/{version}"

    expect_no_flag(TRACK_CLIENT_BOTH_CREDENTIALS, "CIO302", **sdk_settings(version))
