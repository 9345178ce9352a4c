"""Shared by the tracking-plan rules (CIO505-CIO510): what a call sends, when a plan exists.

Each rule reads the call through `cio_lint.inventory.sends` (the same reading the inventory
and `--write-plan` use, so the plan a project bootstraps is the plan its code satisfies) and
the plan through `Settings.tracking_plan`. Without a plan they are silent.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence

from cio_lint.inventory import Send, sends
from cio_lint.plan import PlannedField


def planned_send(rule, node, *kinds: str) -> Optional[Send]:
    """What `node` sends when a tracking plan is configured and it is of one of `kinds`."""
    if rule.context.settings.tracking_plan is None:
        return None
    found = sends(rule.resolver, node)
    return found if found is not None and found.kind in kinds else None


def planned_properties(rule, send: Optional[Send]) -> Optional[Sequence[PlannedField]]:
    """The plan's properties for the event `send` names literally; None when the name is not
    literal, the event is not planned or its properties are not listed (nothing to check)."""
    if send is None or not isinstance(send.name, str):
        return None
    event = rule.context.settings.tracking_plan.event(send.name)
    return None if event is None else event.properties


def plan_name(rule) -> str:
    """How a message names the plan: its file's name, or the inline table."""
    source = rule.context.settings.tracking_plan.source
    return Path(source).name if source.endswith(".toml") and not source.endswith("pyproject.toml") \
        else "the plan"  # fmt: skip


def nearest(name: str, candidates: Iterable[str]) -> Optional[str]:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return close[0] if close else None


def missing_keys(send: Send, wanted: Iterable[str]) -> List[str]:
    """The `wanted` keys (required properties, template variables) that `send`, whose
    fields the code shows in full, does not send; in the plan's order."""
    sent = {f.key for f in send.fields}
    return [key for key in wanted if key not in sent]


def it_or_them(keys: Sequence[str]) -> str:
    return "it" if len(keys) == 1 else "them"


def suggestion(name: str, candidates: Iterable[str], otherwise: str) -> str:
    """The advice closing a "not in the plan" message: the close planned name, or `otherwise`."""
    close = nearest(name, candidates)
    return f"did you mean {close!r}?" if close else otherwise


def report_unplanned(rule, send: Send, planned: Sequence[str], what: Callable[[str], str], effect: str) -> None:
    """Report each key `send` sends that `planned` does not list (CIO505 for an event's
    properties, CIO510 for person attributes: one check, two plan tables)."""
    for field in send.fields:
        if field.key not in planned:
            rule.report(field.key_node,
                        f"{what(field.key)} is not in {plan_name(rule)}: {effect}; "
                        f"{suggestion(field.key, planned, 'plan it or drop it')}")  # fmt: skip
