"""The engine: bytes -> prefilter -> one parse -> one batched traversal -> sorted findings.

It never raises for a file: a syntax error, undecodable bytes, a RecursionError or a bug in one
rule becomes a CIO000 finding for that file, naming the reason, and the run goes on.

Speed (README "Performance"): most files never touch Customer.io, so the prefilter looks at
bytes before anything is parsed, and this module imports LibCST and the rules only when a
file passes it; a run over a tree without Customer.io never imports LibCST at all. A file that
passes is parsed once; its metadata is computed once and only as far as a rule asks, and every
rule runs in one traversal (both in cio_lint/_libcst.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, List, Optional, Sequence, Tuple, Type, Union

from cio_lint import codes, parsing, sdk
from cio_lint.codes import PARSE_ERROR_CODE, PARSE_ERROR_NAME
from cio_lint.config import Settings
from cio_lint.globs import per_file_ignored
from cio_lint.finding import Finding
from cio_lint._libcst import FastVisits, run_visitors
from cio_lint.text import decode_source, foreign_bom
from cio_lint.parsing import FileTimeout, ParseFailure, nesting_problem  # noqa: F401 (re-exported)
from cio_lint.project import Project, project_for

if TYPE_CHECKING:  # imported lazily at run time (see the module docstring)
    from pathlib import Path

    from cio_lint.inventory import InventorySink
    from cio_lint.rules.base import Rule

#: Names kept for callers of the engine; CIO000 is defined in cio_lint/codes.py.
PARSE_ERROR = PARSE_ERROR_CODE
#: Bytes a file must contain to be worth parsing: nothing else can reach the SDK, except
#: project modules that provide clients (added per project from its index).
SDK_NEEDLE = sdk.PACKAGE.encode()
#: The parse guard, size cap and time limit live in cio_lint/parsing.py (every parse anywhere
#: goes through it).


# ---------------------------------------------------------------------------------------------


def might_use_sdk(data: Union[str, bytes], project: Optional[Project] = None, module_name: str = "") -> bool:
    """The prefilter: can this file involve Customer.io at all? Reads bytes, parses nothing.

    It can when it mentions `customerio`, or imports a project module that provides a
    client (`from shop.cio import client`); `module_name` places its relative imports."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if SDK_NEEDLE in data:
        return True
    bom = foreign_bom(data)
    if bom is not None:  # UTF-16/32: the name is there in other bytes; the parse says why it fails
        return SDK_NEEDLE.decode() in data.decode(bom.replace("-", "").lower(), "replace")
    if project is None or not project.index.may_import_a_provider(data, module_name):
        return False  # bytes were enough: nothing it imports can reach the SDK
    from cio_lint.resolve.summaries import for_project

    return for_project(project).imports_a_provider(data, module_name)


