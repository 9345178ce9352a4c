"""Shared by the tracking-plan rules (CIO505-CIO510): what a call sends, when a plan exists.

Each rule reads the call through `cio_lint.inventory.sends` (the same reading the inventory
and `--write-plan` use, so the plan a project bootstraps is the plan its code satisfies) and
the plan through `Settings.tracking_plan`. Without a plan they are silent.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable, Optional

from cio_lint.inventory import Send, sends


def planned_send(rule, node, *kinds: str) -> Optional[Send]:
    """What `node` sends when a tracking plan is configured and it is of one of `kinds`."""
    if rule.context.settings.tracking_plan is None:
        return None
    found = sends(rule.resolver, node)
    return found if found is not None and found.kind in kinds else None


def plan_name(rule) -> str:
    """How a message names the plan: its file's name, or the inline table."""
    source = rule.context.settings.tracking_plan.source
    return Path(source).name if source.endswith(".toml") and not source.endswith("pyproject.toml") \
        else "the plan"  # fmt: skip


def nearest(name: str, candidates: Iterable[str]) -> Optional[str]:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return close[0] if close else None
