"""A run over paths: the files (cio_lint/files.py) checked here or in the `--jobs` pool, the
project-level findings (cio_lint/whole_project.py), the fix loop.

The CLI (cio_lint/cli.py) turns its flags into one `CheckOptions` and calls `run()`; what comes
back is plain data it renders. Each file goes bytes -> settings and project -> engine ->
per-file-ignores and `# noqa`; project hooks (a rule module's `check_project`) add findings
in other files (dependency files), filtered the same way.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Set, Tuple

from cio_lint import codes, report
from cio_lint.config import ConfigError, Settings, SettingsSource, flag_values
from cio_lint.engine import cached_result, filtered, lint_bytes, might_use_sdk
from cio_lint.files import UsageError, display, iter_files
from cio_lint.finding import Checked, Finding
from cio_lint.fix import NotWritten, decode_source, fix_text, wanted, write_atomically, write_fixed
from cio_lint.globs import is_excluded
from cio_lint.inventory import InventorySink
from cio_lint.project import Project, project_for
from cio_lint.parsing import MAX_SOURCE_BYTES, read_source, too_large
from cio_lint.text import split_lines
from cio_lint.whole_project import INVENTORY_GATE, file_inventory, project_findings

if TYPE_CHECKING:
    from cio_lint.inventory import ProjectInventory

#: --jobs N uses processes only when each worker gets at least this many files that pass the
#: prefilter; below that, starting the workers costs more than it saves.
FILES_PER_JOB = 4
#: --jobs auto (the default) asks more: a worker's start-up (LibCST's import, ~0.15 s) must be
#: paid for by files at ~10 ms each (bench/run.py).
FILES_PER_AUTO_JOB = 16
#: --fix re-lints and fixes again until nothing changes (fixes that overlapped in one pass
#: apply in the next), at most this many passes, so that a second run finds nothing to fix.
MAX_FIX_PASSES = 10
#: --jobs auto
JOBS_AUTO = 0


@dataclass(frozen=True)
class CheckOptions:
    """Everything `cio-lint check` was asked, as one value (the CLI's flags, by name)."""

    paths: Tuple[str, ...] = ()
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    output_format: Optional[str] = None
    output_file: Optional[str] = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    statistics: bool = False
    show_source: bool = False
    exit_zero: bool = False
    config_file: Optional[str] = None
    isolated: bool = False
    stdin_filename: Optional[str] = None
    force_exclude: bool = False
    color: str = "auto"
    region: Optional[str] = None
    sdk_version: Optional[str] = None
    quiet: bool = False
    jobs: int = JOBS_AUTO
    #: ruff's names: walking skips what git ignores; exclude globs from the command line
    respect_gitignore: bool = True
    exclude: Tuple[str, ...] = ()
    extend_exclude: Tuple[str, ...] = ()
    per_file_ignores: Tuple[str, ...] = ()  # "glob:CODES", as flake8 writes them
    show_fixes: bool = False
    add_noqa: bool = False
    cache_dir: Optional[str] = None
    no_cache: bool = False

    def settings_source(self) -> SettingsSource:
        """The settings of each file: its config with these flags on top (validated here)."""
        raw: Dict[str, object] = {}
        for key, values in (("select", self.select), ("ignore", self.ignore),
                            ("extend-select", self.extend_select)):  # fmt: skip
            if values:
                raw[key] = list(flag_values(values))
        if self.region:
            raw["region"] = self.region
        if self.sdk_version:
            raw["sdk-version"] = self.sdk_version
        for key, values in (("exclude", self.exclude), ("extend-exclude", self.extend_exclude)):
            if values:
                raw[key] = list(flag_values(values))
        if self.per_file_ignores:
            raw["per-file-ignores"] = " ".join(self.per_file_ignores)
        if self.cache_dir:  # relative to where the command runs, not to a config file
            raw["cache-dir"] = os.path.abspath(self.cache_dir)
        if self.no_cache:
            raw["cache"] = False
        config_file = Path(self.config_file) if self.config_file else None
        return SettingsSource(config_file, self.isolated, raw, "command line", style="cli")

    def targets(self) -> Tuple[str, ...]:
        """The paths to check: '-' alone with only --stdin-filename (ruff's shorthand), else '.'."""
        if self.stdin_filename and not self.paths:
            return ("-",)
        return tuple(self.paths) or (".",)

    def configured_format(self, source: SettingsSource) -> str:
        """--format, else output-format from the config of the first path."""
        if self.output_format:
            return self.output_format
        paths = self.targets()
        first = self.stdin_filename if paths[0] == "-" and self.stdin_filename else paths[0]
        target = Path.cwd() if first == "-" else Path(first)
        return source.for_path(target.absolute()).output_format


@dataclass
class Outcome:
    results: List[Checked]
    files_checked: int
    fixed: int = 0
    diffs: List[str] = field(default_factory=list)
    #: things the user should know that are not findings, each said once ("--sdk-version
    #: '>=5' names no release cio-lint knows")
    warnings: List[str] = field(default_factory=list)
    #: what made the run incomplete (a directory that could not be listed, a fix that could
    #: not be written): each is printed as an error, and the run exits 2
    errors: List[str] = field(default_factory=list)
    #: (shown path, code, name) of each fix applied (--fix) or shown as a diff (--diff)
    applied: List[Tuple[str, str, str]] = field(default_factory=list)
    #: the directories the walk entered (cio_lint/replay.py fingerprints what the run read)
    walked: Set[str] = field(default_factory=set)

    @property
    def findings(self) -> List[Finding]:
        return sorted(f for r in self.results for f in r.findings)


def run(options: CheckOptions, source: SettingsSource) -> Outcome:
    """Check (and with --fix / --diff, fix) every target of `options`."""
    outcome = _check_all(options.targets(), source, options.stdin_filename, options.force_exclude, options.jobs,
                         options.respect_gitignore)  # fmt: skip
    if options.fix or options.diff:
        outcome.results, outcome.fixed, outcome.diffs, errors = apply_fixes(
            outcome.results, source, options.unsafe_fixes, write=not options.diff, applied=outcome.applied
        )
        outcome.errors.extend(errors)
    return outcome


# ---------------------------------------------------------------------------------------------
# Checking files


def check_bytes(data: bytes, shown: str, settings: Settings, path_for_project: Optional[Path],
                inventory: Optional[InventorySink] = None) -> List[Finding]:  # fmt: skip
    """A file's findings; with `inventory`, what it sends is left there too (same traversal)."""
    project = project_for(path_for_project, settings, use_cache=True)
    module_name = project.module_name(path_for_project) if path_for_project else ""
    findings = lint_bytes(data, shown, settings, project, module_name=module_name, inventory=inventory)
    return filtered(findings, shown, settings, path_for_project, data)


def wants_inventory(settings: Settings) -> bool:
    """Does a selected rule read the project's inventory (CIO503, CIO504)?"""
    selected = codes.selected_codes(settings.select, settings.ignore, settings.extend_select)
    return any(e.project_gate == INVENTORY_GATE and e.code in selected for e in codes.CATALOGUE)


def _checked(data: bytes, shown: str, settings: Settings, path: Optional[Path]) -> Tuple[List[Finding], Optional[dict]]:
    sink = InventorySink() if wants_inventory(settings) else None
    findings = check_bytes(data, shown, settings, path, sink)
    return findings, sink.data if sink is not None else None


def _read(path: Path, shown: str) -> Tuple[bytes, Optional[Checked]]:
    """Only a regular file is read, and never past the size cap (cio_lint/parsing.py): a FIFO
    named x.py or /dev/zero is a CIO000 saying what it is, not a hang."""
    data, problem = read_source(path)
    if problem is not None:
        return b"", Checked(path, shown, b"", [_unreadable(shown, problem)], path)
    return data, None


def _read_stdin() -> bytes:
    """stdin's bytes, at most the size cap (a larger input is a CIO000 for '-', as a file's)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise UsageError("cannot read stdin ('-'): it is closed")
    try:
        data = stream.read(MAX_SOURCE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read stdin ('-'): {getattr(exc, 'strerror', None) or exc}") from None
    return data


def _unreadable(shown: str, reason: str) -> Finding:
    return Finding(shown, 1, 1, codes.PARSE_ERROR_CODE, codes.PARSE_ERROR_NAME,
                   f"cannot check this file: {reason}", 1, 1)  # fmt: skip


def _check_all(paths, source: SettingsSource, stdin_filename, force_exclude, jobs,
               respect_gitignore: bool = True) -> Outcome:  # fmt: skip
    results: List[Checked] = []
    if "-" in paths:
        shown = stdin_filename or "-"
        where = (Path(stdin_filename) if stdin_filename else Path.cwd() / "stdin.py").absolute()
        settings = source.for_path(where)
        data = _read_stdin()
        inventory: Optional[dict] = None
        if force_exclude and stdin_filename and is_excluded(Path(stdin_filename), settings):
            findings: List[Finding] = []
        elif len(data) > MAX_SOURCE_BYTES:
            findings, data = [_unreadable(shown, too_large())], b""
        else:
            findings, inventory = _checked(data, shown, settings, where)
        results.append(Checked(None, shown, data, findings, where, sdk=might_use_sdk(data), inventory=inventory))
        paths = [p for p in paths if p != "-"]
    errors: List[str] = []
    walked: Set[str] = set()
    files = list(iter_files(paths, source.for_path, force_exclude, errors, respect_gitignore, walked))
    results.extend(_check_files(files, source, jobs))
    checked = len(results)
    warnings = sdk_version_warnings(results, source)
    results.extend(project_findings(results, source, walked))
    return Outcome(results, checked, warnings=warnings, errors=errors, walked=walked)


def sdk_version_warnings(results: List[Checked], source: SettingsSource) -> List[str]:
    """Each project's word on an SDK version that names no known release, once (projects and
    settings are per directory: one look per directory)."""
    out: List[str] = []
    seen = set()
    for result in results:
        where = result.config_path or result.path
        if where is None or not result.sdk or where.parent in seen:
            continue
        seen.add(where.parent)
        warning = project_for(where.absolute(), source.for_path(where), use_cache=True).sdk_version.warning
        if warning and warning not in out:
            out.append(warning)
    return out


def _check_files(files: List[Path], source: SettingsSource, jobs: int) -> List[Checked]:
    """Check `files` in order. This process reads every file and applies the byte prefilter
    (most files stop there) and answers what it can from the on-disk cache; the rest are
    checked here, or shared among worker processes when `jobs` allows and there are enough
    of them to pay for it."""
    results: List[Checked] = []
    pending: List[int] = []  # indexes of the files that pass the prefilter
    context = _DirectoryContext(source)
    for path in files:
        shown = context.display(path)
        data, unreadable = _read(path, shown)
        if unreadable is not None:
            results.append(unreadable)
            continue
        settings, project, module_name = context.of(path)
        if not might_use_sdk(data, project, module_name):
            data = b""  # only files with findings need their bytes (fixes, --show-source)
        else:
            cached = cached_result(data, shown, settings, project, module_name, wants_inventory(settings))
            if cached is None:
                pending.append(len(results))
            else:  # answered from the cache: no worker, no LibCST for it
                findings = filtered(cached[0], shown, settings, path, data)
                results.append(Checked(path, shown, data if findings else b"", findings, path, sdk=True,
                                       inventory=cached[1]))  # fmt: skip
                continue
        results.append(Checked(path, shown, data, [], path, sdk=bool(data)))
    if jobs == JOBS_AUTO:
        workers = min(_cpu_count(), len(pending) // FILES_PER_AUTO_JOB)
    else:
        workers = min(jobs, len(pending) // FILES_PER_JOB)
    if workers <= 1:
        for i in pending:
            r = results[i]
            r.findings, r.inventory = _checked(r.data, r.shown, source.for_path(r.path), r.path)
            if not r.findings:
                r.data = b""
        return results
    from concurrent.futures import ProcessPoolExecutor  # only when it pays (start-up time)

    # Contiguous chunks keep each worker's project cache warm; map() keeps the order, and the
    # findings are sorted afterwards, so the output is the same as with -j1.
    size = -(-len(pending) // (workers * 4))
    chunks = [pending[i : i + size] for i in range(0, len(pending), size)]
    jobs_args = [(source.args(), [(results[i].path, results[i].shown, results[i].data) for i in chunk])
                 for chunk in chunks]  # fmt: skip
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk, findings in zip(chunks, pool.map(_check_chunk, jobs_args)):
            for i, (found, inventory) in zip(chunk, findings):
                results[i].findings, results[i].inventory = found, inventory
                if not found:
                    results[i].data = b""
    return results


class _DirectoryContext:
    """What is the same for every file of a directory, looked up once per directory: its
    settings, its project, and the string forms of paths (pathlib's absolute() and cwd()
    per file cost ~0.1 s on an 800-file tree)."""

    def __init__(self, source: SettingsSource) -> None:
        self.source = source
        self.cwd = os.getcwd()
        self._prefix = os.path.join(self.cwd, "")
        self._dirs: Dict[str, tuple] = {}

    def display(self, path: Path) -> str:
        """As `display`: relative to the working directory when it is below it."""
        text = os.fspath(path)
        if os.path.isabs(text) and text.startswith(self._prefix):
            return text[len(self._prefix):]
        return text if not os.path.isabs(text) else display(path)

    def of(self, path: Path) -> Tuple[Settings, Project, str]:
        """(settings, project, module name) of the file at `path`."""
        directory, name = os.path.split(os.fspath(path))
        found = self._dirs.get(directory)
        if found is None:
            settings = self.source.for_path(path)
            project = project_for(path, settings, use_cache=True)
            found = self._dirs[directory] = (settings, project, os.path.join(self.cwd, directory))
        settings, project, absolute = found
        return settings, project, project.module_name_at(os.path.join(absolute, name))


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_worker_sources: Dict[tuple, SettingsSource] = {}


def _check_chunk(job) -> List[Tuple[List[Finding], Optional[dict]]]:
    """In a worker process: the findings (and inventories) of some files, with settings
    rebuilt from the parent's args."""
    args, files = job
    key = repr(args)
    source = _worker_sources.get(key)
    if source is None:
        source = _worker_sources[key] = SettingsSource(*args)
    return [_checked(data, shown, source.for_path(path), path) for path, shown, data in files]


