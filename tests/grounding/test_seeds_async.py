"""CIO405 async-region-ignored: async-customerio's Track client and `region=`.

async-customerio speaks httpx, not requests: its client factory is patched to an httpx
MockTransport that records each request (sdk-facts.md, "How to test"), so nothing is sent.
"""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import SdkEnv, expect_flag, expect_no_flag, line_of

pytestmark = pytest.mark.slow  # pip-installs async-customerio (and httpx) once per cache dir

RELEASE = sdk.ASYNC_RELEASE_OBSERVED

# Runs before the snippet under test (prepended), so the snippet's own lines are what is linted.
RECORDER = """\
import asyncio as _asyncio
import httpx as _httpx
from async_customerio.client_base import AsyncClientBase as _Base
_SEEN = OUT.setdefault("urls", [])
def _handler(request):
    _SEEN.append(str(request.url))
    return _httpx.Response(200, json={})
_Base._create_client = lambda self: _httpx.AsyncClient(transport=_httpx.MockTransport(_handler))
"""


def async_env(sdks) -> SdkEnv:
    try:
        path = sdks.target(f"{sdk.ASYNC_DISTRIBUTION}=={RELEASE}", deps=True)
    except pytest.fail.Exception as exc:  # pip's own output follows
        pytest.fail(f"installing {sdk.ASYNC_DISTRIBUTION}=={RELEASE} needs the package index "
                    f"(pip install); this test cannot run offline:\n{exc}", pytrace=False)  # fmt: skip
    return SdkEnv(f"async-{RELEASE}", __import__("sys").executable, (str(path),), {})


def run_async(run, env: SdkEnv, snippet: str):
    # the mock response raises on `.elapsed` after the request is captured: assert on the capture
    outcome = run(env, RECORDER + snippet + "\ntry:\n    _asyncio.run(main())\nexcept Exception:\n    pass\n")
    assert not outcome.raised, outcome.describe()
    return outcome


TRACK_EU = """\
from async_customerio import AsyncCustomerIO, Regions

async def main():
    client = AsyncCustomerIO("SITE", "KEY", region=Regions.EU)
    await client.identify("u", email="a@b.c")
"""


def test_async_track_client_ignores_the_region(run, sdks):
    effect = sdk.ASYNC_REGION_IGNORED
    assert RELEASE in effect.releases
    outcome = run_async(run, async_env(sdks), TRACK_EU)

    assert outcome.out["urls"] == [f"https://{effect.says}/api/v1/customers/u"]

    expect_flag(TRACK_EU, "CIO405", line=line_of(TRACK_EU, "region=Regions.EU"))


TRACK_EU_HOST = TRACK_EU.replace("region=Regions.EU)", 'region=Regions.EU, host="track-eu.customer.io")')


def test_async_track_client_with_the_eu_host(run, sdks):
    """What the fix produces."""
    outcome = run_async(run, async_env(sdks), TRACK_EU_HOST)

    assert outcome.out["urls"] == [f"https://{sdk.REGIONS['eu'].track_host}/api/v1/customers/u"]

    expect_no_flag(TRACK_EU_HOST, "CIO405")


APP_EU = """\
from async_customerio import AsyncAPIClient, Regions, SendEmailRequest

async def main():
    client = AsyncAPIClient("APP_KEY", region=Regions.EU)
    await client.send_email(SendEmailRequest(transactional_message_id=3, to="a@b.c", identifiers={"id": "u"}))
"""


def test_async_api_client_uses_the_region(run, sdks):
    outcome = run_async(run, async_env(sdks), APP_EU)

    assert outcome.out["urls"] == [f"https://{sdk.REGIONS['eu'].api_host}/v1/send/email"]

    expect_no_flag(APP_EU, "CIO405")
