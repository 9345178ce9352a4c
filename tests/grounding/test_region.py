"""CIO401 region-mismatch, CIO402 region-string, CIO403 host-region-conflict: which host each
client talks to, observed through an offline recorder (the request is prepared and handed to
the transport, which records it and answers 200 without opening a socket)."""

from __future__ import annotations

import base64

import pytest

from cio_lint import sdk

from .support import FAMILIES, expect_flag, expect_no_flag, line_of, lint, sdk_settings

US, EU = sdk.REGIONS["us"], sdk.REGIONS["eu"]


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
    # the hosts the messages name come from sdk.REGIONS: a wrong record fails here
    assert outcome.out == {"base_url": f"https://{US.track_host}/api/v1", "api_url": f"https://{US.api_host}"}
    assert [(r["method"], r["url"]) for r in outcome.offline] == [
        ("PUT", f"https://{US.track_host}/api/v1/customers/u"),
        ("POST", f"https://{US.api_host}/v1/send/email"),
    ]

    # Track: what Customer.io documents for EU data sent to the US host (sdk.TRACK_EU_DATA_VIA_US)
    line = line_of(DEFAULT_REGION_CLIENTS, "track = CustomerIO(")
    expect_flag(DEFAULT_REGION_CLIENTS, "CIO401", line=line, region="eu", **sdk_settings(version),
                says=(f"US host {US.track_host}", sdk.TRACK_EU_DATA_VIA_US.says))
    # App API: only where the data goes; no documented effect is claimed
    line = line_of(DEFAULT_REGION_CLIENTS, "api = APIClient(")
    expect_flag(DEFAULT_REGION_CLIENTS, "CIO401", line=line, region="eu", **sdk_settings(version),
                says=(f"US host {US.api_host}",))
    assert not any("401" in f.message or "refused" in f.message
                   for f in lint(DEFAULT_REGION_CLIENTS, code="CIO401", region="eu", **sdk_settings(version)))
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
    assert outcome.out == {"base_url": f"https://{EU.track_host}/api/v1", "api_url": f"https://{EU.api_host}"}
    assert [(r["method"], r["url"]) for r in outcome.offline] == [
        ("PUT", f"https://{EU.track_host}/api/v1/customers/u"),
        ("POST", f"https://{EU.api_host}/v1/send/email"),
    ]

    expect_no_flag(EU_REGION_CLIENTS, "CIO401", region="eu", **sdk_settings(version))
    # Track: a US account's requests to the EU endpoints fail, per the docs (sdk.TRACK_US_DATA_VIA_EU)
    expect_flag(EU_REGION_CLIENTS, "CIO401", line=line_of(EU_REGION_CLIENTS, "track = CustomerIO("),
                region="us", says=(f"EU host {EU.track_host}", sdk.TRACK_US_DATA_VIA_EU.says), **sdk_settings(version))
    expect_flag(EU_REGION_CLIENTS, "CIO401", line=line_of(EU_REGION_CLIENTS, "api = APIClient("),
                region="us", says=(f"EU host {EU.api_host}",), **sdk_settings(version))


@pytest.mark.parametrize("version", FAMILIES)
def test_wrong_region_client_sends_the_workspace_credentials_there(run, sdks, version):
    """What CIO401 can prove offline: the other region's host gets the workspace's credentials
    (Track: Basic site_id:api_key; App API: Bearer key). What the server then does is
    Customer.io's documentation (sdk.TRACK_EU_DATA_VIA_US), not observable here."""
    outcome = run(sdks.sdk(version), DEFAULT_REGION_CLIENTS, offline=True)
    assert outcome.raised is None, outcome.describe()
    track, api = outcome.offline
    assert track["url"].startswith(f"https://{US.track_host}/")
    assert base64.b64decode(track["headers"]["Authorization"].split()[1]) == b"SITE:KEY"
    assert api["url"].startswith(f"https://{US.api_host}/")
    assert api["headers"]["Authorization"] == "Bearer APP_KEY"


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
    assert outcome.out == {"base_url": f"https://{US.track_host}/api/v1", "api_url": f"https://{US.api_host}"}
    assert [r["url"] for r in outcome.offline] == [
        f"https://{US.track_host}/api/v1/customers/u",
        f"https://{US.api_host}/v1/send/email",
    ]

    for needle in ("track = CustomerIO(", "api = APIClient("):
        line = line_of(HOST_BEATS_REGION, needle)
        # one finding per mistake: with the workspace's region known, CIO401 says it all
        eu = lint(HOST_BEATS_REGION, code="CIO403", region="eu", **sdk_settings(version))
        assert [f.code for f in eu if f.line == line] == ["CIO401"], eu
        expect_flag(HOST_BEATS_REGION, "CIO401", line=line, region="eu", says="US host", **sdk_settings(version))
        expect_flag(HOST_BEATS_REGION, "CIO403", line=line, says="US host", **sdk_settings(version))


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

    assert sdk.REGION_RAISES.matches(outcome.raised, outcome.message), outcome.describe()
    assert outcome.out == {}  # the line after the constructor never ran
    assert outcome.offline == []

    expect_flag(snippet, "CIO402", line=line_of(snippet, "client = "), says=sdk.REGION_RAISES.says(),
                **sdk_settings(version))
