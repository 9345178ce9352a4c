"""CIO701-704: transactional request objects, built and sent by the real SDK."""

from __future__ import annotations

import pytest

from cio_lint import sdk

from .support import FAMILIES, expect_flag, expect_no_flag, line_of, sdk_settings

CUSTOMER_IO_EXCEPTION = "customerio.client_base.CustomerIOException"

# --- CIO702 -----------------------------------------------------------------------------------

POSITIONAL_DICT = """\
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url=URL, retries=0)
request = SendEmailRequest({"transactional_message_id": 3, "to": "a@b.c", "identifiers": {"id": "u"}})
client.send_email(request)
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_positional_dict_becomes_the_message_id(run, sdks, server, version):
    effect = sdk.REQUEST_POSITIONAL_DICT
    assert version in effect.releases
    outcome = run(sdks.sdk(version), POSITIONAL_DICT)

    assert outcome.raised is effect.raises, outcome.describe()
    [request] = server.seen()
    assert (request.method, request.path) == ("POST", "/v1/send/email")
    assert request.body == {effect.says: {"transactional_message_id": 3, "to": "a@b.c", "identifiers": {"id": "u"}}}

    expect_flag(POSITIONAL_DICT, "CIO702", line=line_of(POSITIONAL_DICT, "SendEmailRequest({"), **sdk_settings(version))


KEYWORDS = POSITIONAL_DICT.replace(
    'SendEmailRequest({"transactional_message_id": 3, "to": "a@b.c", "identifiers": {"id": "u"}})',
    'SendEmailRequest(transactional_message_id=3, to="a@b.c", identifiers={"id": "u"})',
)


@pytest.mark.parametrize("version", FAMILIES)
def test_keywords_send_the_fields(run, sdks, server, version):
    """What CIO702's fix produces."""
    outcome = run(sdks.sdk(version), KEYWORDS)

    assert outcome.raised is None, outcome.describe()
    [request] = server.seen()
    assert request.body == {"transactional_message_id": 3, "to": "a@b.c", "identifiers": {"id": "u"}}

    for code in ("CIO701", "CIO702", "CIO703", "CIO704"):
        expect_no_flag(KEYWORDS, code, **sdk_settings(version))


# --- CIO701 -----------------------------------------------------------------------------------


def request_snippet(cls: str, method: str, fields: str) -> str:
    return f"""\
from customerio import APIClient, {cls}

client = APIClient("APP_KEY", url=URL, retries=0)
request = {cls}({fields})
client.{method}(request)
"""


MISSING_FIELD_CASES = [
    pytest.param("SendEmailRequest", "send_email", 'transactional_message_id=3, to="a@b.c"', "identifiers",
                 id="email-identifiers"),
    pytest.param("SendEmailRequest", "send_email", 'transactional_message_id=3, identifiers={"id": "u"}', "to",
                 id="email-to"),
    pytest.param("SendSMSRequest", "send_sms", 'transactional_message_id=3, to="+15555550100"', "identifiers",
                 id="sms-identifiers"),
    pytest.param("SendPushRequest", "send_push", "transactional_message_id=3", "identifiers", id="push-identifiers"),
    pytest.param("SendSMSRequest", "send_sms", 'to="+15555550100", identifiers={"id": "u"}', "transactional_message_id",
                 id="sms-without-template"),
    pytest.param("SendEmailRequest", "send_email", 'to="a@b.c", identifiers={"id": "u"}, subject="Hi"',
                 "transactional_message_id", id="email-content"),
]  # fmt: skip


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("cls, method, fields, missing", MISSING_FIELD_CASES)
def test_missing_field_is_absent_from_the_request(run, sdks, server, version, cls, method, fields, missing):
    effect = sdk.REQUEST_MISSING_FIELD
    assert version in effect.releases
    snippet = request_snippet(cls, method, fields)
    outcome = run(sdks.sdk(version), snippet)

    assert outcome.raised is effect.raises, outcome.describe()
    [request] = server.seen()
    assert request.path == f"/v1/send/{method[len('send_'):]}"
    assert missing not in request.body, request.body  # the SDK sent it anyway, without the key

    expect_flag(snippet, "CIO701", line=line_of(snippet, f"{cls}("), **sdk_settings(version))


# --- CIO703 -----------------------------------------------------------------------------------

IDENTIFIER_CASES = [
    pytest.param('{"user_id": "u"}', id="user_id"),
    pytest.param('{"id": "undefined"}', id="placeholder"),
]


@pytest.mark.parametrize("version", FAMILIES)
@pytest.mark.parametrize("identifiers", IDENTIFIER_CASES)
def test_identifiers_are_sent_as_written(run, sdks, server, version, identifiers):
    effect = sdk.IDENTIFIERS_KEY
    assert version in effect.releases
    snippet = request_snippet("SendEmailRequest", "send_email",
                              f'transactional_message_id=3, to="a@b.c", identifiers={identifiers}')  # fmt: skip
    outcome = run(sdks.sdk(version), snippet)

    assert outcome.raised is effect.raises, outcome.describe()
    [request] = server.seen()
    assert request.body["identifiers"] == eval(identifiers)  # no client-side check, no rewrite

    expect_flag(snippet, "CIO703", line=line_of(snippet, "identifiers="), **sdk_settings(version))


# --- CIO704 -----------------------------------------------------------------------------------

WRONG_CLASS = """\
from customerio import APIClient, SendEmailRequest

client = APIClient("APP_KEY", url=URL, retries=0)
request = SendEmailRequest(transactional_message_id=3, to="a@b.c", identifiers={"id": "u"})
client.send_push(request)
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_send_with_the_wrong_request_class(run, sdks, server, version):
    effect = sdk.REQUEST_CLASS_MISMATCH
    assert version in effect.releases
    outcome = run(sdks.sdk(version), WRONG_CLASS)

    assert outcome.raised == effect.raises, outcome.describe()
    assert "AttributeError" in outcome.message and effect.says in outcome.message
    assert bool(server.seen()) is effect.sends

    expect_flag(WRONG_CLASS, "CIO704", line=line_of(WRONG_CLASS, "send_push"), **sdk_settings(version))
