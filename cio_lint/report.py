"""Output formats: text (flake8's shape), json, sarif (2.1.0), github (workflow annotations).

Every function takes findings and returns text; the CLI decides where it goes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from cio_lint import __version__
from cio_lint import rules as rule_registry
from cio_lint.finding import Finding

HELP_URI = "https://github.com/cio-lint/cio-lint/blob/main/README.md#{anchor}"
_RESET = "\033[0m"
_BOLD, _RED, _CYAN, _DIM = "\033[1m", "\033[31m", "\033[36m", "\033[2m"


def help_uri(code: str) -> str:
    return HELP_URI.format(anchor=f"{code.lower()}-{rule_registry.name_of(code)}")


def text(findings: Sequence[Finding], color: bool = False, show_source: bool = False,
         sources: Optional[Dict[str, List[str]]] = None) -> str:  # fmt: skip
    lines = []
    for f in findings:
        if color:
            head = f"{_BOLD}{f.path}{_RESET}{_CYAN}:{_RESET}{f.line}{_CYAN}:{_RESET}{f.column}{_CYAN}:{_RESET}"
            lines.append(f"{head} {_RED}{_BOLD}{f.code}{_RESET} {f.message}")
        else:
            lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}")
        if show_source and sources is not None:
            source_lines = sources.get(f.path) or []
            if 0 < f.line <= len(source_lines):
                line = source_lines[f.line - 1].rstrip("\r\n")
                caret = " " * (f.column - 1) + "^"
                lines.append(f"    {line}")
                lines.append(f"    {_RED + caret + _RESET if color else caret}")
    return "\n".join(lines) + ("\n" if lines else "")


def as_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2) + "\n"


def _escape_github(value: str, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one ::error annotation per finding."""
    out = []
    for f in findings:
        props = ",".join(
            [
                f"file={_escape_github(f.path, True)}",
                f"line={f.line}",
                f"col={f.column}",
                f"endLine={f.end_line or f.line}",
                f"endColumn={f.end_column or f.column}",
                f"title={_escape_github(f'{f.code} {f.name}', True)}",
            ]
        )
        out.append(f"::error {props}::{_escape_github(f'{f.code} {f.message}')}")
    return "\n".join(out) + ("\n" if out else "")


def sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run, every rule's metadata and one result per finding."""
    rules_meta = [
        {
            "id": rule_registry.PARSE_ERROR_CODE,
            "name": rule_registry.PARSE_ERROR_NAME,
            "shortDescription": {"text": "A file cannot be parsed or checked."},
            "fullDescription": {"text": "cio-lint could not parse or check this file; the message says why."},
            "helpUri": help_uri(rule_registry.PARSE_ERROR_CODE),
            "defaultConfiguration": {"level": "error"},
        }
    ]
    for rule in rule_registry.ALL_RULES:
        rules_meta.append(
            {
                "id": rule.CODE,
                "name": rule.NAME,
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": rule.documentation()},
                "help": {"text": rule.documentation(), "markdown": rule.documentation()},
                "helpUri": help_uri(rule.CODE),
                "defaultConfiguration": {"enabled": rule.DEFAULT_ENABLED, "level": "error"},
            }
        )
    index = {meta["id"]: i for i, meta in enumerate(rules_meta)}
    results = []
    for f in findings:
        region = {"startLine": f.line, "startColumn": f.column}
        if f.end_line:
            region.update(endLine=f.end_line, endColumn=max(f.end_column, 1))
        result = {
            "ruleId": f.code,
            "ruleIndex": index.get(f.code, 0),
            "level": "error",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(f.path).as_posix()},
                        "region": region,
                    }
                }
            ],
        }
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cio-lint",
                        "version": __version__,
                        "informationUri": HELP_URI.format(anchor="cio-lint"),
                        "rules": rules_meta,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def statistics(findings: Sequence[Finding]) -> str:
    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    lines = []
    for code, count in sorted(counts.items()):
        mark = "[*]" if fixable[code] else "   "
        lines.append(f"{count:>5}\t{code}\t{mark} {rule_registry.name_of(code)}")
    return "\n".join(lines) + ("\n" if lines else "")


def summary(findings: Sequence[Finding], files_checked: int) -> str:
    files = len({f.path for f in findings})
    fixable = sum(1 for f in findings if f.fix is not None)
    noun = "finding" if len(findings) == 1 else "findings"
    fix_part = f", {fixable} fixable" if fixable else ""
    checked = f"{files_checked} file{'s' if files_checked != 1 else ''} checked"
    if not findings:
        return f"No findings; {checked}."
    return f"{len(findings)} {noun} in {files} file{'s' if files != 1 else ''}{fix_part}; {checked}."


FORMATS: Dict[str, Callable[[Sequence[Finding]], str]] = {
    "json": as_json,
    "sarif": sarif,
    "github": github,
}
