from __future__ import annotations

import re
from typing import Dict, Iterator, List

from cio_lint.finding import Finding
from cio_lint.inventory import EVENT, PAGE, SCREEN, ProjectInventory, SendUse, variant_key
from cio_lint.rules._project import check_project_with, finding, majority, places
from cio_lint.rules.base import Invalid, Rule, Valid
from cio_lint.rules.event_name_style import snake_case

#: the runner gives `check_project` every file's inventory (cio_lint/whole_project.py)
PROJECT_GATE = "inventories"


class EventNameVariants(Rule):
    """The same event is spelled two or more ways in the project.

    ## What it does
    Compares every literal event name the project sends (`track()`, `track_anonymous()`,
    `backfill()`, CDP `analytics.track()`; page and screen names among themselves) ignoring
    case, separators and whitespace. When one event is written more than one way, reports
    each place that uses a less common spelling, with the places of the most common one (or
    of the spelling `events` / the tracking plan configures). Needs no configuration.

    ## Why is this bad?
    Customer.io matches event names exactly. A campaign triggered by `signed_up` never starts
    for the people whose signup was sent as `Signed Up` or `signedUp`, and a segment on one
    spelling misses everyone sent the other: both are stored, nothing reports the split.

    ## Example
    ```python
    cio.track(user.id, "signed_up")           # views.py
    cio.track(user.id, "Signed Up")           # api.py
    ```

    ## Use instead
    ```python
    cio.track(user.id, "signed_up")           # one spelling everywhere
    ```

    ## Fix safety
    No fix: which spelling the dashboard's triggers use is only known there.
    """

    CODE = "CIO503"
    NAME = "event-name-variants"
    PROJECT = True

    VALID = [
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              "cio.track('u', 'signed_up')\ncio.track('u', 'signed_up')\ncio.track('u', 'sign_up')\n"),
        # Segment's analytics is not Customer.io's, so its spelling is another workspace's
        Valid("import analytics\nfrom customerio import CustomerIO\n"
              "CustomerIO('s', 'k').track('u', 'signed_up')\nanalytics.track('u', 'Signed Up')\n"),
        # CIO502 (not a configured event) already reports it, naming the configured spelling
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              "cio.track('u', 'signup')\ncio.track('u', 'sign_up')\n", config={"events": ["signup"]}),
        # CIO501 already says to rename these two to 'signed_up', the spelling used elsewhere
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              "cio.track('u', 'SignedUp')\ncio.track('u', 'SignedUp')\ncio.track('u', 'signed_up')\n"),
        # a page name is not an event name
        Valid("from customerio import analytics\nanalytics.track('u', 'home')\nanalytics.page('u', None, 'Home')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              "cio.track('u', event)\ncio.track('u', 'signed_up')\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
                "cio.track('u', 'signed_up')\ncio.track('u', 'signed_up')\ncio.track_anonymous('a', 'signedup')\n",
                line=5),
        Invalid("from customerio import CustomerIO, analytics\ncio = CustomerIO('s', 'k')\n"
                "cio.track('u', 'order_completed')\ncio.backfill('u', 'order_completed', 1700000000)\n"
                "analytics.track('u', 'ordercompleted')\n"),
        Invalid("from customerio import analytics\nanalytics.page('u', None, 'Order Page')\n"
                "analytics.page('u', None, 'Order Page')\nanalytics.page('u', None, 'order-page')\n", line=4),
        # the spelling that follows the naming convention wins, even when used less
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
                "cio.track('u', 'SignedUp')\ncio.track('u', 'SignedUp')\ncio.track('u', 'signed_up')\n"
                "cio.track('u', 'signedup')\n", line=6),
        # the configured spelling wins even when the code uses it less
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
                "cio.track('u', 'sign_up')\ncio.track('u', 'sign_up')\ncio.track('u', 'signup')\n",
                config={"events": ["signup"], "ignore": ["CIO502"]}, count=2, line=3),
    ]  # fmt: skip

    @classmethod
    def project_findings(cls, inventory: ProjectInventory, settings) -> Iterator[Finding]:
        configured = list(settings.known_events)
        selected = _selected(settings)
        # CIO502 reports a name that is not configured, naming the configured one: one finding
        unknown_rule_on = bool(configured) and "CIO502" in selected
        # CIO501 reports a name off the naming pattern, suggesting the spelling used here
        style_rule_on = "CIO501" in selected
        pattern = re.compile(settings.event_name_pattern)
        for kind in (EVENT, PAGE, SCREEN):
            groups: Dict[str, Dict[str, List[SendUse]]] = {}
            for name, uses in inventory.named(kind).items():
                groups.setdefault(variant_key(name), {})[name] = uses
            for spellings in groups.values():
                if len(spellings) < 2:
                    continue
                fits = (lambda n: bool(pattern.search(n))) if kind == EVENT else (lambda n: True)
                canonical = majority(((n, [u.at for u in uses]) for n, uses in spellings.items()),
                                     preferred=[e for e in configured if e in spellings], fits=fits)  # fmt: skip
                at = [u.at for u in spellings[canonical]]
                for name, uses in sorted(spellings.items()):
                    if name == canonical:
                        continue
                    if kind == EVENT and unknown_rule_on and name not in configured:
                        continue
                    if kind == EVENT and style_rule_on and not fits(name) and snake_case(name) == canonical:
                        continue
                    for use in uses:
                        yield finding(cls, use.at, _message(kind, name, canonical, at))


def _message(kind: str, name: str, canonical: str, at) -> str:
    what = {EVENT: "event", PAGE: "page", SCREEN: "screen"}[kind]
    return (f"{what} {name!r} is spelt {canonical!r} at {places(at, 1)}: triggers match one spelling; "
            f"use {canonical!r}")


def _selected(settings) -> List[str]:
    from cio_lint import codes

    return codes.selected_codes(settings.select, settings.ignore, settings.extend_select)


def check_project(run) -> Iterator[Finding]:
    """The project-level hook (cio_lint/whole_project.py)."""
    return check_project_with(EventNameVariants, run)
