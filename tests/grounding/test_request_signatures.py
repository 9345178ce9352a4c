"""The request classes' constructor shapes in sdk.py are the real releases' signatures, in order.

A positional argument binds by position (`SendEmailRequest(3, "a@b.c", {"id": ""})`): rules
read `identifiers` and `to` from wherever sdk.py says they sit, so the order must be the SDK's.
"""

from __future__ import annotations

import pytest
from packaging.version import Version

from cio_lint import sdk

from .support import FAMILIES, expect_flag, line_of, sdk_settings

SIGNATURES = """\
import inspect
import customerio

OUT["params"] = {
    name: [p for p in inspect.signature(getattr(customerio, name).__init__).parameters if p != "self"]
    for name in NAMES if hasattr(customerio, name)
}
"""


#: every release where a request class's signature changes (sdk.REQUEST_FIELD_WINDOWS), besides
#: the two families: pip-installed, hence slow
BOUNDARIES = [pytest.param(v, id=v, marks=pytest.mark.slow) for v in ("1.0", "1.6", "1.6.1", "2.0", "3.0.0", "3.1.0")]


@pytest.mark.parametrize("version", [*FAMILIES, *BOUNDARIES])
def test_request_shapes_are_the_releases_signatures(run, sdks, version):
    names = [c.name for c in sdk.REQUEST_CLASSES]
    outcome = run(sdks.sdk(version), f"NAMES = {names!r}\n" + SIGNATURES, offline=True)
    assert outcome.raised is None, outcome.describe()

    expected = {}
    for cls in sdk.REQUEST_CLASSES:
        shape = cls.constructor_for(Version(version))
        if shape is not None:
            expected[cls.name] = list(shape.params)
    assert outcome.out["params"] == expected


POSITIONAL = """\
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url=URL, retries=0)
request = SendEmailRequest(3, "a@b.c", {"id": ""})
client.send_email(request)
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_positional_fields_bind_in_the_sdks_order(run, sdks, server, version):
    outcome = run(sdks.sdk(version), POSITIONAL)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"transactional_message_id": 3, "to": "a@b.c", "identifiers": {"id": ""}}

    # so the blank id is judged where the SDK puts it: identifiers, the third parameter
    expect_flag(POSITIONAL, "CIO101", line=line_of(POSITIONAL, "SendEmailRequest("), says=sdk.SENT_UNCHECKED,
                **sdk_settings(version))  # fmt: skip
