"""CIO203 unserializable-value (and CIO104 device-platform): values the SDK sends as given."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, V2, V3, expect_flag, expect_no_flag, line_of, sdk_settings

SLOW = pytest.mark.slow


def identify_snippet(imports: str, attributes: str) -> str:
    return f"""\
{imports}
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.identify("u", {attributes})
"""


# (imports, attribute as written, the type json names)
VALUES = [
    pytest.param("from datetime import date", "birthday=date(1990, 5, 17)", "date", id="date"),
    pytest.param("from decimal import Decimal", 'balance=Decimal("10.50")', "Decimal", id="Decimal"),
    pytest.param("import uuid", "ref=uuid.uuid4()", "UUID", id="UUID"),
    pytest.param("", "tags={1, 2}", "set", id="set"),
    pytest.param("", 'avatar=b"..."', "bytes", id="bytes"),
    pytest.param("from datetime import date", 'meta={"day": date.today()}', "date", id="nested-date"),
]


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("imports, attribute, type_name", VALUES)
def test_unserializable_value_is_never_sent(run, sdks, server, version, imports, attribute, type_name):
    effect = sdk.UNSERIALIZABLE
    assert version in effect.releases
    source = identify_snippet(imports, attribute)
    outcome = run(sdks.sdk(version), source)

    assert sdk.TRANSPORT_RAISES.matches(outcome.raised, outcome.message), outcome.describe()
    assert outcome.raised == effect.raises
    assert f"Object of type {type_name} {effect.says}" in outcome.message
    assert bool(server.seen()) is effect.sends

    expect_flag(source, "CIO203", line=line_of(source, "client.identify("), **sdk_settings(version))


NESTED_DATETIME = identify_snippet("from datetime import datetime", 'meta={"at": datetime(2024, 1, 1)}')


@SLOW
def test_nested_datetime_fails_before_3_1(run, sdks, server):
    effect = sdk.UNSERIALIZABLE
    outcome = run(sdks.sdk(V2), NESTED_DATETIME)

    assert outcome.raised == effect.raises, outcome.describe()
    assert f"Object of type datetime {effect.says}" in outcome.message
    assert server.seen() == []

    expect_flag(NESTED_DATETIME, "CIO203", line=line_of(NESTED_DATETIME, "client.identify("), **sdk_settings(V2))


def test_nested_datetime_is_converted_from_3_1(run, sdks, server):
    assert sdk.NESTED_DATETIME_SINCE <= V3
    outcome = run(sdks.sdk(V3), NESTED_DATETIME)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"meta": {"at": 1704067200}}

    expect_no_flag(NESTED_DATETIME, "CIO203", **sdk_settings(V3))


# --- CIO104 -----------------------------------------------------------------------------------


def device_snippet(arguments: str) -> str:
    return f"""\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT, retries=0)
client.add_device("u", "token", {arguments})
"""


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("arguments, device", [
    pytest.param('"iOS"', {"id": "token", "platform": "iOS"}, id="platform-case"),
    pytest.param('"web"', {"id": "token", "platform": "web"}, id="platform-web"),
    pytest.param('"ios", app_version="1.2"', {"id": "token", "platform": "ios", "app_version": "1.2"},
                 id="stray-keyword"),
])  # fmt: skip
def test_add_device_sends_platform_and_keywords_as_given(run, sdks, server, version, arguments, device):
    effect = sdk.DEVICE_SENT
    assert version in effect.releases
    source = device_snippet(arguments)
    outcome = run(sdks.sdk(version), source)

    assert outcome.raised is effect.raises, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("PUT", "/api/v1/customers/u/devices")
    assert request.body == {"device": device}  # no check, no attributes object

    expect_flag(source, "CIO104", line=line_of(source, "add_device("), **sdk_settings(version))


DEVICE_ATTRIBUTES = device_snippet('"ios", attributes={"app_version": "1.2"}')


@pytest.mark.parametrize("version", FAMILIES)
def test_add_device_attributes_keyword(run, sdks, server, version):
    """What the message asks for: attributes= lands at device.attributes."""
    outcome = run(sdks.sdk(version), DEVICE_ATTRIBUTES)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"device": {"id": "token", "platform": "ios", "attributes": {"app_version": "1.2"}}}

    expect_no_flag(DEVICE_ATTRIBUTES, "CIO104", **sdk_settings(version))
