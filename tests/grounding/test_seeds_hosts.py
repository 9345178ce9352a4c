"""CIO406 host-with-path: hosts and URLs that repeat the path the SDK appends, or the port."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, expect_flag, expect_no_flag, line_of, sdk_settings

# The port is written into the literal (not read from PORT) so that the linted text is the text
# that ran.


def track_snippet(host: str, extra: str = "") -> str:
    return f"""\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host="{host}"{extra}, retries=0)
client.identify("u", email="a@b.c")
"""


def app_snippet(url: str) -> str:
    return f"""\
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url="{url}", retries=0)
client.send_email(SendEmailRequest(transactional_message_id=3, to="a@b.c", identifiers={{"id": "u"}}))
"""


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("kind, path", [("track", "api/v1"), ("track", "api"), ("app", "v1")])
def test_host_with_path_doubles_the_path(run, sdks, server, version, kind, path):
    effect = sdk.HOST_PATH
    assert version in effect.releases
    if kind == "track":  # no port=: the SDK's default 443 leaves the host's own port in place
        source, appended, needle = track_snippet(f"127.0.0.1:{server.port}/{path}"), sdk.TRACK_URL_PREFIX, "host="
    else:
        source, appended, needle = app_snippet(f"https://127.0.0.1:{server.port}/{path}"), "/v1/send", "url="
    outcome = run(sdks.sdk(version), source)

    assert outcome.raised is effect.raises, outcome.describe()
    [request] = server.seen()
    assert request.path.startswith(effect.says.format(path=path, appended=appended)), request.path

    expect_flag(source, "CIO406", line=line_of(source, needle), **sdk_settings(version))


@pytest.mark.parametrize("version", FAMILIES)
def test_host_without_the_path_reaches_the_api_path(run, sdks, server, version):
    """What the fix produces."""
    source = track_snippet(f"127.0.0.1:{server.port}")
    outcome = run(sdks.sdk(version), source)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.path == "/api/v1/customers/u"

    expect_no_flag(source, "CIO406", **sdk_settings(version))


@pytest.mark.parametrize("version", FAMILIES)
def test_port_in_host_and_port_parameter(run, sdks, server, version):
    effect = sdk.HOST_PORT_TWICE
    source = track_snippet(f"127.0.0.1:{server.port}", ", port=9000")
    outcome = run(sdks.sdk(version), source)

    assert sdk.TRANSPORT_RAISES.matches(outcome.raised, outcome.message), outcome.describe()
    assert outcome.raised == effect.raises and effect.says in outcome.message
    assert bool(server.seen()) is effect.sends

    expect_flag(source, "CIO406", line=line_of(source, "host="), **sdk_settings(version))