# ---------------------------------------------------------------------------------------------
# The inventory (`cio-lint inventory`)


def inventory(paths: Sequence[str], source: SettingsSource) -> Tuple["ProjectInventory", List[str]]:
    """What the files under `paths` send (cio_lint/inventory.py), by the path shown, and the
    problems met (unreadable directories and files)."""
    from cio_lint.inventory import ProjectInventory

    found, errors = ProjectInventory(), []
    for path in iter_files(paths or (".",), source.for_path, False, errors):
        shown = display(path)
        data, problem = read_source(path)
        if problem is not None:
            errors.append(f"{shown}: {problem}")
            continue
        settings = source.for_path(path)
        project = project_for(path.absolute(), settings)
        found.add(shown, file_inventory(data, settings, project, project.module_name(path.absolute()), shown))
    return found, errors


# ---------------------------------------------------------------------------------------------
# Fixes


def _encode(text: str, encoding: str) -> Optional[bytes]:
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return None  # a fix introduced a character the file's encoding cannot hold


def _fix_one(result: Checked, settings: Settings, unsafe: bool) -> Tuple[Checked, int]:
    """Fix one file in memory until no wanted fix is left; returns the new state and count."""
    decoded = decode_source(result.data)
    if decoded is None or not any(wanted(f, unsafe) for f in result.findings):
        return result, 0
    text, encoding = decoded
    data, findings, applied = result.data, result.findings, 0
    for _ in range(MAX_FIX_PASSES):
        outcome = fix_text(text, findings, unsafe)
        new_data = _encode(outcome.text, encoding) if outcome.applied else None
        if new_data is None:
            break
        text, data, applied = outcome.text, new_data, applied + len(outcome.applied)
        findings = check_bytes(data, result.shown, settings, result.config_path)
        if not any(wanted(f, unsafe) for f in findings):
            break
    return Checked(result.path, result.shown, data, findings, result.config_path, result.sdk), applied


