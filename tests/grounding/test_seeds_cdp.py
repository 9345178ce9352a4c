"""CIO101, CIO201 and CIO601 on customerio.analytics (customerio-cdp-analytics 1.1.0)."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import expect_flag, expect_no_flag, line_of

pytestmark = pytest.mark.slow  # pip-installs customerio-cdp-analytics

SETUP = """\
import time
from customerio import analytics

analytics.write_key = "WRITE_KEY"
analytics.sync_mode = True
analytics.host = URL
"""

# (the call, the rule, the record and its fields)
CASES = [
    pytest.param('analytics.track("", "Signed Up")', "CIO101", sdk.CDP_NO_IDENTITY, {}, id="track-blank-user"),
    pytest.param('analytics.identify(user_id=None, traits={"plan": "pro"})', "CIO101", sdk.CDP_NO_IDENTITY, {},
                 id="identify-none-user"),
    pytest.param('analytics.page("", None, "Pricing")', "CIO101", sdk.CDP_NO_IDENTITY, {}, id="page-blank-user"),
    pytest.param('analytics.track("u", "Signed Up", timestamp=1700000000)', "CIO201",
                 sdk.CDP_TIMESTAMP_NOT_DATETIME, {"value": "1700000000"}, id="epoch-timestamp"),
    pytest.param('analytics.track("u", "Signed Up", plan="pro")', "CIO601", sdk.UNEXPECTED_KEYWORD,
                 {"callable": sdk.CDP_TRACK_CALLABLE, "keyword": "plan"}, id="keyword-properties"),
]  # fmt: skip


@pytest.mark.parametrize("call, code, record, fields", CASES)
def test_cdp_call_fails_before_queueing(run, sdks, server, call, code, record, fields):
    source = SETUP + call + "\n"
    outcome = run(sdks.cdp(), source)

    assert record.format(**fields).matches(outcome.raised, outcome.message), outcome.describe()
    assert server.seen() == []

    expect_flag(source, code, line=line_of(source, call))


FIXED = [
    'analytics.track("", "Viewed Pricing", anonymous_id="visitor-1")',
    'analytics.track("u", "Signed Up", properties={"plan": "pro"})',
]


@pytest.mark.parametrize("call", FIXED)
def test_cdp_call_in_the_suggested_form_is_sent(run, sdks, server, call):
    source = SETUP + call + "\n"
    outcome = run(sdks.cdp(), source)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.path == "/v1/batch" and len(request.body["batch"]) == 1

    for code in ("CIO101", "CIO201", "CIO601"):
        expect_no_flag(source, code)
