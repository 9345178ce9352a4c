from __future__ import annotations

import libcst as cst

from cio_lint.inventory import EVENT, PERSON
from cio_lint.plan import accepts
from cio_lint.rules._plan import plan_name, planned_send
from cio_lint.rules.base import Invalid, Rule, Valid

PLAN = {"tracking-plan": {
    "events": {"order_completed": {"properties": {"total": "number", "paid": "boolean", "note": "any"}}},
    "attributes": {"plan_id": "integer", "signed_up_at": "timestamp"},
}}  # fmt: skip
HEAD = "import time\nfrom customerio import CustomerIO, analytics\ncio = CustomerIO('s', 'k')\n"


class PlanTypeMismatch(Rule):
    """A property or person attribute is sent with a value of another type than the plan's.

    ## What it does
    With a tracking plan that types an event property or a person attribute, reports each
    value of another JSON type (a string where the plan says number, a number where it says
    boolean...), where the code shows the type: literals, names bound once to one, `str()`,
    f-strings, `int(time.time())`, datetimes. Integers and floats are both numbers; values
    whose type the code does not show are left alone; `None` (which clears) is accepted.

    ## Why is this bad?
    Segment and filter conditions compare the planned type: `plan_id` equals `3` never
    matches a person whose `plan_id` was sent as `"3"`, and a date condition reads epoch
    seconds, not a date string. The API accepts both, so the person silently falls out.

    ## Example
    ```python
    # cio-plan.toml: [attributes] plan_id = "integer"
    cio.identify(id=user.id, plan_id=str(user.plan_id))
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, plan_id=user.plan_id)
    ```

    ## Fix safety
    No fix: converting a value may need more than a cast.
    """

    CODE = "CIO506"
    NAME = "plan-type-mismatch"

    VALID = [
        Valid(HEAD + "cio.identify('u', plan_id='3')\n"),  # no plan
        Valid(HEAD + "cio.identify('u', plan_id=3, signed_up_at=int(time.time()))\n", config=PLAN),
        Valid(HEAD + "cio.track('u', 'order_completed', data={'total': 9.5, 'paid': True, 'note': 3})\n", config=PLAN),
        Valid(HEAD + "cio.identify('u', plan_id=user.plan_id, signed_up_at=None)\n", config=PLAN),
    ]
    INVALID = [
        Invalid(HEAD + "cio.identify('u', plan_id=str(user.plan_id))\n", config=PLAN, line=4),
        Invalid(HEAD + "analytics.identify('u', {'signed_up_at': '2024-05-01'})\n", config=PLAN),
        Invalid(HEAD + "cio.track('u', 'order_completed', data={'total': '9.50', 'paid': 'yes'})\n",
                config=PLAN, count=2),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        send = planned_send(self, node, EVENT, PERSON)
        if send is None:
            return
        plan = self.context.settings.tracking_plan
        for field in send.fields:
            if send.kind == EVENT:
                if not isinstance(send.name, str):
                    return
                planned = plan.property(send.name, field.key)
                what = f"property {field.key!r} of event {send.name!r}"
            else:
                planned = plan.attribute(field.key)
                what = f"person attribute {field.key!r}"
            if planned is None or accepts(planned.type, field.type) or field.value is None:
                continue
            self.report(field.value,
                        f"{what} is {_a(field.type)}, {plan_name(self)} says {planned.type}: conditions on it "
                        f"never match; send {_a(planned.type)}")  # fmt: skip


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"
