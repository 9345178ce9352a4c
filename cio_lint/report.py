"""Output formats: text (flake8's shape), json, json-lines, sarif (2.1.0), github (workflow
annotations), gitlab (Code Quality), junit (XML), pylint (parseable lines).

Every function takes findings and returns text; the CLI decides where it goes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote

from cio_lint import __version__
from cio_lint import rules as rule_registry
from cio_lint.finding import SAFE, Finding
from cio_lint.replay import quiet_stdout
from cio_lint.text import credential_spans, decode_source, mask_spans, split_lines

HELP_URI = "https://github.com/cio-lint/cio-lint/blob/main/README.md#{anchor}"
#: the README's rule table (the SARIF `help` of each rule carries its full explanation)
RULE_ANCHOR = "rules"
_RESET = "\033[0m"
_BOLD, _RED, _CYAN, _DIM = "\033[1m", "\033[31m", "\033[36m", "\033[2m"


def help_uri(code: str) -> str:
    """Where a rule is documented: the README's rule table (every rule has a row there, and
    `cio-lint rule CODE` prints the full explanation)."""
    return HELP_URI.format(anchor=RULE_ANCHOR)


def text(findings: Sequence[Finding], color: bool = False, show_source: bool = False,
         sources: Optional[Dict[str, List[str]]] = None, unsafe: bool = False) -> str:  # fmt: skip
    """flake8's shape, `path:line:col: CODE message`, with ruff's `[*]` before the message of a
    finding `--fix` would fix (with `unsafe`: `--unsafe-fixes` is on)."""
    lines = []
    secrets = _secret_ranges(findings) if show_source else {}
    for f in findings:
        mark = FIXABLE_MARK if f.fix is not None and (unsafe or f.fix.applicability == SAFE) else ""
        if color:
            head = f"{_BOLD}{f.path}{_RESET}{_CYAN}:{_RESET}{f.line}{_CYAN}:{_RESET}{f.column}{_CYAN}:{_RESET}"
            lines.append(f"{head} {_RED}{_BOLD}{f.code}{_RESET} {_CYAN + mark + _RESET if mark else ''}{f.message}")
        else:
            lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} {mark}{f.message}")
        if show_source and sources is not None:
            source_lines = sources.get(f.path) or []
            if 0 < f.line <= len(source_lines):
                line = _mask(source_lines[f.line - 1].rstrip("\r\n"), secrets.get((f.path, f.line), ()))
                line = mask_credentials(line)  # whatever was selected, ignored or noqa'd
                caret = " " * (f.column - 1) + "^" * _underline_width(f, line)
                lines.append(f"    {line}")
                lines.append(f"    {_RED + caret + _RESET if color else caret}")
    return "\n".join(lines) + ("\n" if lines else "")


#: before the message of a finding --fix would fix, as ruff marks it
FIXABLE_MARK = "[*] "


def _underline_width(f: Finding, line: str) -> int:
    """How many carets: the finding's whole range on its first line (to the line's end when
    the range goes on), at least one."""
    end = f.end_column if f.end_line == f.line and f.end_column else len(line) + 1
    return max(end - f.column, 1)


_KEEP = 5  # a quote and the first 4 characters, as the finding's message shows them


def _secret_ranges(findings: Sequence[Finding]) -> Dict[tuple, List[tuple]]:
    """(path, line) -> [(start, end)] 0-based column ranges that hold a reported secret."""
    if not findings:
        return {}
    secret_codes = {e.code for e in rule_registry.CATALOGUE if rule_registry.rule_class(e.code).REPORTS_SECRET}
    ranges: Dict[tuple, List[tuple]] = {}
    for f in findings:
        if f.code not in secret_codes:
            continue
        last = f.end_line or f.line
        for line in range(f.line, last + 1):
            start = f.column - 1 if line == f.line else 0
            end = f.end_column - 1 if line == last and f.end_column else 10**9
            ranges.setdefault((f.path, line), []).append((start, end))
    return ranges


def _mask(line: str, ranges) -> str:
    """Replace all but the first characters of each secret range with '*', keeping columns."""
    chars = list(line)
    for start, end in ranges:
        for i in range(start + _KEEP, min(end, len(chars)) - 1):
            chars[i] = "*"
    return "".join(chars)


def mask_secrets(text: str, findings: Sequence[Finding], source_lines: Sequence[str]) -> str:
    """`text` (a diff, say) with every reported secret of `source_lines` masked, and every
    other credential-shaped token too (mask_credentials)."""
    for (path, line), spans in _secret_ranges(findings).items():
        if not 0 < line <= len(source_lines):
            continue
        raw = source_lines[line - 1].rstrip("\r\n")
        for start, end in spans:
            secret = raw[start:min(end, len(raw))]
            if len(secret) > _KEEP:
                text = text.replace(secret, _mask(secret, [(0, len(secret))]))
    return mask_diff(text)


def mask_credentials(text: str) -> str:
    """`text` with every token that looks like a Customer.io credential masked (its first
    characters kept, the width unchanged), by CIO303's own notion of "looks like". It does
    not depend on a finding: a credential on a line whose CIO303 is ignored, noqa'd or not
    selected, or in a file with a syntax error, is masked all the same."""
    from cio_lint.rules.hardcoded_credential import credential_shape

    return mask_spans(text, credential_spans(text, credential_shape))


def mask_diff(diff: str) -> str:
    """mask_credentials on a unified diff's content lines (its ---/+++ headers name files)."""
    out = []
    for line in split_lines(diff, keepends=True):  # as Python splits: a form feed is no line break
        out.append(line if line.startswith(("--- ", "+++ ", "@@ ")) else mask_credentials(line))
    return "".join(out)


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


