"""The engine: bytes -> prefilter -> one parse -> one batched traversal -> sorted findings.

It never raises for a file: a syntax error, undecodable bytes, a RecursionError or a bug in one
rule becomes a CIO000 finding for that file, naming the reason, and the run goes on.

Speed (README "Performance"): most files never touch Customer.io, so the prefilter looks at
bytes before anything is parsed, and this module imports LibCST and the rules only when a
file passes it; a run over a tree without Customer.io never imports LibCST at all. A file that
passes is parsed once; its metadata is computed once and only as far as a rule asks, and every
rule runs in one traversal (both in cio_lint/metadata.py).
"""

from __future__ import annotations

import ast
import fnmatch
import os
import sys
import warnings
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Callable, Iterable, List, Optional, Sequence, Type, Union

from cio_lint.config import Settings, path_glob
from cio_lint.finding import Edit, Finding, Fix
from cio_lint.metadata import FastVisits, positions, prime_resolver_metadata, run_visitors
from cio_lint.project import Project, project_for

if TYPE_CHECKING:  # imported lazily at run time (see the module docstring)
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from cio_lint.inventory import InventorySink
    from cio_lint.resolve import Resolver
    from cio_lint.rules.base import Rule

#: The same as cio_lint.rules.PARSE_ERROR_CODE / PARSE_ERROR_NAME (a test keeps them equal);
#: repeated here so that a file the prefilter rejects imports nothing of cio_lint.rules
#: (tests/test_engine.py checks that no rule package or LibCST module is loaded for one).
PARSE_ERROR = "CIO000"
PARSE_ERROR_NAME = "parse-error"
#: Bytes a file must contain to be worth parsing: nothing else can reach the SDK, except
#: project modules that provide clients (added per project from its index).
SDK_NEEDLE = b"customerio"
#: The nesting guard: before LibCST's native parser sees a file, CPython's own parser checks
#: it with a recursion limit this many frames above the caller's, which refuses expressions
#: nested deeper than about 3 x this (~900 levels; CPython refuses ~3,000 and more than 200
#: nested brackets). LibCST's parser recurses on the C stack: a few thousand levels overflow
#: it and kill the process, and long before that its time grows with the square of the depth.
NESTING_GUARD_FRAMES = 300
#: Seconds one file's analysis may take before it is abandoned with a CIO000 that says so (the
#: run goes on). Real files take well under a second; this is a net for a rule or resolver
#: step that is quadratic on some pathological file (bench/torture.py found one). Enforced
#: with SIGALRM, so only in a main thread (CLI, --jobs and flake8 workers), never over a
#: shorter timer someone else set.
FILE_TIME_LIMIT = 30.0


class FileContext:
    """Everything a rule sees of one file, and where its findings go."""

    def __init__(self, path: str, wrapper: "MetadataWrapper", settings: Settings,
                 project: Project, module_name: str) -> None:  # fmt: skip
        self.path = path
        self.wrapper = wrapper
        self.module = wrapper.module
        self.settings = settings
        self.project = project
        self.sdk_version = project.sdk_version
        self.module_name = module_name
        self.findings: List[Finding] = []
        self._positions = None
        self._resolver: Optional["Resolver"] = None

    @property
    def resolver(self) -> "Resolver":
        """Built on first use: its metadata (scopes, qualified names, parents) costs most of
        a file's time, and a file no rule asks about never pays it."""
        if self._resolver is None:
            from cio_lint.resolve import Resolver

            prime_resolver_metadata(self.wrapper)
            self._resolver = Resolver(self.wrapper, self.project.index, self.module_name,
                                      self.project.sdk_version)  # fmt: skip
        return self._resolver

    def position(self, node: "cst.CSTNode"):
        if self._positions is None:  # computed only for files that have findings
            self._positions = positions(self.wrapper)
        return self._positions[node]

    def report(self, rule: "Rule", node: "cst.CSTNode", message: str, fix: Optional[Fix],
               help: str = "") -> None:
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
                help=help,
            )
        )

    def replace_edit(self, node: "cst.CSTNode", code: str) -> Edit:
        pos = self.position(node)
        return Edit(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1, code)

    def import_edit(self, module: str, name: str) -> Optional[Edit]:
        """An edit adding `from module import name`, or None when `name` is already bound."""
        import libcst as cst

        statement = f"from {module} import {name}"
        body = self.module.body
        if any(name == a.name for a in _module_scope_assignments(self.resolver, name)):
            return None
        existing = self._plain_import_from(module)
        if existing is not None:  # from customerio import CustomerIO -> ..., Regions
            end = self.position(existing.names[-1]).end
            return Edit(end.line, end.column + 1, end.line, end.column + 1, f", {name}")
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

    def _plain_import_from(self, module: str) -> Optional["cst.ImportFrom"]:
        """A top-level `from <module> import a, b` a name can be appended to: absolute, no
        parentheses, no star, no trailing comma, at module level."""
        import libcst as cst

        from cio_lint.resolve import dotted_name

        for stmt in self.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and not small.relative
                    and small.lpar is None
                    and isinstance(small.names, (list, tuple))
                    and small.module is not None
                    and dotted_name(small.module) == module
                    and isinstance(small.names[-1].comma, cst.MaybeSentinel)
                ):
                    return small
        return None


