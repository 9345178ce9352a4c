from __future__ import annotations

import libcst as cst

from cio_lint.inventory import MESSAGE
from cio_lint.rules._plan import plan_name, planned_send, suggestion
from cio_lint.rules.base import Invalid, Rule, Valid

PLAN = {"tracking-plan": {"messages": {"password_reset": {"id": 12, "variables": ["reset_url"]}, "7": {}}}}
HEAD = "from customerio import SendEmailRequest, SendPushRequest\n"


class UnknownTransactionalMessage(Rule):
    """A `transactional_message_id` that is not one of the tracking plan's messages.

    ## What it does
    With a tracking plan that lists transactional `messages` (by trigger name, or by id), checks
    every literal `transactional_message_id=` of a `Send*Request` against them: a trigger name
    or a numeric id the plan does not list is reported, with a close trigger name if any.

    ## Why is this bad?
    The App API looks the message up by that id or trigger name (Customer.io's API reference:
    "the transactional message template that you want to use for your message", by numerical
    ID or by trigger name). An id the plan does not list is a typo, a message deleted or not
    yet created, or a plan out of date: unless the workspace has that message, the request
    has no template to send, and that shows only at run time, in the path that sends it.

    ## Example
    ```python
    # cio-plan.toml: [messages.password_reset] id = 12
    SendEmailRequest(transactional_message_id="pasword_reset", identifiers={"id": user.id})
    ```

    ## Use instead
    ```python
    SendEmailRequest(transactional_message_id="password_reset", identifiers={"id": user.id})
    ```

    ## Fix safety
    No fix: the plan or the code may be out of date.
    """

    CODE = "CIO508"
    NAME = "unknown-transactional-message"

    VALID = [
        Valid(HEAD + "SendEmailRequest(transactional_message_id='pasword_reset')\n"),  # no plan
        Valid(HEAD + "SendEmailRequest(transactional_message_id='password_reset')\n", config=PLAN),
        Valid(HEAD + "SendEmailRequest(transactional_message_id=12)\nSendPushRequest(transactional_message_id='7')\n",
              config=PLAN),
        Valid(HEAD + "SendEmailRequest(transactional_message_id=message_id)\n", config=PLAN),
        Valid(HEAD + "SendEmailRequest(transactional_message_id=99)\n", config={"tracking-plan": {"events": {}}}),
    ]
    INVALID = [
        Invalid(HEAD + "SendEmailRequest(transactional_message_id='pasword_reset')\n", config=PLAN),
        Invalid(HEAD + "RESET = 13\nSendEmailRequest(transactional_message_id=RESET, identifiers={'id': 1})\n",
                config=PLAN, line=3),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        send = planned_send(self, node, MESSAGE)
        plan = self.context.settings.tracking_plan if send is not None else None
        if plan is None or plan.messages is None or send.name is None or send.name_node is None:
            return
        if plan.message(send.name) is not None:
            return
        advice = suggestion(str(send.name), [m.key for m in plan.messages], "fix the id or plan it")
        self.report(send.name_node,
                    f"message {send.name!r} is not in {plan_name(self)}: if the workspace lacks "
                    f"it, nothing is sent; {advice}")  # fmt: skip
