"""The rule registry: the rule catalogue, and selection by code, prefix or name.

The catalogue is plain data, so selecting rules, reading `# noqa` and rendering reports never
import the rule modules, and with them LibCST: a run over files that never mention
Customer.io imports neither (README "Performance"). Each rule class carries the same code,
name and default; tests/test_rules.py keeps the two equal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Dict, Iterable, List, NamedTuple, Optional, Sequence, Type

if TYPE_CHECKING:
    from cio_lint.rules.base import Rule

PARSE_ERROR_CODE = "CIO000"
PARSE_ERROR_NAME = "parse-error"
PARSE_ERROR_SUMMARY = "A file cannot be parsed or checked; the message says why."
PARSE_ERROR_DOC = """\
## What it does
Reports a file cio-lint cannot check: a syntax error (including Python 2 code), bytes that
do not decode, nesting too deep to parse, an unreadable file, or an internal error in a rule.
The message says which.

## Why is this bad?
A file that is not checked can hide every other mistake. flake8 reports its own `E999` for
syntax errors and never runs plugins on such a file, so CIO000 for syntax errors appears in
the CLI only.

## Fix safety
No fix."""


class Entry(NamedTuple):
    code: str
    name: str
    default_enabled: bool
    module: str  # under cio_lint.rules
    cls: str
    #: the module offers `check_project(run)` (project-level findings, cio_lint/runner.py),
    #: worth importing it only when this dotted attribute of the ProjectRun holds
    project_gate: Optional[str] = None


#: Every rule, in the catalogue's order.
CATALOGUE: Sequence[Entry] = (
    Entry("CIO101", "empty-identifier", True, "empty_identifier", "EmptyIdentifier"),
    Entry("CIO104", "device-platform", True, "device_platform", "DevicePlatform"),
    Entry("CIO201", "ms-timestamp", True, "ms_timestamp", "MsTimestamp"),
    Entry("CIO202", "datetime-offset", False, "datetime_offset", "DatetimeOffset"),
    Entry("CIO203", "unserializable-value", True, "unserializable_value", "UnserializableValue"),
    Entry("CIO301", "track-key-in-app-client", True, "track_key_in_app_client", "TrackKeyInAppClient"),
    Entry("CIO302", "app-key-in-track-client", True, "app_key_in_track_client", "AppKeyInTrackClient"),
    Entry("CIO303", "hardcoded-credential", True, "hardcoded_credential", "HardcodedCredential"),
    Entry("CIO304", "credential-may-be-none", False, "credential_may_be_none", "CredentialMayBeNone"),
    Entry("CIO401", "region-mismatch", True, "region_mismatch", "RegionMismatch"),
    Entry("CIO402", "region-string", True, "region_string", "RegionString"),
    Entry("CIO403", "host-region-conflict", True, "host_region_conflict", "HostRegionConflict"),
    Entry("CIO404", "cdp-unknown-setting", True, "cdp_unknown_setting", "CdpUnknownSetting"),
    Entry("CIO405", "async-region-ignored", True, "async_region_ignored", "AsyncRegionIgnored"),
    Entry("CIO406", "host-with-path", True, "host_with_path", "HostWithPath"),
    Entry("CIO501", "event-name-style", True, "event_name_style", "EventNameStyle"),
    Entry("CIO502", "unknown-event", True, "unknown_event", "UnknownEvent"),
    Entry("CIO503", "event-name-variants", True, "event_name_variants", "EventNameVariants"),
    Entry("CIO504", "attribute-type-drift", True, "attribute_type_drift", "AttributeTypeDrift"),
    Entry("CIO505", "unplanned-property", True, "unplanned_property", "UnplannedProperty"),
    Entry("CIO506", "plan-type-mismatch", True, "plan_type_mismatch", "PlanTypeMismatch"),
    Entry("CIO507", "missing-required-property", True, "missing_required_property", "MissingRequiredProperty"),
    Entry("CIO508", "unknown-transactional-message", True, "unknown_transactional_message",
          "UnknownTransactionalMessage"),
    Entry("CIO509", "missing-template-variable", True, "missing_template_variable", "MissingTemplateVariable"),
    Entry("CIO510", "unplanned-attribute", True, "unplanned_attribute", "UnplannedAttribute"),
    Entry("CIO601", "track-signature", True, "track_signature", "TrackSignature"),
    Entry("CIO602", "unknown-sdk-name", True, "unknown_sdk_name", "UnknownSdkName"),
    Entry("CIO603", "unreachable-except", True, "unreachable_except", "UnreachableExcept"),
    Entry("CIO604", "sdk-distribution-conflict", True, "sdk_distribution_conflict", "SdkDistributionConflict",
          "project.distribution_conflict"),
    Entry("CIO605", "exception-attribute", True, "exception_attribute", "ExceptionAttribute"),
    Entry("CIO606", "call-shape", True, "call_shape", "CallShape"),
    Entry("CIO607", "retries-not-applied", False, "retries_not_applied", "RetriesNotApplied"),
    Entry("CIO701", "request-missing-field", True, "request_missing_field", "RequestMissingField"),
    Entry("CIO702", "request-positional-argument", True, "request_positional_argument",
          "RequestPositionalArgument"),
    Entry("CIO703", "identifiers-key", True, "identifiers_key", "IdentifiersKey"),
    Entry("CIO704", "request-class-mismatch", True, "request_class_mismatch", "RequestClassMismatch"),
)

_ENTRY_BY_CODE: Dict[str, Entry] = {e.code: e for e in CATALOGUE}
_CODE_BY_NAME: Dict[str, str] = {e.name: e.code for e in CATALOGUE}
_NAME_BY_CODE = {PARSE_ERROR_CODE: PARSE_ERROR_NAME, **{e.code: e.name for e in CATALOGUE}}
_classes: Dict[str, "Type[Rule]"] = {}


def rule_class(code: str) -> "Type[Rule]":
    """The class of the rule `code`, importing its module (and LibCST) on first use."""
    cls = _classes.get(code)
    if cls is None:
        entry = _ENTRY_BY_CODE[code]
        module = importlib.import_module(f"{__name__}.{entry.module}")
        cls = _classes[code] = getattr(module, entry.cls)
    return cls


def __getattr__(name: str):
    # ALL_RULES and the example types import the rule modules, so only on request.
    if name == "ALL_RULES":
        return tuple(rule_class(e.code) for e in CATALOGUE)
    if name in ("Rule", "Valid", "Invalid"):
        from cio_lint.rules import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def code_for(selector: str) -> Optional[str]:
    """The code of a rule given its code ("CIO101") or name ("empty-identifier")."""
    code = selector.upper()
    return code if code in _ENTRY_BY_CODE else _CODE_BY_NAME.get(selector.lower())


def rule_for(selector: str) -> "Optional[Type[Rule]]":
    """A rule class by its code ("CIO101") or name ("empty-identifier")."""
    code = code_for(selector)
    return rule_class(code) if code else None


def name_of(code: str) -> str:
    return _NAME_BY_CODE.get(code, code)


def is_known_selector(selector: str) -> bool:
    """A code, a code prefix ("CIO", "CIO2") or a rule name that matches something."""
    return _specificity(selector, PARSE_ERROR_CODE) > 0 or any(
        _specificity(selector, e.code) > 0 for e in CATALOGUE
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


def selected_codes(select: Sequence[str] = (), ignore: Sequence[str] = (),
                   extend_select: Sequence[str] = ()) -> List[str]:  # fmt: skip
    """The codes of the rules a selection enables, in catalogue order (imports no rule)."""
    return [e.code for e in CATALOGUE if enabled(e.code, e.default_enabled, select, ignore, extend_select)]


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = (),
                 extend_select: Sequence[str] = ()) -> "List[Type[Rule]]":  # fmt: skip
    return [rule_class(code) for code in selected_codes(select, ignore, extend_select)]


__all__ = ["ALL_RULES", "CATALOGUE", "Invalid", "Rule", "Valid", "rule_for", "select_rules", "name_of"]


def rule_table_markdown(codes: Optional[Iterable[str]] = None) -> str:
    """The README's rule table, generated from the rule classes (tests keep them in sync);
    only the rows of `codes` when given (`cio-lint rule CIO1 --format markdown`)."""
    wanted = None if codes is None else set(codes)
    rows = [
        "| code | name | what it finds | default | fix |",
        "|---|---|---|---|---|",
    ]
    if wanted is None or PARSE_ERROR_CODE in wanted:
        rows.append(f"| {PARSE_ERROR_CODE} | {PARSE_ERROR_NAME} | A file cannot be parsed or checked "
                    "(syntax error, undecodable bytes, too deep); the message says why. | on | – |")
    for entry in CATALOGUE:
        if wanted is not None and entry.code not in wanted:
            continue
        rule = rule_class(entry.code)
        summary = rule.summary().replace("|", "\\|")
        rows.append(
            f"| {rule.CODE} | {rule.NAME} | {summary} | {'on' if rule.DEFAULT_ENABLED else 'off'} "
            f"| {rule.FIX or '–'} |"
        )
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------------------------------------
# What `cio-lint rule` prints


def explanations() -> List[dict]:
    """Every rule's explanation (CIO000 first), as `cio-lint rule --format json` prints it."""
    entries = [{
        "code": PARSE_ERROR_CODE,
        "name": PARSE_ERROR_NAME,
        "summary": PARSE_ERROR_SUMMARY,
        "default": "on",
        "fix": None,
        "explanation": PARSE_ERROR_DOC,
    }]  # fmt: skip
    for entry in CATALOGUE:
        rule = rule_class(entry.code)
        entries.append({
            "code": rule.CODE,
            "name": rule.NAME,
            "summary": rule.summary(),
            "default": "on" if rule.DEFAULT_ENABLED else "off",
            "fix": rule.FIX,
            "explanation": rule.documentation(),
        })  # fmt: skip
    return entries


def explanation_text(entry: dict) -> str:
    default = "on by default" if entry["default"] == "on" else "off by default (enable it by its code or name)"
    fix = f"{entry['fix']} fix available" if entry["fix"] else "no fix"
    return (f"# {entry['code']} {entry['name']}\n\n{entry['summary']}\n\n"
            f"{default}; {fix}.\n\n{entry['explanation']}\n")  # fmt: skip
