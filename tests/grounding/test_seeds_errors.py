"""CIO605 exception-attribute: what reading `e.status_code` on a CustomerIOException does."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, expect_flag, expect_no_flag, line_of, sdk_settings

EFFECT = sdk.EXCEPTION_ATTRIBUTE
CUSTOMER_IO_EXCEPTION = "customerio.client_base.CustomerIOException"


def handler_reading(attribute: str) -> str:
    return f"""\
from customerio import CustomerIO, CustomerIOException

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
try:
    client.identify("u", email="a@b.c")
except CustomerIOException as e:
    OUT["read"] = repr(e.{attribute})
"""


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("attribute", ["status_code", "message"])
def test_exception_attribute_raises_in_the_handler(run, sdks, server, version, attribute):
    assert version in EFFECT.releases
    server.answer(429, b'{"meta":{"error":"rate limited"}}')
    snippet = handler_reading(attribute)
    outcome = run(sdks.sdk(version), snippet)

    assert "read" not in outcome.out
    assert outcome.raised == EFFECT.raises, outcome.describe()
    assert f"{EFFECT.says} {attribute!r}" in outcome.message
    # the error the handler was written for is only the context of the AttributeError
    assert outcome.context == CUSTOMER_IO_EXCEPTION
    assert bool(server.seen()) is EFFECT.sends

    expect_flag(snippet, "CIO605", line=line_of(snippet, f"e.{attribute}"), **sdk_settings(version))


HAS_ATTRIBUTES = handler_reading("args").replace(
    'OUT["read"] = repr(e.args)', f"OUT['present'] = [a for a in {sdk.EXCEPTION_MISSING_ATTRIBUTES!r} if hasattr(e, a)]"
)


@pytest.mark.parametrize("version", FAMILIES)
def test_the_exception_has_none_of_the_attributes(run, sdks, server, version):
    """Every attribute CIO605 names is missing (one run checks them all)."""
    server.answer(429, b'{"meta":{"error":"rate limited"}}')
    outcome = run(sdks.sdk(version), HAS_ATTRIBUTES)

    assert outcome.raised is None, outcome.describe()
    assert outcome.out == {"present": []}


STR_OF_THE_EXCEPTION = handler_reading("args").replace("repr(e.args)", "str(e)")


@pytest.mark.parametrize("version", FAMILIES)
def test_str_of_the_exception_carries_the_status(run, sdks, server, version):
    """The fix: str(e) works and holds the status code and the response text."""
    server.answer(429, b'{"meta":{"error":"rate limited"}}')
    outcome = run(sdks.sdk(version), STR_OF_THE_EXCEPTION)

    assert outcome.raised is None, outcome.describe()
    assert "429" in outcome.out["read"] and "rate limited" in outcome.out["read"]

    expect_no_flag(STR_OF_THE_EXCEPTION, "CIO605", **sdk_settings(version))