def apply_fixes(results: List[Checked], source: SettingsSource, unsafe: bool, write: bool,
                applied: Optional[List[Tuple[str, str, str]]] = None):  # fmt: skip
    """Fix every result; write changed files (write=True) or collect their diffs. A file that
    cannot be written is reported (the 4th value) with its findings, and the rest are fixed.
    `applied` gets (path, code, name) for each fix (--show-fixes)."""
    total = 0
    updated: List[Checked] = []
    diffs: List[str] = []
    errors: List[str] = []
    for result in results:
        settings = source.for_path(result.config_path or Path.cwd())
        new, count = _fix_one(result, settings, unsafe)
        if not count or new.data == result.data:
            updated.append(result)
            continue
        total += count
        entries = _fixed_entries(result, new, unsafe)
        if not write:
            if applied is not None:
                applied.extend(entries)
            before, after = decode_source(result.data), decode_source(new.data)
            diff = unified_diff(result.shown, before[0], after[0])
            # a diff's context may show a committed credential: never print one whole
            diffs.append(report.mask_secrets(diff, result.findings, split_lines(before[0])))
            updated.append(result)
            continue
        if result.path is not None:
            try:
                write_fixed(result.path, result.data, new.data)
            except NotWritten as exc:  # report it, keep its findings, fix the rest
                errors.append(f"{result.shown}: not fixed: {exc}")
                total -= count
                updated.append(result)
                continue
        if applied is not None:
            applied.extend(entries)
        updated.append(new)
    return updated, total, diffs, errors


