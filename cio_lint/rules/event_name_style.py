from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import CDP_CALL, METHOD, Resolver
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
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == param:
                return arg.value
        positional = [a for a in node.args if a.keyword is None and not a.star]
        index = sdk.CDP_TRACK_PARAMS.index(param)
        return positional[index].value if len(positional) > index else None
    return None


class EventNameStyle(Rule):
    """An event name is empty or does not follow the project's naming pattern (snake_case).

    ## What it does
    Checks literal event names given to `track()`, `track_anonymous()`, `backfill()` and CDP
    `analytics.track()` against `event-name-pattern` (default: snake_case).

    ## Why is this bad?
    Campaign triggers, segments and metrics match event names exactly. An event sent as
    `SignedUp` or `Signed Up` never matches a trigger on `signed_up`, and nothing reports it:
    the campaign just never starts. An empty name is an event nobody can trigger on.

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
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'SignedUp')\n",
                fixed="from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'signed_up')\n"),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').backfill('u', name=\"Signed Up\", timestamp=1)\n",
                fixed="from customerio import CustomerIO\nCustomerIO('s','k').backfill('u', name=\"signed_up\", timestamp=1)\n"),
        Invalid("from customerio import analytics\nanalytics.track('u', 'order-completed')\n",
                fixed="from customerio import analytics\nanalytics.track('u', 'order_completed')\n"),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', '')\n"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        name_expr = event_name_argument(self.resolver, node)
        if name_expr is None:
            return
        literal = self.resolver.literal(name_expr)
        if literal is None or not isinstance(literal.value, str):
            return
        name = literal.value
        if name in self.context.settings.events:
            return  # the dashboard's own name (CIO502's list): matching it is what counts
        pattern = self.context.settings.event_name_pattern
        if name and re.search(pattern, name):
            return
        if not name:
            self.report(name_expr, "the event name is empty: no campaign, segment or metric can "
                                   "trigger on it; name the event (snake_case, e.g. 'signed_up')")
            return
        suggestion = snake_case(name)
        fits = bool(suggestion) and re.search(pattern, suggestion)
        hint = f", e.g. {suggestion!r}" if fits else ""
        fix = None
        if fits and isinstance(name_expr, cst.SimpleString) and literal.node is name_expr:
            quote = name_expr.quote
            fix = self.fix(self.replace(name_expr, f"{name_expr.prefix}{quote}{suggestion}{quote}"))
        self.report(
            name_expr,
            f"event name {name!r} does not match the event naming pattern {pattern!r}: "
            f"triggers and segments match event names exactly, so one written as "
            f"{suggestion or 'intended'!r} never fires for it; rename the event{hint}",
            fix,
        )
