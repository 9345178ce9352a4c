from __future__ import annotations

import libcst as cst

from cio_lint.inventory import PERSON
from cio_lint.rules._plan import planned_send, report_unplanned
from cio_lint.rules.base import Invalid, Rule, Valid

PLAN = {"tracking-plan": {"attributes": {"email": "string", "plan_id": "integer", "first_name": "string"}}}
HEAD = "from customerio import CustomerIO, analytics\ncio = CustomerIO('s', 'k')\n"


class UnplannedAttribute(Rule):
    """A person attribute the tracking plan does not list.

    ## What it does
    With a tracking plan that has an `[attributes]` table, reports each attribute the code
    sends (`identify()` keywords, CDP `identify()` traits) that the table does not list,
    naming a close planned attribute when there is one. Without an `[attributes]` table,
    attributes are not checked.

    ## Why is this bad?
    Customer.io creates an attribute for whatever name arrives. A misspelt one (`frist_name`)
    leaves the real attribute stale: segments on it and templates reading
    `{{customer.first_name}}` never see the new value.

    ## Example
    ```python
    # cio-plan.toml: [attributes] first_name = "string"
    cio.identify(id=user.id, frist_name=user.first_name)
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, first_name=user.first_name)
    ```

    ## Fix safety
    No fix: the code or the plan may be the one to change.
    """

    CODE = "CIO510"
    NAME = "unplanned-attribute"

    VALID = [
        Valid(HEAD + "cio.identify('u', frist_name='A')\n"),  # no plan
        Valid(HEAD + "cio.identify('u', email='a@b.c', plan_id=3)\n", config=PLAN),
        Valid(HEAD + "cio.identify('u', **attributes)\n", config=PLAN),
        Valid(HEAD + "cio.identify('u', frist_name='A')\n", config={"tracking-plan": {"events": {}}}),
    ]
    INVALID = [
        Invalid(HEAD + "cio.identify('u', email='a@b.c', frist_name='A')\n", config=PLAN),
        Invalid(HEAD + "analytics.identify('u', {'plan': 'pro', 'email': 'a@b.c'})\n", config=PLAN),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        send = planned_send(self, node, PERSON)
        plan = self.context.settings.tracking_plan if send is not None else None
        if plan is None or plan.attributes is None:
            return
        report_unplanned(self, send, [a.name for a in plan.attributes], lambda key: f"person attribute {key!r}",
                         "it becomes a new attribute nothing reads")