def _fixed_entries(before: Checked, after: Checked, unsafe: bool) -> List[Tuple[str, str, str]]:
    """(path, code, name) of each fixable finding of `before` that `after` no longer has."""
    from collections import Counter

    left = Counter((f.code, f.name) for f in after.findings if wanted(f, unsafe))
    out = []
    for f in before.findings:
        if not wanted(f, unsafe):
            continue
        if left[(f.code, f.name)]:
            left[(f.code, f.name)] -= 1
        else:
            out.append((before.shown, f.code, f.name))
    return out


def unified_diff(shown: str, before: str, after: str) -> str:
    out = []
    for line in difflib.unified_diff(
        split_lines(before, keepends=True), split_lines(after, keepends=True), f"a/{shown}", f"b/{shown}"
    ):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def write_plan_file(target: Path, text: str, new: bool) -> None:
    """`cio-lint inventory --write-plan`: a new file, or the user's file replaced at once."""
    if new:
        target.write_text(text, encoding="utf-8")
    else:  # the user's file: all at once, or not at all
        write_atomically(target, text.encode("utf-8"))


__all__ = ["CheckOptions", "Checked", "ConfigError", "Outcome", "UsageError", "run"]


# ---------------------------------------------------------------------------------------------
# --add-noqa


def add_noqa(results: List[Checked], errors: Optional[List[str]] = None) -> int:
    """Add `# noqa: CODES` for every finding left in each file (adopting cio-lint on a legacy
    codebase); files are written as fixes are (write_fixed), in their own encoding. Returns how
    many codes were added; a file that cannot be written goes to `errors`. CIO000 (a file that
    cannot be checked) gets none: noqa would hide the file."""
    from cio_lint.noqa import add_noqa_comments

    total = 0
    for result in results:
        findings = [f for f in result.findings if f.code != codes.PARSE_ERROR_CODE]
        if result.path is None or not findings or not result.data:
            continue
        decoded = decode_source(result.data)
        if decoded is None:
            continue
        text, encoding = decoded
        new_text, added = add_noqa_comments(text, findings)
        data = _encode(new_text, encoding) if added else None
        if data is None or data == result.data:
            continue
        try:
            write_fixed(result.path, result.data, data)
        except NotWritten as exc:
            if errors is not None:
                errors.append(f"{result.shown}: {exc}")
            continue
        total += added
    return total


# ---------------------------------------------------------------------------------------------
# The on-disk cache


def clean_caches(paths: Sequence[str], config_file: Optional[str] = None, isolated: bool = False,
                 cache_dir: Optional[str] = None) -> List[Path]:  # fmt: skip
    """Remove the on-disk cache of the project around each of `paths` (its `cache-dir`, else
    <root>/.cio_lint_cache); the caches removed. A directory that is not a cio-lint cache is
    never touched."""
    from cio_lint.project import cache_dir_for
    from cio_lint.project.cache import clean
    from cio_lint.project.root import find_root

    options = {"cache-dir": os.path.abspath(cache_dir)} if cache_dir else {}
    source = SettingsSource(Path(config_file) if config_file else None, isolated, options, "command line",
                            style="cli")  # fmt: skip
    removed: List[Path] = []
    for raw in paths or (".",):
        where = Path(raw).absolute()
        directory = cache_dir_for(find_root(where).path, source.for_path(where))
        if directory is not None and directory not in removed and clean(directory):
            removed.append(directory)
    return removed
