from __future__ import annotations

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import INSTANCE, METHOD
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.REQUEST_CLASS_MISMATCH
_METHOD_FOR = {cls: method for method, cls in sdk.SEND_METHOD_REQUEST.items()}


class RequestClassMismatch(Rule):
    """A `send_*` method given another kind of request: `send_push(SendEmailRequest(...))`.

    ## What it does
    Finds `APIClient.send_email/send_push/send_sms/send_whatsapp/send_in_app/send_inbox_message`
    calls whose argument is a request object (built at the call or bound to a name) of a class
    other than the method's own: `send_email` takes `SendEmailRequest`, `send_push` takes
    `SendPushRequest`, and so on.

    ## Why is this bad?
    Each `send_*` converts only its own class to JSON; given another request object it treats
    it as a plain dict, which fails inside the SDK: the `AttributeError`
    (`'SendEmailRequest' object has no attribute 'items'`) is wrapped in a
    `CustomerIOException` and nothing is sent (observed on customerio 3.2.0 and 2.4, grounded
    in `tests/grounding/test_seeds_requests.py`).

    ## Example
    ```python
    api.send_push(SendEmailRequest(transactional_message_id=3, identifiers={"id": user.id}))
    ```

    ## Use instead
    ```python
    api.send_push(SendPushRequest(transactional_message_id=3, identifiers={"id": user.id}))
    ```

    ## Fix safety
    No fix: either the method or the request class may be the mistake.
    """

    CODE = "CIO704"
    NAME = "request-class-mismatch"

    VALID = [
        Valid("""
            from customerio import APIClient, SendPushRequest
            APIClient('k').send_push(SendPushRequest(transactional_message_id=3))
            """),
        # a plain dict is sent as it is
        Valid("from customerio import APIClient\nAPIClient('k').send_push({'transactional_message_id': 3})\n"),
        # a look-alike request class
        Valid("""
            from customerio import APIClient
            from mailer import SendEmailRequest
            APIClient('k').send_push(SendEmailRequest())
            """),
        # a name bound to different things cannot be judged
        Valid("""
            from customerio import APIClient, SendEmailRequest, SendPushRequest
            req = SendEmailRequest()
            if push:
                req = SendPushRequest()
            APIClient('k').send_push(req)
            """),
    ]
    INVALID = [
        Invalid("""
            from customerio import APIClient, SendEmailRequest
            api = APIClient('k')
            api.send_push(SendEmailRequest(transactional_message_id=3, identifiers={'id': 'u'}))
            """, line=3),
        Invalid("""
            import customerio
            api = customerio.APIClient('k')
            request = customerio.SendSMSRequest(transactional_message_id=3, identifiers={'id': 'u'})
            api.send_email(request)
            """, line=4),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or call.kind != METHOD or call.role != sdk.APP:
            return
        expected = sdk.SEND_METHOD_REQUEST.get(call.target.name)
        argument = call.arg("request")
        if expected is None or argument is None:
            return
        value = self.resolver.value(argument)
        if value is None or value.kind != INSTANCE or value.sdk_class is None or value.sdk_class.role != sdk.REQUEST:
            return
        given = value.sdk_class.name
        if given == expected:
            return
        method = call.target.name
        other = _METHOD_FOR.get(given)
        instead = f"use {other}()" if other else f"pass a {expected}"
        sent = "sends nothing" if not _EFFECT.sends else "still sends"
        self.report(
            argument,
            f"{method}() takes a {expected}, not a {given}: the SDK raises {_EFFECT.error} and {sent}; "
            f"{instead}",
            help=f"Each send_* converts only its own request class; another one fails inside the SDK "
                 f"(AttributeError, {_EFFECT.says!r}), wrapped in {_EFFECT.error}.",
        )