def _module_scope_assignments(resolver: "Resolver", name: str):
    scope = resolver.scope(resolver.module)
    return scope[name] if scope is not None else ()


def _is_docstring(stmt: "cst.CSTNode") -> bool:
    import libcst as cst

    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


# ---------------------------------------------------------------------------------------------


def might_use_sdk(data: Union[str, bytes], project: Optional[Project] = None, module_name: str = "") -> bool:
    """The prefilter: can this file involve Customer.io at all? Reads bytes, parses nothing.

    It can when it mentions `customerio`, or imports a project module that provides a
    client (`from shop.cio import client`); `module_name` places its relative imports."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if SDK_NEEDLE in data:
        return True
    return project is not None and project.index.imports_a_provider(data, module_name)


def _parse_error(path: str, line: int, column: int, reason: str,
                 end_line: Optional[int] = None, end_column: Optional[int] = None) -> Finding:  # fmt: skip
    return Finding(
        path=path,
        line=max(line, 1),
        column=max(column, 1),
        code=PARSE_ERROR,
        name=PARSE_ERROR_NAME,
        message=f"cannot check this file: {reason}",
        end_line=max(end_line or line, 1),
        end_column=max(end_column or column, 1),
    )


def lint_bytes(
    data: Union[str, bytes],
    path: str,
    settings: Settings,
    project: Project,
    rules: Optional[Sequence[Type["Rule"]]] = None,
    module_name: str = "",
    inventory: Optional["InventorySink"] = None,
) -> List[Finding]:
    """Findings for one file's bytes or text (not yet filtered by noqa or per-file-ignores).

    Bytes are preferred: LibCST then honours the coding cookie and BOM itself. `inventory`:
    also record what the file sends (cio_lint/inventory.py) there, in the same traversal.
    """
    if not might_use_sdk(data, project, module_name):
        return []  # neither LibCST nor the rules are imported for this file
    from cio_lint import rules as rule_registry

    if rules is None:
        rules = rule_registry.select_rules(settings.select, settings.ignore, settings.extend_select)
    if not rules and inventory is None:
        return []
    findings = _check(data, path, settings, project, rules, module_name, inventory)
    # CIO000 is on by default and selectable like any code (flake8 treats its E999 the same).
    if not rule_registry.enabled(PARSE_ERROR, True, settings.select, settings.ignore, settings.extend_select):
        findings = [f for f in findings if f.code != PARSE_ERROR]
    return findings


def _stack_depth() -> int:
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


def nesting_problem(data: Union[str, bytes]) -> Optional[tuple]:
    """(line, reason) when `data` is nested too deeply for LibCST's parser to be safe, else None.

    CPython's parser (in C, ~20x faster than LibCST's) parses the file under a recursion limit
    a fixed distance above the current depth, so the verdict does not depend on the caller.
    A file CPython cannot parse for another reason (a syntax error, a newer grammar than this
    interpreter's) is left to LibCST, which reports it; CPython stops at the first error, so
    for such a file the guard only knows about brackets, which CPython checks as it reads.
    """
    old = sys.getrecursionlimit()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like
            sys.setrecursionlimit(_stack_depth() + NESTING_GUARD_FRAMES)
            try:
                ast.parse(data)
            finally:
                sys.setrecursionlimit(old)
    except (RecursionError, MemoryError):
        return 1, "nested too deeply to parse safely"
    except SyntaxError as exc:
        if "too many nested" in (exc.msg or "") or "too complex" in (exc.msg or ""):
            return exc.lineno or 1, f"nested too deeply to parse safely ({exc.msg})"
    except Exception:  # null bytes (ValueError), undecodable text: LibCST reports those
        pass
    return None


class FileTimeout(BaseException):
    """Raised into a file's analysis when it exceeds FILE_TIME_LIMIT. A BaseException, so the
    rules' per-rule guard (which catches Exception) lets it through to the engine."""


class _time_limit:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def __enter__(self):
        import signal
        import threading

        if self.seconds <= 0 or not hasattr(signal, "setitimer") or \
                threading.current_thread() is not threading.main_thread():  # fmt: skip
            return self
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        if remaining:  # someone else's timer is running: leave it alone
            return self

        def expired(signum, frame):
            raise FileTimeout()

        try:
            self.previous = signal.signal(signal.SIGALRM, expired)
        except ValueError:  # not the main thread of the main interpreter
            return self
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        self.armed = True
        return self

    def __exit__(self, *exc) -> None:
        if self.armed:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def _check(data, path, settings, project, rules, module_name, inventory=None) -> List[Finding]:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    deep = nesting_problem(data)
    if deep is not None:
        return [_parse_error(path, deep[0], 1, deep[1])]
    try:
        try:
            module = cst.parse_module(data)
        except (UnicodeDecodeError, SyntaxError) as exc:
            # LibCST finds the coding cookie only in lines ending in "\n": a CR-only file
            # with a cookie fails here although Python reads it. Decode it as Python would.
            text = _decoded(data)
            if text is None:
                raise exc from None
            module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        from cio_lint.syntax_errors import describe_syntax_error

        problem = describe_syntax_error(data, exc)  # in words, where CPython places it
        return [_parse_error(path, problem.line, problem.column, problem.reason,
                             problem.end_line, problem.end_column)]  # fmt: skip
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
        if inventory is not None:
            from cio_lint.inventory import collector

            visitors.append(collector(context))
        # Scope analysis and the resolver's own searches walk the tree with LibCST visitors:
        # give them the walk that does not rebuild every node.
        with _time_limit(FILE_TIME_LIMIT), FastVisits():
            run_visitors(wrapper, visitors)
            if inventory is not None:
                inventory.data = visitors[-1].result()
    except FileTimeout:
        return [_parse_error(path, 1, 1, f"checking it took longer than {FILE_TIME_LIMIT:g}s; "
                             "abandoned (please report this file)")]  # fmt: skip
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


def _decoded(data) -> Optional[str]:
    if not isinstance(data, bytes) or b"\r" not in data:
        return None
    from cio_lint.fix import decode_source

    decoded = decode_source(data)
    return decoded[0] if decoded is not None else None


def _failed_codes(visitors: Iterable["Rule"]) -> set:
    return {v.CODE for v in visitors if v.failure is not None}


def lint_source(
    source: str | bytes,
    *,
    path: str = "snippet.py",
    settings: Optional[Settings] = None,
    project: Optional[Project] = None,
    rules: Optional[Sequence[Type["Rule"]]] = None,
) -> List[Finding]:
    """Lint source text as if it were the file `path` (tests, stdin, editors)."""
    settings = settings or Settings()
    if project is None:
        project = project_for(None, settings)
    if rules is None:
        from cio_lint import rules as rule_registry

        rules = rule_registry.select_rules(settings.select, settings.ignore, settings.extend_select)
    if not any(getattr(rule, "PROJECT", False) for rule in rules):
        return lint_bytes(source, path, settings, project, rules)
    # Project-level rules see this source as the whole project.
    from cio_lint.inventory import InventorySink, ProjectInventory

    sink = InventorySink()
    findings = lint_bytes(source, path, settings, project, rules, inventory=sink)
    return sorted(findings + project_findings(ProjectInventory({path: sink.data}), settings, rules))


def project_findings(inventory, settings: Settings, rules: Sequence[Type["Rule"]]) -> List[Finding]:
    """The findings of the project-level rules among `rules` (CIO503, CIO504) for a project's
    inventory (cio_lint/inventory.py), in every file of it; an internal error in one becomes
    a CIO000 naming the rule, as for the other rules."""
    found: List[Finding] = []
    for rule in rules:
        if not getattr(rule, "PROJECT", False):
            continue
        try:
            found.extend(rule.project_findings(inventory, settings))
        except Exception as exc:
            where = next(iter(inventory.files), "<project>")
            found.append(_parse_error(where, 1, 1, f"internal error in rule {rule.CODE} {rule.NAME}: "
                                      f"{type(exc).__name__}: {exc}"))  # fmt: skip
    return sorted(found)


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

def noqa_filter(findings: Sequence[Finding], text: Union[str, Sequence[str]]) -> List[Finding]:
    """Drop findings suppressed by `# noqa` (flake8's grammar and matching, cio_lint/noqa.py)
    or by `# cio-lint: ignore[names]`. `text` is the file's text (a list of lines is joined)."""
    if not findings:
        return []
    from cio_lint.noqa import Suppressions

    if not isinstance(text, str):
        text = "\n".join(text)
    return Suppressions(text).filter(findings)


def per_file_ignored(shown: str, settings: Settings, path: Optional[Path] = None) -> Callable[[Finding], bool]:
    """Is a finding in this file silenced by `[tool.cio-lint] per-file-ignores`? Its globs are
    matched against `path` relative to the config's directory when the file is inside it
    (so they mean the same from any working directory), else against the name shown."""
    patterns = [(glob, codes) for glob, codes in settings.per_file_ignores]
    if not patterns:
        return lambda finding: False
    from cio_lint import rules as rule_registry

    pure = PurePath(_relative_to_config(path, settings) or shown)
    hits = [codes for glob, codes in patterns if _glob_match(pure, glob)]
    return lambda finding: any(rule_registry.matches(finding.code, codes) for codes in hits)


def _relative_to_config(path: Optional[Path], settings: Settings) -> Optional[str]:
    if path is None or settings.config_dir is None:
        return None
    where, base = os.path.abspath(path), os.path.abspath(settings.config_dir)
    if not where.startswith(os.path.join(base, "")):
        return None
    return PurePath(os.path.relpath(where, base)).as_posix()


def _glob_match(path: PurePath, pattern: str) -> bool:
    """flake8's reading: a pattern with a '/' matches the path relative to the config's
    directory; one without matches the file's name (and, as ruff allows, the whole path)."""
    text = path.as_posix()
    relative = path_glob(pattern)
    if relative is not None:  # the path itself or anything below it
        return fnmatch.fnmatch(text, relative) or fnmatch.fnmatch(text, relative + "/*")
    return fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(text, pattern)
