from __future__ import annotations

from typing import Dict, Iterator, List, Sequence

from cio_lint.finding import Finding
from cio_lint.inventory import EVENT, FAMILY, PAGE, SCREEN, FieldUse, ProjectInventory
from cio_lint.rules._project import check_project_with, finding, majority, places
from cio_lint.rules.base import Invalid, Rule, Valid

#: how a message names a family of types
_FAMILY_WORDS = {"string": "a string", "number": "a number", "boolean": "a boolean",
                 "object": "an object", "array": "a list"}  # fmt: skip


#: the runner gives `check_project` every file's inventory (cio_lint/whole_project.py)
PROJECT_GATE = "inventories"


class AttributeTypeDrift(Rule):
    """The same person attribute or event property is sent with values of different types.

    ## What it does
    Reads the type of every value the project sends as a person attribute (`identify()`
    keywords, CDP `identify()` traits) or as a property of one event (`track()` data, CDP
    `properties`), where the code shows it: a literal, a name bound once to one, `str()`,
    an f-string, `int(time.time())`, a datetime (epoch seconds through the Track SDK, an ISO
    string through the CDP library). When one attribute, or one property of one event, is
    sent as a string in one place and a number (or boolean, object, list) in another, reports
    each place that uses a less common type. Integers, floats and epoch seconds are all JSON
    numbers and count as one type; values whose type the code does not show are left alone.

    ## Why is this bad?
    A segment or campaign filter compares an attribute against one type: `plan_id` equals
    `3` does not match the people whose `plan_id` was sent as `"3"`, and a date condition
    reads epoch seconds, not `"2024-05-01"`. The API stores both without complaint, so
    people silently fall out of segments.

    ## Example
    ```python
    cio.identify(id=user.id, plan_id=3)          # signup.py
    cio.identify(id=user.id, plan_id="3")        # billing.py
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, plan_id=3)          # one type everywhere
    ```

    ## Fix safety
    No fix: the type the dashboard's segments expect is only known there.
    """

    CODE = "CIO504"
    NAME = "attribute-type-drift"
    PROJECT = True

    VALID = [
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              "cio.identify('u', plan_id=3)\ncio.identify('u', plan_id=4.5)\ncio.identify('u', plan_id=user.plan)\n"),
        # one property name on two events is two properties
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              "cio.track('u', 'a', data={'total': 1})\ncio.track('u', 'b', data={'total': '1'})\n"),
        # None clears an attribute; it is no type of its own
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
              "cio.identify('u', coupon='X')\ncio.identify('u', coupon=None)\n"),
        Valid("import mixpanel\nfrom customerio import CustomerIO\n"
              "CustomerIO('s', 'k').identify('u', plan_id=3)\n"
              "mixpanel.Mixpanel('t').people_set('u', {'plan_id': '3'})\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
                "cio.identify('u', plan_id=3)\ncio.identify('u', plan_id=4)\ncio.identify('u', plan_id='3')\n",
                line=5),
        Invalid("import time\nfrom customerio import CustomerIO, analytics\ncio = CustomerIO('s', 'k')\n"
                "cio.identify('u', trial_ends=int(time.time()))\n"
                "analytics.identify('u', {'trial_ends': '2024-05-01'})\n"
                "cio.identify('u', trial_ends=1700000000)\n", line=5),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\nPAID = 'yes'\n"
                "cio.track('u', 'order_completed', data={'paid': True})\n"
                "cio.track('u', 'order_completed', data={'paid': PAID})\n", line=5),
    ]  # fmt: skip

    @classmethod
    def project_findings(cls, inventory: ProjectInventory, settings) -> Iterator[Finding]:
        yield from cls._drift(inventory.attributes(), "person attribute {key!r}", _planned_attribute(settings))
        for kind in (EVENT, PAGE, SCREEN):
            for name in sorted(inventory.named(kind)):
                label = f"property {{key!r}} of {kind} {name!r}"
                yield from cls._drift(inventory.properties(kind, name), label, _planned_property(settings, name))

    @classmethod
    def _drift(cls, groups: Dict[str, List[FieldUse]], label: str, planned) -> Iterator[Finding]:
        for key, uses in sorted(groups.items()):
            by_family: Dict[str, List[FieldUse]] = {}
            for use in uses:
                family = FAMILY.get(use.type)
                if family is not None:
                    by_family.setdefault(family, []).append(use)
            if len(by_family) < 2 or planned(key):
                continue  # one type, or the tracking plan types it (CIO506 reports there)
            main = majority((family, [_at(u) for u in found]) for family, found in by_family.items())
            at = [_at(u) for u in by_family[main]]
            for family, found in sorted(by_family.items()):
                if family == main:
                    continue
                for use in found:
                    yield finding(cls, _at(use), _message(label.format(key=key), family, main, at))


def _at(use: FieldUse):
    return use.value_at or use.at


def _message(what: str, family: str, main: str, at: Sequence) -> str:
    return (f"{what} is {_FAMILY_WORDS[family]} here, {_FAMILY_WORDS[main]} at {places(at, 1)}: segments "
            f"compare one type; send {_FAMILY_WORDS[main]}")


def _planned_attribute(settings):
    plan = getattr(settings, "tracking_plan", None)
    return (lambda key: False) if plan is None else (lambda key: plan.attribute_type(key) is not None)


def _planned_property(settings, event: str):
    plan = getattr(settings, "tracking_plan", None)
    return (lambda key: False) if plan is None else (lambda key: plan.property_type(event, key) is not None)


def check_project(run) -> Iterator[Finding]:
    """The project-level hook (cio_lint/whole_project.py)."""
    return check_project_with(AttributeTypeDrift, run)