def _artifact(path: str) -> dict:
    """A SARIF artifactLocation: relative paths against %SRCROOT% (the working directory, the
    repository root in CI), absolute ones as file URIs."""
    pure = Path(path)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    return {"uri": quote(pure.as_posix()), "uriBaseId": "%SRCROOT%"}


def _sarif_region(line: int, column: int, end_line: int, end_column: int) -> dict:
    region = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if end_line:
        region.update(endLine=max(end_line, region["startLine"]), endColumn=max(end_column, 1))
    return region


def _sarif_fix(f: Finding) -> dict:
    return {
        "description": {"text": f"{f.fix.applicability} fix for {f.code} {f.name}"},
        "artifactChanges": [
            {
                "artifactLocation": _artifact(f.path),
                "replacements": [
                    {
                        "deletedRegion": _sarif_region(e.line, e.column, e.end_line, e.end_column),
                        "insertedContent": {"text": e.content},
                    }
                    for e in f.fix.edits
                ],
            }
        ],
        "properties": {"applicability": f.fix.applicability},
    }


def sarif_rules() -> List[dict]:
    """reportingDescriptor objects for CIO000 and every rule, from the rules' docstrings."""
    rules_meta = [
        {
            "id": rule_registry.PARSE_ERROR_CODE,
            "name": rule_registry.PARSE_ERROR_NAME,
            "shortDescription": {"text": "A file cannot be parsed or checked."},
            "fullDescription": {"text": "cio-lint could not parse or check this file; the message says why."},
            "helpUri": help_uri(rule_registry.PARSE_ERROR_CODE),
            "defaultConfiguration": {"enabled": True, "level": "error"},
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
                "properties": {"fix": rule.FIX or "none"},
            }
        )
    return rules_meta


def sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run, every rule's metadata and one result per finding.

    Columns are Unicode code points (LibCST's), declared with `columnKind`; fixes are SARIF
    `fixes` with their applicability as a property.
    """
    rules_meta = sarif_rules()
    index = {meta["id"]: i for i, meta in enumerate(rules_meta)}
    results = []
    for f in findings:
        result = {
            "ruleId": f.code,
            "level": "error",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path),
                        "region": _sarif_region(f.line, f.column, f.end_line, f.end_column),
                    }
                }
            ],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.help:
            # SARIF results have no `help` of their own (rules do): a property bag carries the
            # finding's explanation beside its one-breath message
            result["properties"] = {"help": f.help}
        if f.fix is not None:
            result["fixes"] = [_sarif_fix(f)]
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
                        "semanticVersion": __version__,
                        "informationUri": HELP_URI.format(anchor="cio-lint"),
                        "rules": rules_meta,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _fixable(findings: Sequence[Finding], unsafe: bool) -> Tuple[int, int]:
    """(fixes --fix would apply, unsafe fixes only --unsafe-fixes would add)."""
    now = sum(1 for f in findings if f.fix is not None and (unsafe or f.fix.applicability == SAFE))
    hidden = sum(1 for f in findings if f.fix is not None) - now
    return now, hidden


def statistics(findings: Sequence[Finding], unsafe: bool = False, as_json: bool = False) -> str:
    """Findings per code, most frequent first; [*] marks codes --fix can fix (with
    --unsafe-fixes when given), [-] codes only --unsafe-fixes can."""
    counts = Counter(f.code for f in findings)
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mine = [f for f in findings if f.code == code]
        now, hidden = _fixable(mine, unsafe)
        rows.append({"code": code, "name": rule_registry.name_of(code), "count": count,
                     "fixable": now, "unsafe_fixable": hidden})  # fmt: skip
    if as_json:
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(str(r["count"])) for r in rows), default=1)
    lines = []
    for r in rows:
        mark = "[*]" if r["fixable"] else "[-]" if r["unsafe_fixable"] else "   "
        lines.append(f"{r['count']:>{width}}\t{r['code']}\t{mark} {r['name']}")
    return "\n".join(lines) + ("\n" if lines else "")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(findings: Sequence[Finding], files_checked: int, unsafe: bool = False) -> str:
    """The one line on stderr: "3 findings in 2 files, 1 fixable; 120 files checked."."""
    checked = f"{_plural(files_checked, 'file')} checked"
    if not findings:
        return f"No findings; {checked}."
    files = len({f.path for f in findings})
    now, hidden = _fixable(findings, unsafe)
    if now and hidden:
        fix_part = f", {now} fixable ({hidden} more with --unsafe-fixes)"
    elif now:
        fix_part = f", {now} fixable"
    elif hidden:
        fix_part = f", {hidden} fixable with --unsafe-fixes"
    else:
        fix_part = ""
    return f"{_plural(len(findings), 'finding')} in {_plural(files, 'file')}{fix_part}; {checked}."


def fixed(count: int) -> str:
    return f"Fixed {_plural(count, 'finding')}."


def would_fix(count: int, files: int) -> str:
    if not count:
        return "No fixes to apply."
    return f"Would fix {_plural(count, 'finding')} in {_plural(files, 'file')}."


def json_lines(findings: Sequence[Finding]) -> str:
    """One JSON object per line, the same objects as `json` (streams and `jq -c` pipelines)."""
    return "".join(json.dumps(f.to_dict()) + "\n" for f in findings)


def gitlab(findings: Sequence[Finding]) -> str:
    """GitLab Code Quality report (a JSON array of issues) for `artifacts:reports:codequality`.

    A fingerprint identifies an issue across commits, so GitLab can tell new findings from
    fixed ones in a merge request: it hashes the code, the path and the message, not the line
    (an edit above a finding would make it "new"); equal findings in one file are told apart
    by their order.
    """
    seen: Counter = Counter()
    issues = []
    for f in findings:
        key = (f.code, f.path, f.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()
        issues.append({
            "description": f"{f.code} {f.message}",
            "check_name": f"{f.code} {f.name}",
            "fingerprint": digest,
            "severity": "critical" if f.code == rule_registry.PARSE_ERROR_CODE else "major",
            "location": {
                "path": Path(f.path).as_posix(),
                "positions": {
                    "begin": {"line": f.line, "column": f.column},
                    "end": {"line": f.end_line or f.line, "column": f.end_column or f.column},
                },
            },
        })  # fmt: skip
    return json.dumps(issues, indent=2) + "\n"


def junit(findings: Sequence[Finding]) -> str:
    """JUnit XML: one test suite per file with findings, one failed test case per finding (CI
    systems show these as failed tests); a run without findings is one passing test case."""
    # imported here: xml.sax.saxutils imports urllib.request, email and http.client (~15 ms)
    from xml.sax.saxutils import escape as xml_escape, quoteattr

    by_path: Dict[str, List[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="cio-lint" tests="{max(len(findings), 1)}" failures="{len(findings)}" errors="0">']
    if not findings:
        out += ['  <testsuite name="cio-lint" tests="1" failures="0" errors="0">',
                '    <testcase name="No findings" classname="cio-lint"/>',
                "  </testsuite>"]  # fmt: skip
    for path, found in by_path.items():
        out.append(f'  <testsuite name={quoteattr(path)} tests="{len(found)}" failures="{len(found)}" errors="0">')
        for f in found:
            out.append(f'    <testcase name={quoteattr(f"{f.code} {f.name} at {f.line}:{f.column}")} '
                       f'classname={quoteattr(path)} file={quoteattr(path)} line="{f.line}">')
            out.append(f"      <failure message={quoteattr(f.message)} type={quoteattr(f.code)}>"
                       f"{xml_escape(f'{path}:{f.line}:{f.column}: {f.code} {f.message}')}</failure>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def pylint(findings: Sequence[Finding]) -> str:
    """pylint's parseable shape, `path:line: [CODE] message`, as flake8 and ruff print it for
    tools that read pylint output."""
    return "".join(f"{f.path}:{f.line}: [{f.code}] {f.message}\n" for f in findings)


FORMATS: Dict[str, Callable[[Sequence[Finding]], str]] = {
    "json": as_json,
    "json-lines": json_lines,
    "sarif": sarif,
    "github": github,
    "gitlab": gitlab,
    "junit": junit,
    "pylint": pylint,
}


# ---------------------------------------------------------------------------------------------
# Where the CLI's report goes


class OutputError(Exception):
    """The report cannot be written where it was asked to go (one line, exit 2)."""


def use_color(color: str, output_file, stream) -> bool:
    """--color auto|always|never, NO_COLOR and FORCE_COLOR, and whether `stream` is a terminal."""
    if color == "always":
        return True
    if color == "never" or output_file:
        return False
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render(findings, results, fmt, color, show_source, unsafe: bool = False) -> str:
    """The report in `fmt`; text with --show-source shows each finding's line, and `[*]`
    marks what --fix would fix (`unsafe`: with --unsafe-fixes)."""
    if fmt in FORMATS:
        return FORMATS[fmt](findings)
    sources = None
    if show_source:
        sources = {}
        for r in results:
            decoded = decode_source(r.data) if r.findings else None
            sources[r.shown] = split_lines(decoded[0]) if decoded else []  # as Python numbers lines
    return text(findings, color, show_source, sources, unsafe)


def emit(out: str, output_file: Optional[str]) -> None:
    """Write the report to `output_file`, or to stdout."""
    if output_file:
        try:
            with open(output_file, "w", encoding="utf-8", newline="") as handle:
                handle.write(out)
        except OSError as exc:
            raise OutputError(f"-o {output_file}: cannot write: {exc.strerror or exc}") from None
    else:
        try:
            sys.stdout.write(out)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except (OSError, AttributeError) as exc:  # a full disk, a closed stdout
            quiet_stdout()
            reason = getattr(exc, "strerror", None) or "stdout is closed"
            raise OutputError(f"cannot write the report to stdout: {reason}") from None
