"""CIO201 ms-timestamp: a millisecond epoch goes out unchanged; nothing in the SDK notices."""

from __future__ import annotations

import time

import pytest

from cio_lint import sdk
from cio_lint.rules.ms_timestamp import SENT_UNCHANGED

from .support import FAMILIES, V3, expect_flag, line_of, sdk_settings

#: what every CIO201 message claims, read from the records this file grounds
CLAIMS = (SENT_UNCHANGED, f"as epoch {sdk.EPOCH_UNIT}")

IDENTIFY_MS = """\
import time
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.identify("u", created_at=int(time.time() * 1000))
"""

TRACK_MS = """\
import time
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.track("u", "signed_up", timestamp=int(time.time() * 1000))
"""

BACKFILL_MS = """\
import time
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.backfill("u", "signed_up", int(time.time() * 1000))
"""


def assert_is_ms_epoch_of_now(value, before: float, after: float) -> None:
    assert isinstance(value, int) and len(str(value)) == 13, value
    assert int(before * 1000) <= value <= int(after * 1000) + 1, (value, before, after)


@pytest.mark.parametrize("version", FAMILIES)
def test_identify_sends_ms_attribute_unchanged(run, sdks, server, version):
    env = sdks.sdk(version)
    before = time.time()
    outcome = run(env, IDENTIFY_MS)
    after = time.time()

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("PUT", "/api/v1/customers/u")
    assert list(request.body) == ["created_at"]
    assert_is_ms_epoch_of_now(request.body["created_at"], before, after)

    expect_flag(IDENTIFY_MS, "CIO201", line=line_of(IDENTIFY_MS, "created_at="), says=CLAIMS, **sdk_settings(version))


def test_track_timestamp_ms_sent_unchanged_on_3x(run, sdks, server):
    before = time.time()
    outcome = run(sdks.sdk(V3), TRACK_MS)
    after = time.time()

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/api/v1/customers/u/events")
    assert request.body["name"] == "signed_up" and request.body["data"] == {}
    assert_is_ms_epoch_of_now(request.body["timestamp"], before, after)

    expect_flag(TRACK_MS, "CIO201", line=line_of(TRACK_MS, "timestamp="), says=CLAIMS, **sdk_settings(V3))


@pytest.mark.parametrize("version", FAMILIES)
def test_backfill_sends_ms_timestamp_unchanged(run, sdks, server, version):
    before = time.time()
    outcome = run(sdks.sdk(version), BACKFILL_MS)
    after = time.time()

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/api/v1/customers/u/events")
    assert request.body["name"] == "signed_up" and request.body["data"] == {}
    assert_is_ms_epoch_of_now(request.body["timestamp"], before, after)

    expect_flag(BACKFILL_MS, "CIO201", line=line_of(BACKFILL_MS, "client.backfill("), says=CLAIMS,
                **sdk_settings(version))


DATETIMES_AS_SENT = """\
from datetime import datetime, timezone
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.backfill("u", "signed_up", datetime(2024, 1, 1, tzinfo=timezone.utc))
"""

LITERAL_MS = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.backfill("u", "signed_up", 1704067200000)
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_the_sdk_itself_sends_epoch_seconds(run, sdks, server, version):
    """The unit CIO201 calls Customer.io's (sdk.EPOCH_UNIT) is the one the SDK converts
    datetimes to; and the year the message names is what the literal means in that unit."""
    outcome = run(sdks.sdk(version), DATETIMES_AS_SENT)
    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    new_year_2024 = 1704067200  # datetime(2024, 1, 1, tzinfo=utc).timestamp(), in seconds
    assert request.body["timestamp"] == new_year_2024 * sdk.EPOCH_UNIT_SECONDS[sdk.EPOCH_UNIT]
    assert sdk.epoch_year(request.body["timestamp"]) == 2024

    server.reset()
    outcome = run(sdks.sdk(version), LITERAL_MS)
    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    # the effect the message words (SENT_UNCHANGED) must be one this test can check, and hold
    effects = {"sent unchanged": lambda sent, given: sent == given}
    assert effects[SENT_UNCHANGED](request.body["timestamp"], 1704067200000)
    year = sdk.epoch_year(request.body["timestamp"])
    assert 55_000 < year < 57_000  # what a millisecond value means, read in the SDK's unit
    expect_flag(LITERAL_MS, "CIO201", line=line_of(LITERAL_MS, "backfill("),
                says=CLAIMS + (f"the year {year:,}",), **sdk_settings(version))
