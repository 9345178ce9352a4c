"""The rule registry: every rule class, and selection by code, prefix or name."""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Type

from cio_lint.rules.base import Invalid, Rule, Valid

# One import per rule module; order is the catalogue's order.
from cio_lint.rules.empty_identifier import EmptyIdentifier
from cio_lint.rules.ms_timestamp import MsTimestamp
from cio_lint.rules.datetime_offset import DatetimeOffset
from cio_lint.rules.track_key_in_app_client import TrackKeyInAppClient
from cio_lint.rules.app_key_in_track_client import AppKeyInTrackClient
from cio_lint.rules.hardcoded_credential import HardcodedCredential
from cio_lint.rules.region_mismatch import RegionMismatch
from cio_lint.rules.region_string import RegionString
from cio_lint.rules.host_region_conflict import HostRegionConflict
from cio_lint.rules.cdp_unknown_setting import CdpUnknownSetting
from cio_lint.rules.event_name_style import EventNameStyle
from cio_lint.rules.unknown_event import UnknownEvent
from cio_lint.rules.track_signature import TrackSignature
from cio_lint.rules.unknown_sdk_name import UnknownSdkName
from cio_lint.rules.unreachable_except import UnreachableExcept
from cio_lint.rules.sdk_distribution_conflict import SdkDistributionConflict

PARSE_ERROR_CODE = "CIO000"
PARSE_ERROR_NAME = "parse-error"

ALL_RULES: Sequence[Type[Rule]] = (
    EmptyIdentifier,
    MsTimestamp,
    DatetimeOffset,
    TrackKeyInAppClient,
    AppKeyInTrackClient,
    HardcodedCredential,
    RegionMismatch,
    RegionString,
    HostRegionConflict,
    CdpUnknownSetting,
    EventNameStyle,
    UnknownEvent,
    TrackSignature,
    UnknownSdkName,
    UnreachableExcept,
    SdkDistributionConflict,
)

_BY_CODE: Dict[str, Type[Rule]] = {r.CODE: r for r in ALL_RULES}
_BY_NAME: Dict[str, Type[Rule]] = {r.NAME: r for r in ALL_RULES}
_NAME_BY_CODE = {PARSE_ERROR_CODE: PARSE_ERROR_NAME, **{r.CODE: r.NAME for r in ALL_RULES}}


def rule_for(selector: str) -> Optional[Type[Rule]]:
    """A rule by its code ("CIO101") or name ("empty-identifier")."""
    return _BY_CODE.get(selector.upper()) or _BY_NAME.get(selector.lower())


def name_of(code: str) -> str:
    return _NAME_BY_CODE.get(code, code)


def is_known_selector(selector: str) -> bool:
    """A code, a code prefix ("CIO", "CIO2") or a rule name that matches something."""
    return _specificity(selector, PARSE_ERROR_CODE) > 0 or any(
        _specificity(selector, r.CODE) > 0 for r in ALL_RULES
    )


def _specificity(selector: str, code: str) -> int:
    """How closely `selector` names `code`: 0 not at all, longer is more specific."""
    sel = selector.strip()
    if sel.lower() == name_of(code):
        return 100  # a name is as specific as it gets
    if code.startswith(sel.upper()) and sel:
        return len(sel)
    return 0


def matches(code: str, selectors: Iterable[str]) -> int:
    return max((_specificity(s, code) for s in selectors), default=0)


def enabled(code: str, default: bool, select: Sequence[str], ignore: Sequence[str],
            extend_select: Sequence[str] = ()) -> bool:  # fmt: skip
    """flake8's rule: the more specific of select and ignore wins.

    Rules that are off by default are enabled only when named exactly (code or name).
    """
    chosen = select or ()
    picked = max(matches(code, chosen), matches(code, extend_select))
    if not default and picked < len(code):
        return False
    if not select and not picked:
        picked = 1 if default else 0
    if not picked:
        return False
    return matches(code, ignore) < picked or matches(code, ignore) == 0


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = (),
                 extend_select: Sequence[str] = ()) -> List[Type[Rule]]:  # fmt: skip
    return [r for r in ALL_RULES if enabled(r.CODE, r.DEFAULT_ENABLED, select, ignore, extend_select)]


__all__ = ["ALL_RULES", "Invalid", "Rule", "Valid", "rule_for", "select_rules", "name_of"]


def rule_table_markdown() -> str:
    """The README's rule table, generated from the rule classes (tests keep them in sync)."""
    rows = [
        "| code | name | what it finds | default | fix |",
        "|---|---|---|---|---|",
        f"| {PARSE_ERROR_CODE} | {PARSE_ERROR_NAME} | A file cannot be parsed or checked "
        "(syntax error, undecodable bytes, too deep); the message says why. | on | – |",
    ]
    for rule in ALL_RULES:
        summary = rule.summary().replace("|", "\\|")
        rows.append(
            f"| {rule.CODE} | {rule.NAME} | {summary} | {'on' if rule.DEFAULT_ENABLED else 'off'} "
            f"| {rule.FIX or '–'} |"
        )
    return "\n".join(rows) + "\n"
