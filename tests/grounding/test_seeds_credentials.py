"""CIO304 credential-may-be-none: what the clients do with a None or empty credential."""

from __future__ import annotations

import base64

import pytest

from cio_lint import sdk

from .support import FAMILIES, expect_flag, line_of, sdk_settings

EFFECT = sdk.CREDENTIAL_NONE

TRACK_FROM_ENV = """\
import os
from customerio import CustomerIO

client = CustomerIO(os.getenv("CIO_TEST_UNSET_SITE_ID"), os.getenv("CIO_TEST_UNSET_API_KEY"), host=HOST, port=PORT,
                    retries=0)
client.identify("u", email="a@b.c")
"""

APP_FROM_ENV = """\
import os
from customerio import APIClient, SendEmailRequest

client = APIClient(os.getenv("CIO_TEST_UNSET_APP_KEY"), url=URL, retries=0)
client.send_email(SendEmailRequest(transactional_message_id=3, to="a@b.c", identifiers={"id": "u"}))
"""


def shown(auth: str) -> str:
    """The header as sent: Basic credentials are base64-encoded on the wire."""
    scheme, _, value = auth.partition(" ")
    return f"{scheme} {base64.b64encode(value.encode()).decode()}" if scheme == "Basic" else auth


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("source, role", [(TRACK_FROM_ENV, sdk.TRACK), (APP_FROM_ENV, sdk.APP)])
def test_none_credentials_are_sent(run, sdks, server, version, source, role):
    assert version in EFFECT.releases
    outcome = run(sdks.sdk(version), source)

    assert outcome.raised is EFFECT.raises, outcome.describe()  # the client built and sent
    [request] = server.seen()
    header, _, auth = EFFECT.says.format(auth=sdk.CREDENTIAL_NONE_AUTH[role]).partition(": ")
    assert request.header(header) == shown(auth)

    expect_flag(source, "CIO304", line=line_of(source, "os.getenv"), **sdk_settings(version))
