"""CIO404 cdp-unknown-setting and CIO604 sdk-distribution-conflict: customerio-cdp-analytics."""

from __future__ import annotations

import base64

import pytest

from cio_lint import sdk

from .support import CDP_VERSION, SdkEnv, V3, expect_flag, expect_no_flag, line_of, venv_python

pytestmark = pytest.mark.slow  # everything here pip-installs

# --- CIO404 -----------------------------------------------------------------------------------

CDP_ENDPOINT_SETTING = """\
import os
from customerio import analytics

analytics.write_key = os.environ["CDP_WRITE_KEY"]
analytics.sync_mode = True
analytics.endpoint = URL
analytics.track("u", "signed_up", {"plan": "pro"})
"""


@pytest.mark.parametrize(
    "write_key, default_host, authorization",
    [
        pytest.param("WRITE_KEY", "https://cdp.customer.io", "Basic " + base64.b64encode(b"WRITE_KEY:").decode(),
                     id="plain-key"),
        pytest.param("pk_eu_123", "https://cdp-eu.customer.io", "Bearer pk_eu_123", id="eu-key"),
    ],
)  # fmt: skip
def test_cdp_endpoint_setting_is_never_read(run, sdks, server, write_key, default_host, authorization):
    # offline: the library's requests session records instead of connecting
    outcome = run(sdks.cdp(), CDP_ENDPOINT_SETTING, offline=True, extra_env={"CDP_WRITE_KEY": write_key})

    assert outcome.raised is None, outcome.describe()
    assert server.seen() == []  # the URL given as `endpoint` got nothing
    [request] = outcome.offline
    assert (request["method"], request["url"]) == ("POST", f"{default_host}/v1/batch")
    assert request["headers"]["Authorization"] == authorization
    [message] = request["body"]["batch"]
    assert (message["userId"], message["event"], message["properties"]) == ("u", "signed_up", {"plan": "pro"})

    line = line_of(CDP_ENDPOINT_SETTING, "analytics.endpoint")
    expect_flag(CDP_ENDPOINT_SETTING, "CIO404", line=line)


CDP_HOST_SETTING = """\
from customerio import analytics

analytics.write_key = "WRITE_KEY"
analytics.sync_mode = True
analytics.host = URL
analytics.track("u", "signed_up", {"plan": "pro"})
"""


def test_cdp_host_setting_is_honoured(run, sdks, server):
    outcome = run(sdks.cdp(), CDP_HOST_SETTING)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/v1/batch")
    assert request.header("Authorization") == "Basic " + base64.b64encode(b"WRITE_KEY:").decode()
    assert [m["event"] for m in request.body["batch"]] == ["signed_up"]

    expect_no_flag(CDP_HOST_SETTING, "CIO404")


# --- CIO604 -----------------------------------------------------------------------------------

SDK_IMPORT = """\
from customerio import CustomerIO

OUT["client"] = CustomerIO.__name__
"""

SUBMODULE_IMPORTS = """\
import os
import customerio
from customerio.track import CustomerIO
from customerio import analytics

OUT["init_size"] = os.path.getsize(customerio.__file__)
OUT["names"] = [CustomerIO.__name__, analytics.__name__]
"""

BOTH_DEPENDENCIES = """\
[project]
name = "app"
version = "0"
dependencies = ["customerio==3.2.0", "customerio-cdp-analytics==1.1.0"]
"""


def venv_env(sdks, *steps: str) -> SdkEnv:
    path = sdks.venv(*steps)
    return SdkEnv("venv:" + "+".join(steps), str(venv_python(path)), (),
                  {"customerio": V3, "customerio-cdp-analytics": CDP_VERSION})  # fmt: skip


def test_cdp_installed_after_the_sdk_breaks_its_import(run, sdks, tmp_path):
    env = venv_env(sdks, f"customerio=={V3}", f"customerio-cdp-analytics=={CDP_VERSION}")

    outcome = run(env, SDK_IMPORT)
    raises = sdk.CANNOT_IMPORT.format(name="CustomerIO")
    assert raises.matches(outcome.raised, outcome.message), outcome.describe()

    survivors = run(env, SUBMODULE_IMPORTS)
    assert survivors.raised is None, survivors.describe()
    assert survivors.out == {"init_size": 0, "names": ["CustomerIO", "customerio.analytics"]}

    (tmp_path / "pyproject.toml").write_text(BOTH_DEPENDENCIES)
    app = tmp_path / "app.py"
    app.write_text(SDK_IMPORT)
    expect_flag(SDK_IMPORT, "CIO604", line=line_of(SDK_IMPORT, "from customerio import"), path=str(app), project="auto",
                says=f"raises {raises.name}")
    # the imports that survived are the rule's own advice: it stays silent on them
    app.write_text(SUBMODULE_IMPORTS)
    expect_no_flag(SUBMODULE_IMPORTS, "CIO604", path=str(app), project="auto")


def test_sdk_installed_after_cdp_restores_both(run, sdks):
    """The other order: the SDK's `__init__.py` overwrites the empty one and both import."""
    env = venv_env(sdks, f"customerio-cdp-analytics=={CDP_VERSION}", f"customerio=={V3}")

    outcome = run(env, SDK_IMPORT)
    assert outcome.raised is None, outcome.describe()
    assert outcome.out == {"client": "CustomerIO"}

    survivors = run(env, SUBMODULE_IMPORTS)
    assert survivors.raised is None, survivors.describe()
    assert survivors.out["init_size"] > 0
    assert survivors.out["names"] == ["CustomerIO", "customerio.analytics"]
