"""CIO202 datetime-offset and CIO402 before 1.1: what the SDK does with datetimes and regions.

CIO202 claims: every release reads a naive datetime as UTC (so local wall-clock time is off by
the machine's offset), and releases before 3.1.0 drop an aware datetime's offset (3.1.0+
convert it). CIO402 claims that releases before 1.1 have no `region` parameter at all.
"""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, V2, V3, expect_flag, expect_no_flag, line_of, sdk_settings

NAIVE_NOW = """\
import time
from datetime import datetime
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
OUT["true_epoch"] = int(time.time())
client.identify("u", last_login_at=datetime.now())
"""

AWARE_PLUS_TWO = """\
import time
from datetime import datetime, timedelta, timezone
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
OUT["true_epoch"] = int(time.time())
client.identify("u", last_login_at=datetime.now(timezone(timedelta(hours=2))))
"""

REGION_BEFORE_1_1 = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", region="eu")
"""

# A zone that is never UTC, so the naive error shows whatever the date (UTC+8, no DST).
LOCAL_TZ = {"TZ": "Asia/Singapore"}


def sent_minus_true(outcome, server) -> int:
    [request] = server.seen()
    return request.body["last_login_at"] - outcome.out["true_epoch"]


@pytest.mark.parametrize("version", FAMILIES)
def test_naive_local_time_is_read_as_utc(run, sdks, server, version):
    outcome = run(sdks.sdk(version), NAIVE_NOW, extra_env=LOCAL_TZ)
    assert outcome.raised is None, outcome.describe()
    # the wall clock of UTC+8 sent as if it were UTC: eight hours in the future. The effect the
    # message words (sdk.NAIVE_DATETIME_READ) must be one this test knows how to check.
    effects = {"reads it as UTC": lambda error: abs(error - 8 * 3600) <= 5}
    assert effects[sdk.NAIVE_DATETIME_READ](sent_minus_true(outcome, server))
    expect_flag(NAIVE_NOW, "CIO202", line=line_of(NAIVE_NOW, "datetime.now()"), says=sdk.NAIVE_DATETIME_READ,
                **sdk_settings(version))


@pytest.mark.slow
def test_aware_offset_is_dropped_before_3_1(run, sdks, server):
    outcome = run(sdks.sdk(V2), AWARE_PLUS_TWO)
    assert outcome.raised is None, outcome.describe()
    effects = {"drops the offset": lambda error: abs(error - 2 * 3600) <= 5}  # +02:00 wall clock read as UTC
    assert effects[sdk.AWARE_OFFSET_DROPPED](sent_minus_true(outcome, server))
    expect_flag(AWARE_PLUS_TWO, "CIO202", says=sdk.AWARE_OFFSET_DROPPED, **sdk_settings(V2))


def test_aware_offset_is_converted_from_3_1(run, sdks, server):
    outcome = run(sdks.sdk(V3), AWARE_PLUS_TWO)
    assert outcome.raised is None, outcome.describe()
    assert abs(sent_minus_true(outcome, server)) <= 5  # the right instant
    expect_no_flag(AWARE_PLUS_TWO, "CIO202", **sdk_settings(V3))


@pytest.mark.slow
def test_region_keyword_is_a_type_error_before_1_1(run, sdks):
    outcome = run(sdks.sdk("1.0"), REGION_BEFORE_1_1)
    assert outcome.raised_a("TypeError"), outcome.describe()
    assert "region" in outcome.message
    expect_flag(REGION_BEFORE_1_1, "CIO402", line=3, **sdk_settings("1.0"))