def _parse_error(path: str, line: int, column: int, reason: str, end_line: Optional[int] = None,
                 end_column: Optional[int] = None, prefix: str = "cannot check this file: ") -> Finding:  # fmt: skip
    return Finding(
        path=path,
        line=max(line, 1),
        column=max(column, 1),
        code=PARSE_ERROR,
        name=PARSE_ERROR_NAME,
        message=f"{prefix}{reason}",
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
    With the project's on-disk cache (`project.cache`), an unchanged file whose imports offer
    what they offered is answered from it, without importing LibCST or the rules.
    """
    if not might_use_sdk(data, project, module_name):
        return []  # neither LibCST nor the rules are imported for this file
    if project.cache is None:
        return _lint(data, path, settings, project, rules, module_name, inventory)
    from cio_lint.resolve.summaries import for_project

    cache, summaries = project.cache, for_project(project)
    key = _result_key(data, path, settings, project, rules, module_name, inventory is not None)
    found = _cached(cache, summaries, key, inventory is not None)
    if found is not None:
        if inventory is not None:
            inventory.data = found[1]
        return found[0]
    summaries.start_recording()
    try:
        findings = _lint(data, path, settings, project, rules, module_name, inventory)
    finally:
        read = summaries.stop_recording()
    if not any(f.code == PARSE_ERROR and "longer than" in f.message for f in findings):  # load, not code
        cache.put_result(key, {m: summaries.digest_of(m) for m in sorted(read)}, [f.to_dict() for f in findings],
                         inventory.data if inventory is not None else None)
    return findings


def cached_result(data: Union[str, bytes], path: str, settings: Settings, project: Project, module_name: str = "",
                  inventory: bool = False) -> Optional[Tuple[List[Finding], Optional[dict]]]:  # fmt: skip
    """What `lint_bytes` would answer for this file from the on-disk cache alone ((findings,
    inventory), the inventory when asked), or None when the cache cannot answer: the runner
    asks before deciding which files are worth a worker process."""
    if project.cache is None:
        return None
    from cio_lint.resolve.summaries import for_project

    key = _result_key(data, path, settings, project, None, module_name, inventory)
    return _cached(project.cache, for_project(project), key, inventory)


def _result_key(data, path, settings, project, rules, module_name, inventory: bool) -> str:
    import hashlib

    from cio_lint.project.cache import digest

    selected = [r.CODE for r in rules] if rules is not None else \
        codes.selected_codes(settings.select, settings.ignore, settings.extend_select)  # fmt: skip
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    return digest("result", project.cache.version, path, module_name, settings_fingerprint(settings), inventory,
                  ",".join(sorted(selected)), repr(project.sdk_version), project.index.shadows_sdk,
                  repr(project.distribution_conflict()), hashlib.sha256(raw).digest())  # fmt: skip


def _cached(cache, summaries, key: str, inventory: bool) -> Optional[Tuple[List[Finding], Optional[dict]]]:
    """The entry under `key`, used only when every module summary the check read still has
    the digest it had then: a module that starts (or stops) providing a client invalidates
    the files that import it."""
    entry = cache.get_result(key)
    if entry is None or not all(summaries.digest_of(m) == d for m, d in entry["deps"].items()):
        return None
    if inventory and not isinstance(entry.get("inventory"), dict):
        return None
    try:
        found = [Finding.from_dict(f) for f in entry["findings"]]
    except Exception:  # a malformed entry: check again, and overwrite it
        return None
    return found, (entry["inventory"] if inventory else None)


def _lint(data, path, settings, project, rules, module_name, inventory) -> List[Finding]:
    from cio_lint import rules as rule_registry

    if rules is None:
        rules = rule_registry.select_rules(settings.select, settings.ignore, settings.extend_select)
    if not rules and inventory is None:
        return []
    with parsing.paused_gc():  # (around the call: the tree is freed before collection resumes)
        findings = _check(data, path, settings, project, rules, module_name, inventory)
    if not codes.parse_error_enabled(settings.select, settings.ignore, settings.extend_select):
        findings = [f for f in findings if f.code != PARSE_ERROR]
    return findings


def settings_fingerprint(settings: Settings) -> str:
    """Every setting that can change a finding (those that compare), as text."""
    import dataclasses

    return repr([(f.name, getattr(settings, f.name)) for f in dataclasses.fields(settings) if f.compare])


def _check(data, path, settings, project, rules, module_name, inventory=None) -> List[Finding]:
    from libcst.metadata import MetadataWrapper

    from cio_lint.rules.context import FileContext

    # One time limit for the whole file: the guarded parse and the traversal (a huge or
    # pathological file can spend its time in either).
    try:
        with parsing.time_limit(parsing.FILE_TIME_LIMIT):
            parsed = parsing.parse_source(data)
            if isinstance(parsed, ParseFailure):
                return [_parse_error(path, parsed.line, parsed.column, parsed.reason,
                                     parsed.end_line, parsed.end_column)]  # fmt: skip
            wrapper = MetadataWrapper(parsed, unsafe_skip_copy=True)
            context = FileContext(path, wrapper, settings, project, module_name)
            visitors = [rule(context) for rule in rules]
            if inventory is not None:
                from cio_lint.inventory import collector

                visitors.append(collector(context))
            # Scope analysis and the resolver's own searches walk the tree with LibCST
            # visitors: give them the walk that does not rebuild every node.
            with FastVisits():
                run_visitors(wrapper, visitors)
                if inventory is not None:
                    inventory.data = visitors[-1].result()
            from cio_lint.resolve.summaries import for_project

            unusable = for_project(project).unusable_imports(data, module_name)
    except FileTimeout:
        return [_parse_error(path, 1, 1, f"checking it took longer than {parsing.FILE_TIME_LIMIT:g}s; "
                             "abandoned (please report this file)")]  # fmt: skip
    except RecursionError:
        return [_parse_error(path, 1, 1, "nested too deeply to analyse")]
    except Exception as exc:
        return [_parse_error(path, 1, 1, f"internal error: {type(exc).__name__}: {exc}")]

    from cio_lint.rules.base import one_finding_per_mistake  # rules are imported by now

    findings = one_finding_per_mistake([f for f in context.findings if f.code not in _failed_codes(visitors)],
                                       visitors)
    for visitor in visitors:
        if visitor.failure is not None:
            findings.append(
                _parse_error(path, 1, 1, f"internal error in rule {visitor.CODE} "
                             f"{visitor.NAME}: {type(visitor.failure).__name__}: {visitor.failure}")
            )  # fmt: skip
    # An imported project module that could not be read: what it provides is unknown here,
    # so findings about its clients may be missing. Say so where the import is.
    for line, module, where, failure in unusable:
        findings.append(_parse_error(path, line, 1, f"cannot use the imported module {module} "
                                     f"({where}:{failure.line}: {failure.reason}); findings that "
                                     "depend on what it provides are missing here", prefix=""))  # fmt: skip
    return sorted(findings)


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


def filtered(findings: List[Finding], shown: str, settings: Settings, path: Optional[Path],
             data: bytes) -> List[Finding]:  # fmt: skip
    """The findings `[tool.cio-lint] per-file-ignores` and `# noqa` in `data` leave."""
    if not findings:
        return findings
    ignored = per_file_ignored(shown, settings, path)
    findings = [f for f in findings if not ignored(f)]
    decoded = decode_source(data)
    if decoded is not None:
        findings = noqa_filter(findings, decoded[0])
    return findings
