from __future__ import annotations

import difflib
import functools
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from cio_lint.rules.base import Invalid, Rule, Valid
from cio_lint.rules.event_name_style import event_name_argument, snake_case


#: Above this many configured events, a suggestion is looked for only among the events with
#: the same first letter: difflib over 200,000 events took ~8 s per unknown name.
MANY_EVENTS = 10_000


class EventIndex:
    """The configured events, indexed once per run (not per call, not per file): membership
    in a set, the snake_case spellings in a dict, events by first letter for suggestions."""

    def __init__(self, events: Sequence[str]) -> None:
        self.events = tuple(events)
        self.members = frozenset(self.events)
        self._by_snake: Optional[Dict[str, str]] = None
        self._by_letter: Optional[Dict[str, List[str]]] = None

    def __contains__(self, name: str) -> bool:
        return name in self.members

    def nearest(self, name: str) -> Optional[str]:
        """The configured event `name` was most likely meant to be, if any is close."""
        if self._by_snake is None:  # built on the first unknown name only
            self._by_snake = {}
            for event in self.events:
                self._by_snake.setdefault(snake_case(event), event)
        same_words = self._by_snake.get(snake_case(name))  # SignedUp / "signed up" -> signed_up
        if same_words is not None:
            return same_words
        candidates: Sequence[str] = self.events
        if len(self.events) > MANY_EVENTS:
            if self._by_letter is None:
                self._by_letter = {}
                for event in self.events:
                    self._by_letter.setdefault(event[:1].lower(), []).append(event)
            candidates = self._by_letter.get(name[:1].lower(), [])
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if close:
            return close[0]
        lowered = {e.lower(): e for e in candidates}
        close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[close[0]] if close else None


@functools.lru_cache(maxsize=8)
def event_index(events: Tuple[str, ...]) -> EventIndex:
    return EventIndex(events)


def nearest_event(name: str, events: Sequence[str]) -> Optional[str]:
    """The configured event `name` was most likely meant to be, if any is close."""
    return event_index(tuple(events)).nearest(name)


class UnknownEvent(Rule):
    """An event name is not one of the events configured in `[tool.cio-lint] events`.

    ## What it does
    When `events = [...]` lists the workspace's event names (as the dashboard's campaign
    triggers and segments use them), or a tracking plan lists its events (`tracking-plan`,
    of which `events` is the shorthand), checks every literal event name given to `track()`,
    `track_anonymous()`, `backfill()` and CDP `analytics.track()` against the list, and names
    the nearest known event. Silent when no events are configured; empty names are CIO501's.

    ## Why is this bad?
    Customer.io matches event names exactly. An event sent as `order_complete` is stored, but a
    campaign triggered by `order_completed` never starts for it and segments on it stay empty,
    and nothing reports the difference: the SDK and the API both accept any name.

    ## Example
    ```python
    # pyproject.toml: [tool.cio-lint] events = ["signed_up", "order_completed"]
    cio.track(user.id, "order_complete", data={"total": 42})
    ```

    ## Use instead
    ```python
    cio.track(user.id, "order_completed", data={"total": 42})
    ```

    ## Fix safety
    No fix: either the code or the configured list may be the one that is out of date.
    """

    CODE = "CIO502"
    NAME = "unknown-event"
    #: an unknown event that is also off the naming pattern is one mistake: this finding names
    #: the dashboard's event, which says more than the style rule's rename would
    SUPERSEDES = ("CIO501",)

    EVENTS = {"events": ["signed_up", "order_completed", "plan_changed"]}
    VALID = [
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'order_complete')\n"),  # no config
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'order_completed')\n", config=EVENTS),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', event_name)\n", config=EVENTS),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', '')\n", config=EVENTS),
        Valid("import analytics\nanalytics.track('u', 'order_complete')\n", config=EVENTS),  # Segment
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'order_complete')\n", config=EVENTS),
        Invalid("from customerio import CustomerIO\n"
                "SIGNUP = 'SignedUp'\n"
                "CustomerIO('s','k').track_anonymous('a', SIGNUP)\n", config=EVENTS),
        Invalid("from customerio import analytics\nanalytics.track('u', event='plan_change')\n", config=EVENTS),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').backfill('u', 'refunded', 1700000000)\n",
                config=EVENTS),
        # the tracking plan's events count as configured (`events` is its shorthand)
        Invalid("from customerio import CustomerIO\nc = CustomerIO('s','k')\nc.track('u', 'signed_up')\n"
                "c.track('u', 'signed_upp')\n", config={"tracking-plan": {"events": {"signed_up": {}}}}, line=4),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        events = self.context.settings.known_events
        if not events:
            return
        name_expr = event_name_argument(self.resolver, node)
        if name_expr is None:
            return
        literal = self.resolver.literal(name_expr)
        if literal is None or not isinstance(literal.value, str) or not literal.value:
            return
        name = literal.value
        index = event_index(events)
        if name in index:
            return
        nearest = index.nearest(name)
        where = "the tracking plan" if self.context.settings.tracking_plan is not None else "events"
        advice = f"did you mean {nearest!r}?" if nearest else f"use a listed event or add it to {where}"
        configured = ("the tracking plan" if not self.context.settings.events
                      else self.context.settings.origin("events"))  # fmt: skip
        self.report(
            name_expr,
            f"event {name!r} is not a listed event: triggers on the listed ones miss it; {advice}",
            help=(f"{name!r} is not one of the configured events ({configured}). Customer.io matches event names "
                  f"exactly, so a campaign trigger or segment on the dashboard's event does not fire for "
                  f"{name!r}. Use the dashboard's name, or add {name!r} to {where}."),
        )
