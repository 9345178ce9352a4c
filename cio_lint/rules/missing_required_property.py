from __future__ import annotations

import libcst as cst

from cio_lint.inventory import EVENT
from cio_lint.rules._plan import it_or_them, missing_keys, plan_name, planned_properties, planned_send
from cio_lint.rules.base import Invalid, Rule, Valid

PLAN = {"tracking-plan": {"events": {
    "order_completed": {"properties": {"total": {"type": "number", "required": True},
                                       "currency": {"type": "string", "required": True}, "coupon": "string"}},
}}}  # fmt: skip
HEAD = "from customerio import CustomerIO, analytics\ncio = CustomerIO('s', 'k')\n"


class MissingRequiredProperty(Rule):
    """An event is sent without a property the tracking plan requires.

    ## What it does
    With a tracking plan that marks event properties `required = true`, reports an event sent
    with a data dict the code shows in full (`data={...}`, CDP `properties`, keyword data)
    that lacks one of them. Silent when the data comes from elsewhere (a variable built in
    several steps, `**kwargs`, a dict with `**` in it).

    ## Why is this bad?
    A campaign whose message reads `{{event.total}}` renders it empty for these events, and
    a trigger filter on the property never matches them. Customer.io accepts the event
    without the key: nothing reports it.

    ## Example
    ```python
    # cio-plan.toml: [events.order_completed.properties] total = { type = "number", required = true }
    cio.track(user.id, "order_completed", data={"currency": "EUR"})
    ```

    ## Use instead
    ```python
    cio.track(user.id, "order_completed", data={"currency": "EUR", "total": order.total})
    ```

    ## Fix safety
    No fix: only the author knows the value.
    """

    CODE = "CIO507"
    NAME = "missing-required-property"

    VALID = [
        Valid(HEAD + "cio.track('u', 'order_completed')\n"),  # no plan
        Valid(HEAD + "cio.track('u', 'order_completed', data={'total': 1, 'currency': 'EUR'})\n", config=PLAN),
        Valid(HEAD + "cio.track('u', 'order_completed', data={'total': 1, **extra})\n", config=PLAN),
        Valid(HEAD + "cio.track('u', 'order_completed', data=payload)\n", config=PLAN),
        Valid(HEAD + "cio.track('u', 'other', data={})\n", config=PLAN),
    ]
    INVALID = [
        Invalid(HEAD + "cio.track('u', 'order_completed', data={'total': 1, 'coupon': 'X'})\n", config=PLAN, line=3),
        Invalid(HEAD + "analytics.track('u', 'order_completed')\n", config=PLAN),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        send = planned_send(self, node, EVENT)
        properties = planned_properties(self, send)
        if properties is None or send.open or send.name_node is None:
            return
        missing = missing_keys(send, [p.name for p in properties if p.required])
        if not missing:
            return
        names = ", ".join(repr(m) for m in missing)
        self.report(send.name_node,
                    f"event {send.name!r} lacks {names}, required by {plan_name(self)}: templates render "
                    f"{it_or_them(missing)} empty; add {it_or_them(missing)} "
                    f"to the data")  # fmt: skip
