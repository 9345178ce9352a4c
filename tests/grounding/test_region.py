"""CIO401 region-mismatch, CIO402 region-string, CIO403 host-region-conflict: which host each
client talks to, observed through an offline recorder (the request is prepared and handed to
the transport, which records it and answers 200 without opening a socket)."""

from __future__ import annotations

import pytest

from .support import FAMILIES, expect_flag, expect_no_flag, line_of, sdk_settings

CUSTOMER_IO_EXCEPTION = "customerio.client_base.CustomerIOException"

# --- CIO401 -----------------------------------------------------------------------------------

DEFAULT_REGION_CLIENTS = """\
from customerio import APIClient, CustomerIO, SendEmailRequest

track = CustomerIO("SITE", "KEY", retries=0)
api = APIClient("APP_KEY", retries=0)
OUT["base_url"] = track.base_url
OUT["api_url"] = api.url
track.identify("u", email="a@b.c")
api.send_email(SendEmailRequest(transactional_message_id=1, to="a@b.c", identifiers={"id": "u"}))
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_default_region_clients_talk_to_us_hosts(run, sdks, version):
    outcome = run(sdks.sdk(version), DEFAULT_REGION_CLIENTS, offline=True)

    assert outcome.raised is None, outcome.describe()
    assert outcome.out == {"base_url": "https://track.customer.io/api/v1", "api_url": "https://api.customer.io"}
    assert [(r["method"], r["url"]) for r in outcome.offline] == [
        ("PUT", "https://track.customer.io/api/v1/customers/u"),
        ("POST", "https://api.customer.io/v1/send/email"),
    ]

    for needle in ("track = CustomerIO(", "api = APIClient("):
        line = line_of(DEFAULT_REGION_CLIENTS, needle)
        expect_flag(DEFAULT_REGION_CLIENTS, "CIO401", line=line, region="eu", **sdk_settings(version))
    # silent without a configured region, and right for a US workspace
    expect_no_flag(DEFAULT_REGION_CLIENTS, "CIO401", **sdk_settings(version))
    expect_no_flag(DEFAULT_REGION_CLIENTS, "CIO401", region="us", **sdk_settings(version))


EU_REGION_CLIENTS = """\
from customerio import APIClient, CustomerIO, Regions, SendEmailRequest

track = CustomerIO("SITE", "KEY", region=Regions.EU, retries=0)
api = APIClient("APP_KEY", region=Regions.EU, retries=0)
OUT["base_url"] = track.base_url
OUT["api_url"] = api.url
track.identify("u", email="a@b.c")
api.send_email(SendEmailRequest(transactional_message_id=1, to="a@b.c", identifiers={"id": "u"}))
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_eu_region_clients_talk_to_eu_hosts(run, sdks, version):
    outcome = run(sdks.sdk(version), EU_REGION_CLIENTS, offline=True)

    assert outcome.raised is None, outcome.describe()
    assert outcome.out == {"base_url": "https://track-eu.customer.io/api/v1", "api_url": "https://api-eu.customer.io"}
    assert [(r["method"], r["url"]) for r in outcome.offline] == [
        ("PUT", "https://track-eu.customer.io/api/v1/customers/u"),
        ("POST", "https://api-eu.customer.io/v1/send/email"),
    ]

    expect_no_flag(EU_REGION_CLIENTS, "CIO401", region="eu", **sdk_settings(version))
    for needle in ("track = CustomerIO(", "api = APIClient("):
        line = line_of(EU_REGION_CLIENTS, needle)
        expect_flag(EU_REGION_CLIENTS, "CIO401", line=line, region="us", **sdk_settings(version))


HOST_BEATS_REGION = """\
from customerio import APIClient, CustomerIO, Regions, SendEmailRequest

track = CustomerIO("SITE", "KEY", host="track.customer.io", region=Regions.EU, retries=0)
api = APIClient("APP_KEY", url="https://api.customer.io", region=Regions.EU, retries=0)
OUT["base_url"] = track.base_url
OUT["api_url"] = api.url
track.identify("u", email="a@b.c")
api.send_email(SendEmailRequest(transactional_message_id=1, to="a@b.c", identifiers={"id": "u"}))
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_host_and_url_win_over_region(run, sdks, version):
    outcome = run(sdks.sdk(version), HOST_BEATS_REGION, offline=True)

    assert outcome.raised is None, outcome.describe()
    assert outcome.out == {"base_url": "https://track.customer.io/api/v1", "api_url": "https://api.customer.io"}
    assert [r["url"] for r in outcome.offline] == [
        "https://track.customer.io/api/v1/customers/u",
        "https://api.customer.io/v1/send/email",
    ]

    for needle in ("track = CustomerIO(", "api = APIClient("):
        line = line_of(HOST_BEATS_REGION, needle)
        expect_flag(HOST_BEATS_REGION, "CIO401", line=line, region="eu", **sdk_settings(version))
        expect_flag(HOST_BEATS_REGION, "CIO403", line=line, **sdk_settings(version))


# --- CIO402 -----------------------------------------------------------------------------------

REGION_EU_STRING = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", region="eu")
OUT["constructed"] = True
"""

REGION_US_STRING = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", region="us")
OUT["constructed"] = True
"""

REGION_NONE = """\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", region=None)
OUT["constructed"] = True
"""

APP_CLIENT_REGION_STRING = """\
from customerio import APIClient

client = APIClient("APP_KEY", region="eu")
OUT["constructed"] = True
"""


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize(
    "snippet",
    [
        pytest.param(REGION_EU_STRING, id="track-eu"),
        pytest.param(REGION_US_STRING, id="track-us"),
        pytest.param(REGION_NONE, id="track-none"),
        pytest.param(APP_CLIENT_REGION_STRING, id="app-eu"),
    ],
)
def test_region_not_a_region_object_raises_at_construction(run, sdks, version, snippet):
    outcome = run(sdks.sdk(version), snippet, offline=True)

    assert outcome.raised == CUSTOMER_IO_EXCEPTION, outcome.describe()
    assert outcome.message == "invalid region provided"
    assert outcome.out == {}  # the line after the constructor never ran
    assert outcome.offline == []

    expect_flag(snippet, "CIO402", line=line_of(snippet, "client = "), **sdk_settings(version))
