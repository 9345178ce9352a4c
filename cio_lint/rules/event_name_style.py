from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.config import DEFAULT_CDP_EVENT_NAME_PATTERN, DEFAULT_EVENT_NAME_PATTERN
from cio_lint.resolve import CDP_CALL, METHOD, Resolver, argument
from cio_lint.rules.base import Invalid, Rule, Valid


def snake_case(name: str) -> str:
    """"SignedUp" / "Signed Up" / "signed-up" / "HTTPRequest" -> "signed_up" / "http_request"."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


def event_name_argument(resolver: Resolver, node: cst.Call) -> Optional[cst.BaseExpression]:
    """The expression `node` passes as an event name to the SDK or the CDP library, if any.

    Shared by the event-name rules (CIO501, CIO502).
    """
    call = resolver.sdk_call(node)
    if call is None:
        return None
    if call.kind == METHOD and call.method is not None and call.method.event_name:
        return call.arg(call.method.event_name)
    if call.kind == CDP_CALL and call.target.name in sdk.CDP_EVENT_METHODS:
        param = sdk.CDP_EVENT_METHODS[call.target.name]
        return argument(node, sdk.CDP_TRACK_PARAMS.index(param), param)
    return None


class EventNameStyle(Rule):
    """An event name is empty or off the project's naming convention for its API.

    ## What it does
    Checks literal event names given to `track()`, `track_anonymous()`, `backfill()` (the
    Track client) and CDP `analytics.track()` against the convention of that API:
    `event-name-pattern` (alias `track-event-name-pattern`; default snake_case) for the Track
    client, `cdp-event-name-pattern` for the CDP library (default: snake_case or Segment-style
    "Object Action" Title Case, such as `User Deleted`, the form Customer.io's Data Pipelines
    use in their track spec and semantic events: https://docs.customer.io/integrations/data-in/
    source-spec/track-spec/). A project-wide `event-name-pattern` also applies to CDP calls
    unless `cdp-event-name-pattern` is set. Names listed in `events` are the dashboard's own
    and are left alone; an unknown event off the convention is CIO502's (one finding).

    ## Why is this bad?
    Campaign triggers, segments and metrics match event names exactly, and neither the SDK nor
    the API checks a name. A name off the project's convention is the one a trigger written in
    that convention (`signed_up`) will not match, so the campaign silently never starts for
    it. An empty name is an event nothing can match.

    ## Example
    ```python
    cio.track(user.id, "Signed Up")
    ```

    ## Use instead
    ```python
    cio.track(user.id, "signed_up")
    ```

    ## Fix safety
    Unsafe: renaming an event changes what the dashboard sees; triggers on the old name stop
    matching.
    """

    CODE = "CIO501"
    NAME = "event-name-style"
    FIX = "unsafe"

    VALID = [
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'signed_up')\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', event_name)\n"),
        Valid("import analytics\nanalytics.track('u', 'Signed Up')\n"),  # Segment, not ours
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'Order.Paid')\n",
              config={"event-name-pattern": r"^[A-Z][a-z]+\.[A-Z][a-z]+$"}),
        # the CDP library's own convention: Segment-style "Object Action" Title Case
        Valid("from customerio import analytics\nanalytics.track(user.id, 'User Deleted')\n"),
        Valid("from customerio import analytics\nanalytics.track(user.id, 'Device Created or Updated')\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'SignedUp')\n",
              config={"events": ["SignedUp"]}),  # the dashboard's own name
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'SignedUp')\n",
                fixed="from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'signed_up')\n"),
        Invalid("from customerio import CustomerIO\n"
                "CustomerIO('s','k').backfill('u', name=\"Signed Up\", timestamp=1)\n",
                fixed="from customerio import CustomerIO\n"
                      "CustomerIO('s','k').backfill('u', name=\"signed_up\", timestamp=1)\n"),
        Invalid("from customerio import analytics\nanalytics.track('u', 'order-completed')\n",
                fixed="from customerio import analytics\nanalytics.track('u', 'order_completed')\n"),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', '')\n"),
        Invalid("from customerio import analytics\nanalytics.track('u', 'User Deleted')\n",
                config={"cdp-event-name-pattern": r"^[a-z]+(_[a-z]+)*$"},
                fixed="from customerio import analytics\nanalytics.track('u', 'user_deleted')\n"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        name_expr = event_name_argument(self.resolver, node)
        if name_expr is None:
            return
        literal = self.resolver.literal(name_expr)
        if literal is None or not isinstance(literal.value, str):
            return
        name = literal.value
        settings = self.context.settings
        if name in settings.events:
            return  # the dashboard's own name (CIO502's list): matching it is what counts
        call = self.resolver.sdk_call(node)
        api = "cdp" if call is not None and call.kind == CDP_CALL else "track"
        pattern = settings.event_name_pattern_for(api)
        if name and re.search(pattern, name):
            return
        if not name:
            self.report(name_expr, "the event name is empty: no trigger, segment or metric can match it; "
                                   "name the event")  # fmt: skip
            return
        convention = _CONVENTIONS.get(pattern, "in the project's pattern")
        suggestion = snake_case(name)
        fits = bool(suggestion) and re.search(pattern, suggestion)
        fix = None
        if fits and isinstance(name_expr, cst.SimpleString) and literal.node is name_expr:
            quote = name_expr.quote
            fix = self.fix(self.replace(name_expr, f"{name_expr.prefix}{quote}{suggestion}{quote}"))
        rename = f"rename it {suggestion!r}" if fits else "rename it"
        self.report(
            name_expr,
            f"event {name!r} is not {convention}, so triggers named in that style miss it; {rename}",
            fix,
            help=(f"{'CDP' if api == 'cdp' else 'Track'} event names are checked against {pattern!r} "
                  f"({'cdp-event-name-pattern' if api == 'cdp' else 'event-name-pattern'}). Customer.io "
                  f"matches event names exactly, so a campaign trigger or segment written in the "
                  f"project's convention does not match {name!r}. If the project names its events this "
                  f"way on purpose, set the pattern instead of renaming (renaming breaks triggers on "
                  f"the old name)."),
        )


#: how a message names the default patterns
_CONVENTIONS = {
    DEFAULT_EVENT_NAME_PATTERN: "snake_case",
    DEFAULT_CDP_EVENT_NAME_PATTERN: "snake_case/Title Case",
}
