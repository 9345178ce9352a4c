from __future__ import annotations

from typing import List

import libcst as cst

from cio_lint import sdk
from cio_lint.rules._requests import is_dict, later_fields, request_call
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.REQUEST_MISSING_FIELD


class RequestMissingField(Rule):
    """A `Send*Request` without `identifiers=`, an email without `to=` or without a message id or content.

    ## What it does
    Checks the fields (keywords, or positions in the release's order) of `SendEmailRequest`,
    `SendPushRequest`, `SendSMSRequest`, `SendWhatsAppRequest`, `SendInAppRequest` and
    `SendInboxMessageRequest` constructions: every one needs `identifiers=`; an email also needs `to=`, and either
    `transactional_message_id=` or its own `body`, `subject` and `_from`; an SMS or WhatsApp
    message needs `transactional_message_id=` (they are sent from a template only). A field passed as
    `None` counts as missing. Silent when `**kwargs` are passed, when the same scope sets the
    field afterwards (`request.identifiers = ...`), or when the request is handed to anything
    but an SDK `send_*` call.

    ## Why is this bad?
    The SDK validates nothing and drops `None` fields: the request is sent with the key absent
    (observed on customerio 3.2.0 and 2.4, grounded in
    `tests/grounding/test_seeds_requests.py`). Customer.io's documentation ("Transactional API
    Examples") lists the recipient's `to` address and `identifiers` (`id`, `email` or
    `cio_id`) as what sending a message needs, and "Set up a transactional SMS or WhatsApp
    message" says those "must use a `transactional_message_id`", so the message is not sent as
    intended.

    ## Example
    ```python
    request = SendEmailRequest(transactional_message_id=3, to=user.email)
    ```

    ## Use instead
    ```python
    request = SendEmailRequest(transactional_message_id=3, to=user.email,
                               identifiers={"id": user.id})
    ```

    ## Fix safety
    No fix: only the author knows the recipient.
    """

    CODE = "CIO701"
    NAME = "request-missing-field"

    VALID = [
        Valid("""
            from customerio import APIClient, SendEmailRequest
            r = SendEmailRequest(transactional_message_id=3, to='a@b.c', identifiers={'id': 'u'})
            APIClient('k').send_email(r)
            """),
        # an email with its own content needs no message id
        Valid("""
            from customerio import SendEmailRequest
            r = SendEmailRequest(to='a@b.c', identifiers={'email': 'a@b.c'}, _from='x@y.z', subject='Hi', body='..')
            """),
        Valid("from customerio import SendPushRequest\nr = SendPushRequest(transactional_message_id=3, **fields)\n"),
        # set later in the same scope
        Valid("""
            from customerio import APIClient, SendEmailRequest
            def send(user):
                r = SendEmailRequest(transactional_message_id=3, to=user.email)
                r.identifiers = {'id': user.id}
                APIClient('k').send_email(r)
            """),
        # handed to a helper that may complete it
        Valid("""
            from customerio import SendSMSRequest
            def build():
                return SendSMSRequest(transactional_message_id=3)
            """),
        # fields given by position, in the SDK's order (transactional_message_id, to, identifiers)
        Valid("""
            from customerio import APIClient, SendEmailRequest
            APIClient('k').send_email(SendEmailRequest(3, 'a@b.c', {'id': 'u'}))
            """),
        # a positional dict is CIO702's finding
        Valid("from customerio import SendEmailRequest\nr = SendEmailRequest({'to': 'a@b.c'})\n"),
        # a look-alike
        Valid("from mailer import SendEmailRequest\nr = SendEmailRequest(transactional_message_id=3)\n"),
    ]
    INVALID = [
        Invalid("""
            from customerio import APIClient, SendEmailRequest
            api = APIClient('k')
            api.send_email(SendEmailRequest(transactional_message_id=3, to='a@b.c'))
            """, line=3),
        Invalid("""
            from customerio import APIClient, SendEmailRequest
            def send(user):
                request = SendEmailRequest(transactional_message_id="welcome", identifiers={"id": user.id})
                request.message_data = {"name": user.name}
                return APIClient('k').send_email(request)
            """, line=3),
        Invalid("""
            import customerio
            request = customerio.SendPushRequest(transactional_message_id=1, identifiers=None)
            customerio.APIClient('k').send_push(request)
            """),
        Invalid("""
            from customerio import APIClient, SendEmailRequest
            APIClient('k').send_email(SendEmailRequest(to='a@b.c', identifiers={'id': 'u'}, subject='Hi'))
            """),
        # `to` by position is still `to`: identifiers is what is missing
        Invalid("""
            from customerio import APIClient, SendEmailRequest
            APIClient('k').send_email(SendEmailRequest(3, 'a@b.c'))
            """, line=2),
        # SMS and WhatsApp cannot be sent without a template
        Invalid("""
            from customerio import APIClient, SendSMSRequest
            APIClient('k').send_sms(SendSMSRequest(to='+15555550100', identifiers={'id': 'u'}))
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = request_call(self.resolver, node)
        if call is None:
            return
        first = call.arg("transactional_message_id")
        if first is not None and is_dict(self.resolver, first):
            return  # a positional dict: CIO702
        cls = call.target.sdk_class.name
        missing = [f for f in sdk.REQUEST_REQUIRED_FIELDS.get(cls, ()) if not self._given(call, f)]
        content: List[str] = []
        if cls == "SendEmailRequest" and not self._given(call, "transactional_message_id"):
            content = [f for f in sdk.EMAIL_CONTENT_FIELDS if not self._given(call, f)]
        if not missing and not content:
            return
        later = later_fields(self.resolver, node)
        if later is None:
            return
        missing = [f for f in missing if f not in later]
        content = [f for f in content if f not in later]
        if not missing and not content:
            return
        what = " or ".join(f"{f}=" for f in missing)
        if content:
            need = f"transactional_message_id= (or {', '.join(f'{f}=' for f in content)})"
            what = f"{what} or {need}" if what else need
        self.report(
            node,
            f"{cls} without {what}: the SDK sends the request {_EFFECT.says}, and Customer.io's docs "
            f"require it; add it",
        )

    def _given(self, call, field: str) -> bool:
        value = call.arg(field)
        if value is None:
            return False
        literal = self.resolver.literal(value)
        return literal is None or literal.value is not None
