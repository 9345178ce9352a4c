"""The engine: bytes -> prefilter -> one parse -> one batched traversal -> sorted findings.

It never raises for a file: a syntax error, undecodable bytes, a RecursionError or a bug in one
rule becomes a CIO000 finding for that file, naming the reason, and the run goes on.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path, PurePath
from typing import Callable, Iterable, List, Optional, Sequence, Type, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from cio_lint import rules as rule_registry
from cio_lint.config import Settings
from cio_lint.finding import Edit, Finding, Fix
from cio_lint.project import Project, project_for
from cio_lint.resolve import Resolver
from cio_lint.rules.base import Rule

PARSE_ERROR = rule_registry.PARSE_ERROR_CODE
#: Bytes a file must contain to be worth parsing: nothing else can reach the SDK, except
#: project modules that provide clients (added per project from its index).
SDK_NEEDLE = b"customerio"


class FileContext:
    """Everything a rule sees of one file, and where its findings go."""

    def __init__(self, path: str, wrapper: MetadataWrapper, settings: Settings,
                 project: Project, module_name: str) -> None:  # fmt: skip
        self.path = path
        self.wrapper = wrapper
        self.module = wrapper.module
        self.settings = settings
        self.project = project
        self.sdk_version = project.sdk_version
        self.resolver = Resolver(wrapper, project.index, module_name, project.sdk_version)
        self.findings: List[Finding] = []
        self._positions = None

    def position(self, node: cst.CSTNode):
        if self._positions is None:  # computed only for files that have findings
            self._positions = self.wrapper.resolve(PositionProvider)
        return self._positions[node]

    def report(self, rule: Rule, node: cst.CSTNode, message: str, fix: Optional[Fix]) -> None:
        pos = self.position(node)
        self.findings.append(
            Finding(
                path=self.path,
                line=pos.start.line,
                column=pos.start.column + 1,
                code=rule.CODE,
                name=rule.NAME,
                message=message,
                end_line=pos.end.line,
                end_column=pos.end.column + 1,
                fix=fix,
            )
        )

    def replace_edit(self, node: cst.CSTNode, code: str) -> Edit:
        pos = self.position(node)
        return Edit(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1, code)

    def import_edit(self, module: str, name: str) -> Optional[Edit]:
        """An edit adding `from module import name`, or None when `name` is already bound."""
        statement = f"from {module} import {name}"
        body = self.module.body
        if any(name == a.name for a in _module_scope_assignments(self.resolver, name)):
            return None
        last_import = None
        for index, stmt in enumerate(body):
            if isinstance(stmt, cst.SimpleStatementLine) and all(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
            ):
                last_import = stmt
            elif index == 0 and _is_docstring(stmt):
                last_import = last_import or stmt
            elif last_import is not None:
                break
        newline = self.module.default_newline
        if last_import is None:
            return Edit(1, 1, 1, 1, statement + newline)
        end = self.position(last_import).end
        return Edit(end.line + 1, 1, end.line + 1, 1, statement + newline)


def _module_scope_assignments(resolver: Resolver, name: str):
    scope = resolver.scope(resolver.module)
    return scope[name] if scope is not None else ()


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


# ---------------------------------------------------------------------------------------------


def might_use_sdk(data: Union[str, bytes], project: Optional[Project] = None) -> bool:
    """The prefilter: can this file involve Customer.io at all? Reads bytes, parses nothing."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if SDK_NEEDLE in data:
        return True
    if project is not None:
        return any(needle in data for needle in project.index.prefilter_needles())
    return False


def _parse_error(path: str, line: int, column: int, reason: str) -> Finding:
    return Finding(
        path=path,
        line=max(line, 1),
        column=max(column, 1),
        code=PARSE_ERROR,
        name=rule_registry.PARSE_ERROR_NAME,
        message=f"cannot check this file: {reason}",
        end_line=max(line, 1),
        end_column=max(column, 1),
    )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def lint_bytes(
    data: Union[str, bytes],
    path: str,
    settings: Settings,
    project: Project,
    rules: Optional[Sequence[Type[Rule]]] = None,
    module_name: str = "",
) -> List[Finding]:
    """Findings for one file's bytes or text (not yet filtered by noqa or per-file-ignores).

    Bytes are preferred: LibCST then honours the coding cookie and BOM itself.
    """
    if rules is None:
        rules = rule_registry.select_rules(settings.select, settings.ignore, settings.extend_select)
    if not rules or not might_use_sdk(data, project):
        return []
    findings = _check(data, path, settings, project, rules, module_name)
    # CIO000 is on by default and selectable like any code (flake8 treats its E999 the same).
    if not rule_registry.enabled(PARSE_ERROR, True, settings.select, settings.ignore, settings.extend_select):
        findings = [f for f in findings if f.code != PARSE_ERROR]
    return findings


