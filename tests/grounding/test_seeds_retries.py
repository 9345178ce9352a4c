"""CIO607 retries-not-applied: what `retries=` does to POST calls and error statuses per major."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import V2, V3, expect_flag, expect_no_flag, line_of, sdk_settings

EFFECT = sdk.RETRIES_NOT_APPLIED
RETRIES = 2

TRACK_POST = f"""\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries={RETRIES}, backoff_factor=0)
client.track("u", "signed_up")
"""

APP_SEND = f"""\
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url=URL, retries={RETRIES}, backoff_factor=0)
client.send_email(SendEmailRequest(transactional_message_id=3, to="a@b.c", identifiers={{"id": "u"}}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("source", [TRACK_POST, APP_SEND], ids=["track", "send_email"])
def test_retries_are_not_applied_before_3(run, sdks, server, source):
    assert V2 in EFFECT.releases
    server.answer(503, b'{"meta":{"error":"unavailable"}}')
    outcome = run(sdks.sdk(V2), source)

    assert outcome.raised == EFFECT.raises, outcome.describe()
    assert EFFECT.says.format(retries=RETRIES) in outcome.message
    assert len(server.seen()) == 1  # one attempt, whatever the message says

    expect_flag(source, "CIO607", line=line_of(source, "retries="), **sdk_settings(V2))


@pytest.mark.parametrize("source", [TRACK_POST, APP_SEND], ids=["track", "send_email"])
def test_retries_are_applied_from_3(run, sdks, server, source):
    assert sdk.RETRY_EVERY_METHOD_SINCE <= V3
    server.answer(503, b'{"meta":{"error":"unavailable"}}')
    outcome = run(sdks.sdk(V3), source)

    assert outcome.raised == EFFECT.raises, outcome.describe()
    assert len(server.seen()) == RETRIES + 1

    expect_no_flag(source, "CIO607", **sdk_settings(V3))
