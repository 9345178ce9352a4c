"""CIO201 ms-timestamp: a millisecond epoch goes out unchanged; nothing in the SDK notices."""

from __future__ import annotations

import time

import pytest

from .support import FAMILIES, V3, expect_flag, line_of, sdk_settings

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

    expect_flag(IDENTIFY_MS, "CIO201", line=line_of(IDENTIFY_MS, "created_at="), **sdk_settings(version))


def test_track_timestamp_ms_sent_unchanged_on_3x(run, sdks, server):
    before = time.time()
    outcome = run(sdks.sdk(V3), TRACK_MS)
    after = time.time()

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/api/v1/customers/u/events")
    assert request.body["name"] == "signed_up" and request.body["data"] == {}
    assert_is_ms_epoch_of_now(request.body["timestamp"], before, after)

    expect_flag(TRACK_MS, "CIO201", line=line_of(TRACK_MS, "timestamp="), **sdk_settings(V3))


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

    expect_flag(BACKFILL_MS, "CIO201", line=line_of(BACKFILL_MS, "client.backfill("), **sdk_settings(version))
