from __future__ import annotations

import libcst as cst

from cio_lint.inventory import MESSAGE
from cio_lint.rules._plan import it_or_them, missing_keys, plan_name, planned_send
from cio_lint.rules.base import Invalid, Rule, Valid

PLAN = {"tracking-plan": {"messages": {
    "password_reset": {"id": 12, "variables": ["reset_url", "trigger.first_name"]},
    "receipt": {},
}}}  # fmt: skip
HEAD = "from customerio import SendEmailRequest\n"


class MissingTemplateVariable(Rule):
    """`message_data` lacks a variable the planned transactional message's template reads.

    ## What it does
    With a tracking plan that lists the `variables` a transactional message's templates read
    (`{{trigger.reset_url}}` is the variable `reset_url`), reports a `Send*Request` for that
    message whose `message_data` the code shows in full and which lacks one of them. Silent
    when `message_data` is built elsewhere, has `**` in it, or is set on the request later.

    ## Why is this bad?
    Customer.io's Liquid reads trigger data as `{{trigger.<key>}}`; a key that is not sent
    renders as nothing (Liquid's default for a missing variable), so the email goes out with
    an empty link or name. The API accepts
    the request: only the recipient notices.

    ## Example
    ```python
    # cio-plan.toml: [messages.password_reset] variables = ["reset_url"]
    SendEmailRequest(transactional_message_id="password_reset", message_data={"url": url}, ...)
    ```

    ## Use instead
    ```python
    SendEmailRequest(transactional_message_id="password_reset", message_data={"reset_url": url}, ...)
    ```

    ## Fix safety
    No fix: only the author knows the value.
    """

    CODE = "CIO509"
    NAME = "missing-template-variable"

    VALID = [
        Valid(HEAD + "SendEmailRequest(transactional_message_id='password_reset', message_data={})\n"),  # no plan
        Valid(HEAD + "SendEmailRequest(transactional_message_id=12, "
                     "message_data={'reset_url': u, 'first_name': n, 'extra': 1})\n", config=PLAN),
        Valid(HEAD + "SendEmailRequest(transactional_message_id='password_reset', message_data=data)\n", config=PLAN),
        Valid(HEAD + "SendEmailRequest(transactional_message_id='receipt', message_data={})\n", config=PLAN),
        Valid(HEAD + "r = SendEmailRequest(transactional_message_id='password_reset')\n"
                     "r.message_data = {'reset_url': u, 'first_name': n}\n", config=PLAN),
    ]
    INVALID = [
        Invalid(HEAD + "SendEmailRequest(transactional_message_id='password_reset', message_data={'url': u, "
                       "'first_name': n})\n", config=PLAN),
        Invalid(HEAD + "SendEmailRequest(transactional_message_id=12, identifiers={'id': 1})\n", config=PLAN),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        send = planned_send(self, node, MESSAGE)
        plan = self.context.settings.tracking_plan if send is not None else None
        if plan is None or send.open or send.name is None:
            return
        message = plan.message(send.name)
        if message is None or not message.variables:
            return
        missing = missing_keys(send, message.variables)
        if not missing:
            return
        target = self.resolver.sdk_call(node).arg("message_data") or send.name_node or node
        self.report(target,
                    f"message_data lacks {', '.join(repr(m) for m in missing)}, which {send.name!r} reads as "
                    f"{{{{trigger.<key>}}}} ({plan_name(self)}): empty in the message; "
                    f"add {it_or_them(missing)}")  # fmt: skip