def _check(data, path, settings, project, rules, module_name) -> List[Finding]:
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        return [_parse_error(path, exc.raw_line, exc.raw_column + 1,
                             f"syntax error: {_first_line(exc.message)}")]  # fmt: skip
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return [_parse_error(path, 1, 1, f"cannot decode the file: {exc}")]
    except RecursionError:
        return [_parse_error(path, 1, 1, "nested too deeply to parse")]
    except Exception as exc:  # the parser's own failure on odd input
        return [_parse_error(path, 1, 1, f"parser failed: {type(exc).__name__}: {exc}")]

    try:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        context = FileContext(path, wrapper, settings, project, module_name)
        visitors = [rule(context) for rule in rules]
        wrapper.visit_batched(visitors)
    except RecursionError:
        return [_parse_error(path, 1, 1, "nested too deeply to analyse")]
    except Exception as exc:
        return [_parse_error(path, 1, 1, f"internal error: {type(exc).__name__}: {exc}")]

    findings = [f for f in context.findings if f.code not in _failed_codes(visitors)]
    for visitor in visitors:
        if visitor.failure is not None:
            findings.append(
                _parse_error(path, 1, 1, f"internal error in rule {visitor.CODE} "
                             f"{visitor.NAME}: {type(visitor.failure).__name__}: {visitor.failure}")
            )  # fmt: skip
    return sorted(findings)


def _failed_codes(visitors: Iterable[Rule]) -> set:
    return {v.CODE for v in visitors if v.failure is not None}


def lint_source(
    source: str | bytes,
    *,
    path: Optional[str] = None,
    settings: Optional[Settings] = None,
    project: Optional[Project] = None,
    rules: Optional[Sequence[Type[Rule]]] = None,
) -> List[Finding]:
    """Lint source text as if it were the file `path` (tests, stdin, editors)."""
    settings = settings or Settings()
    if project is None:
        # the project around `path` when the caller names one (its pins, index, conflicts)
        where = Path(path).absolute() if path is not None else None
        project = project_for(where if where is not None and where.parent.is_dir() else None, settings)
    return lint_bytes(source, path or "snippet.py", settings, project, rules)


def lint_file(path: Path, settings: Settings, project: Optional[Project] = None,
              display_path: Optional[str] = None) -> List[Finding]:  # fmt: skip
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return [_parse_error(shown, 1, 1, "is a directory")]
    except OSError as exc:
        return [_parse_error(shown, 1, 1, f"cannot read: {exc.strerror or exc}")]
    project = project or project_for(path, settings)
    return lint_bytes(data, shown, settings, project, module_name=project.module_name(path))


# ---------------------------------------------------------------------------------------------
# Filters the CLI applies (flake8 applies its own)

_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[\w-]+(?:[,\s]+[\w-]+)*))?", re.IGNORECASE)


def noqa_filter(findings: Sequence[Finding], lines: Sequence[str]) -> List[Finding]:
    """Drop findings suppressed by `# noqa` / `# noqa: CODES` on their line, as flake8 reads it.

    Codes may be codes, prefixes or rule names (`# noqa: ms-timestamp`).
    """
    kept = []
    for finding in findings:
        line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        match = _NOQA.search(line)
        if match is None:
            kept.append(finding)
            continue
        codes = match.group("codes")
        if codes is None:
            continue  # bare noqa silences everything on the line
        selectors = [c for c in re.split(r"[,\s]+", codes) if c]
        if not rule_registry.matches(finding.code, selectors):
            kept.append(finding)
    return kept


def per_file_ignored(path: str, settings: Settings) -> Callable[[Finding], bool]:
    patterns = [(glob, codes) for glob, codes in settings.per_file_ignores]
    if not patterns:
        return lambda finding: False
    pure = PurePath(path)
    hits = [codes for glob, codes in patterns if _glob_match(pure, glob)]
    return lambda finding: any(rule_registry.matches(finding.code, codes) for codes in hits)


def _glob_match(path: PurePath, pattern: str) -> bool:
    text = path.as_posix()
    return (
        fnmatch.fnmatch(text, pattern)
        or fnmatch.fnmatch(text, f"*/{pattern}")
        or fnmatch.fnmatch(path.name, pattern)
    )

