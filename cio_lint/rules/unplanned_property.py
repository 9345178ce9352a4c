from __future__ import annotations

import libcst as cst

from cio_lint.inventory import EVENT
from cio_lint.rules._plan import planned_properties, planned_send, report_unplanned
from cio_lint.rules.base import Invalid, Rule, Valid

PLAN = {"tracking-plan": {"events": {
    "order_completed": {"properties": {"total": {"type": "number", "required": True}, "currency": "string"}},
    "signed_up": {},
}}}  # fmt: skip
HEAD = "from customerio import CustomerIO, analytics\ncio = CustomerIO('s', 'k')\n"


class UnplannedProperty(Rule):
    """An event property the tracking plan does not list for that event.

    ## What it does
    With a tracking plan (`tracking-plan` in `[tool.cio-lint]`) that lists an event's
    `properties`, reports each key the code sends with that event (`data={...}`, keyword
    data, CDP `properties`) that the plan does not list, naming a close planned key when
    there is one. Events whose properties the plan does not list are not checked.

    ## Why is this bad?
    Customer.io stores whatever keys arrive, so a misspelt key (`totl` for `total`) is
    accepted silently: the segment, trigger filter or message template that reads `total`
    sees nothing for these events. A key the plan does not know is either such a typo or a
    property the plan (and the people building campaigns from it) should hear about.

    ## Example
    ```python
    # cio-plan.toml: [events.order_completed.properties] total = "number"
    cio.track(user.id, "order_completed", data={"totl": 42})
    ```

    ## Use instead
    ```python
    cio.track(user.id, "order_completed", data={"total": 42})
    ```

    ## Fix safety
    No fix: the code or the plan may be the one to change.
    """

    CODE = "CIO505"
    NAME = "unplanned-property"

    VALID = [
        Valid(HEAD + "cio.track('u', 'order_completed', data={'totl': 1})\n"),  # no plan
        Valid(HEAD + "cio.track('u', 'order_completed', data={'total': 1, 'currency': 'EUR'})\n", config=PLAN),
        Valid(HEAD + "cio.track('u', 'signed_up', data={'anything': 1})\n", config=PLAN),  # properties not listed
        Valid(HEAD + "cio.track('u', 'order_completed', data=payload)\n", config=PLAN),
        Valid("import analytics\nanalytics.track('u', 'order_completed', {'totl': 1})\n", config=PLAN),  # Segment
    ]
    INVALID = [
        Invalid(HEAD + "cio.track('u', 'order_completed', data={'totl': 1, 'total': 2})\n", config=PLAN, line=3),
        Invalid(HEAD + "analytics.track('u', 'order_completed', {'total': 1, 'coupon': 'X', 'discount': 2})\n",
                config=PLAN, count=2),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        send = planned_send(self, node, EVENT)
        properties = planned_properties(self, send)
        if properties is None:
            return
        report_unplanned(self, send, [p.name for p in properties],
                         lambda key: f"property {key!r} of event {send.name!r}", "nothing planned reads it")
