"""The rule registry: rule classes by code, imported on first use, and what `cio-lint rule`
and the README's rule table say about them.

The catalogue (codes, names, defaults, selection) is cio_lint/codes.py, which finds the rules
by reading this package's modules without importing them; the names it offers are re-exported
here for the callers that think of them as the registry's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Type

from cio_lint import codes as catalogue  # `codes` is a parameter name below
from cio_lint.codes import (  # noqa: F401 - re-exported
    PARSE_ERROR_CODE,
    PARSE_ERROR_DOC,
    PARSE_ERROR_NAME,
    PARSE_ERROR_SUMMARY,
    Entry,
    code_for,
    enabled,
    is_known_selector,
    matches,
    name_of,
    selected_codes,
)

if TYPE_CHECKING:
    from cio_lint.rules.base import Rule

_classes: Dict[str, "Type[Rule]"] = {}


def rule_class(code: str) -> "Type[Rule]":
    """The class of the rule `code`, importing its module (and LibCST) on first use."""
    cls = _classes.get(code)
    if cls is None:
        entry = catalogue.entry(code)
        module = importlib.import_module(f"{__name__}.{entry.module}")
        cls = _classes[code] = getattr(module, entry.cls)
    return cls


def __getattr__(name: str):
    # ALL_RULES and the example types import the rule modules, so only on request.
    if name == "ALL_RULES":
        return tuple(rule_class(e.code) for e in catalogue.CATALOGUE)
    if name == "CATALOGUE":
        return catalogue.CATALOGUE
    if name in ("Rule", "Valid", "Invalid"):
        from cio_lint.rules import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def rule_for(selector: str) -> "Optional[Type[Rule]]":
    """A rule class by its code ("CIO101") or name ("empty-identifier")."""
    code = code_for(selector)
    return rule_class(code) if code else None


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
        rows.append(f"| {PARSE_ERROR_CODE} | {PARSE_ERROR_NAME} | {PARSE_ERROR_SUMMARY} | on | – |")
    for entry in catalogue.CATALOGUE:
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
    for entry in catalogue.CATALOGUE:
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
