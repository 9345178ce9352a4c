"""A run over paths: walking and excludes, the `--jobs` pool, project-level findings, the fix loop.

The CLI (cio_lint/cli.py) turns its flags into one `CheckOptions` and calls `run()`; what comes
back is plain data it renders. Each file goes bytes -> settings and project -> engine ->
per-file-ignores and `# noqa`; project hooks (a rule module's `check_project`) add findings
in other files (dependency files), filtered the same way.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from cio_lint import codes, report
from cio_lint.config import ConfigError, Settings, SettingsSource, flag_values
from cio_lint.engine import cached_result, lint_bytes, might_use_sdk, noqa_filter
from cio_lint.globs import is_excluded, per_file_ignored
from cio_lint.finding import Finding, ProjectFinding, ProjectRun
from cio_lint.fix import NotWritten, decode_source, fix_text, wanted, write_atomically, write_fixed
from cio_lint.inventory import InventorySink
from cio_lint.project import Project, project_for
from cio_lint.parsing import MAX_SOURCE_BYTES, read_source, too_large
from cio_lint.project.root import find_root, has_marker
from cio_lint.text import split_lines

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
#: the `project_gate` of the rules that read every file's inventory (CIO503, CIO504)
INVENTORY_GATE = "inventories"


class UsageError(Exception):
    """Bad paths or arguments: one line on stderr, exit 2."""


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
class Checked:
    path: Optional[Path]  # None for stdin
    shown: str
    data: bytes
    findings: List[Finding]
    #: the path whose configuration and project apply (stdin: --stdin-filename)
    config_path: Optional[Path] = None
    #: the file passed the prefilter: the engine ran the rules on it
    sdk: bool = False
    #: what the file sends (cio_lint/inventory.py), when a project-level rule reads it
    inventory: Optional[dict] = None


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
# Files


def iter_files(paths: Sequence[str], settings_for, force_exclude: bool, errors: Optional[List[str]] = None,
               respect_gitignore: bool = True, entered: Optional[Set[str]] = None) -> Iterator[Path]:  # fmt: skip
    """The files to check under `paths`. A directory that cannot be listed is never skipped
    silently: it goes to `errors` (the run then exits 2), and the walk goes on. `entered`
    collects the directories walked."""
    errors = errors if errors is not None else []
    seen = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{raw}: no such file or directory")
        if force_exclude and is_excluded(path, settings_for(path)):
            continue
        # named files: any suffix, even when git ignores them (as ruff checks them)
        found = _walk(path, settings_for, errors, respect_gitignore, entered) if path.is_dir() else [path]
        for candidate in found:
            key = os.path.abspath(candidate)
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(root: Path, settings_for, errors: List[str], respect_gitignore: bool = True,
          entered: Optional[Set[str]] = None) -> Iterator[Path]:  # fmt: skip
    def unreadable(exc: OSError) -> None:
        errors.append(f"{display(Path(exc.filename or root))}: cannot read this directory: "
                      f"{exc.strerror or exc}; nothing below it was checked")  # fmt: skip

    ignores = {}  # directory -> the .gitignore rules in force inside it
    if respect_gitignore:
        from cio_lint.gitignore import GitIgnore

        start = GitIgnore.for_walk(os.fspath(root))
        if start is not None:
            ignores[os.fspath(root)] = start
    for directory, dirnames, filenames in os.walk(root, onerror=unreadable):
        if entered is not None:
            entered.add(os.path.abspath(directory))
        base = Path(directory)
        settings = settings_for(base)
        git = ignores.pop(directory, None)
        if git is not None:
            git = git.entering(directory, filenames)
        # Each entry is matched by its own name (its parents were matched on the way down).
        dirnames[:] = sorted(d for d in dirnames if not is_excluded(base / d, settings, whole=False)
                             and not (git is not None and git.ignored(os.path.join(directory, d), True)))
        if git is not None:
            for name in dirnames:
                ignores[os.path.join(directory, name)] = git
        for name in sorted(filenames):
            if name.endswith((".py", ".pyi")):
                candidate = base / name
                if not is_excluded(candidate, settings, whole=False) and not (
                        git is not None and git.ignored(os.fspath(candidate), False)):  # fmt: skip
                    yield candidate


def display(path: Path) -> str:
    """How a path is shown: relative to the working directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd())) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Checking files


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
    results.extend(project_findings(results, source))
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
# Project-level findings


def project_findings(results: List[Checked], source: SettingsSource) -> List[Checked]:
    """What the rules' project hooks report, once per project of the run.

    A rule module may define `check_project(run: ProjectRun) -> Iterable[ProjectFinding]`
    and a `PROJECT_GATE`: the cheap fact (a dotted ProjectRun attribute, no LibCST) that must
    hold for the hook to be worth importing the rule, so a run over files without Customer.io
    imports no rule (cio_lint/codes.py reads both from the module's source). The
    findings land in any file of the project (CIO604: the dependency lines) and obey exclude,
    per-file-ignores and `# noqa` there as a file's findings do.
    """
    hooks = [e for e in codes.CATALOGUE if e.project_gate is not None]
    if not hooks:
        return []
    groups: Dict[Optional[Path], Tuple[Project, Settings, List[Checked]]] = {}
    seen_dirs: Dict[Path, Optional[Path]] = {}
    for result in results:
        where = result.config_path or result.path
        if where is None:
            continue
        if where.parent not in seen_dirs:  # settings and project are the same for a whole directory
            settings = source.for_path(where)
            project = project_for(where.absolute(), settings, use_cache=True)
            seen_dirs[where.parent] = project.root
            if project.root not in groups:
                groups[project.root] = (project, settings, [])
        groups[seen_dirs[where.parent]][2].append(result)
    out: List[Checked] = []
    for project, settings, members in groups.values():
        selected = codes.selected_codes(settings.select, settings.ignore, settings.extend_select)
        sdk_files = tuple(r.config_path or r.path for r in members if r.sdk)
        wanted = [e for e in hooks if e.code in selected]
        inventories: Dict[Path, dict] = {}
        if sdk_files and any(e.project_gate == INVENTORY_GATE for e in wanted):
            inventories = project_inventories(project, settings, members)
        project_run = ProjectRun(
            project, settings,
            files=tuple(r.config_path or r.path for r in members),
            sdk_files=sdk_files,
            inventories=inventories,
        )  # fmt: skip
        for entry in wanted:
            if not _gate_holds(project_run, entry.project_gate):
                continue
            for found in _hook_findings(entry, project_run):
                checked = _project_finding(entry, found, source)
                if checked is not None:
                    out.append(checked)
    return out


def _hook_findings(entry, project_run: ProjectRun) -> List[ProjectFinding]:
    """What the rule module's `check_project` reports. A hook that reads the inventories
    (CIO503, CIO504) is answered from the on-disk cache while the inventories, the run's
    files and the settings are what they were: importing the rule module imports LibCST
    (~0.15 s), which a run whose changed files never touch the SDK otherwise never needs."""
    import json

    cache = project_run.project.cache
    key = None
    if cache is not None and entry.project_gate == INVENTORY_GATE:
        from cio_lint.engine import settings_fingerprint
        from cio_lint.project.cache import digest

        root = project_run.project.root
        relative = (lambda p: os.path.relpath(p, root)) if root is not None else os.fspath
        key = digest("hook", cache.version, entry.code, root, settings_fingerprint(project_run.settings),
                     json.dumps(sorted(relative(p) for p in project_run.files)),
                     json.dumps(sorted((relative(p), d) for p, d in project_run.inventories.items()),
                                sort_keys=True, default=str))  # fmt: skip
        cached = cache.get_project_findings(key)
        if cached is not None:
            try:
                return [ProjectFinding(Path(f["path"]), f["line"], f["message"], f["column"], f["end_line"],
                                       f["end_column"], f["help"]) for f in cached]  # fmt: skip
            except (KeyError, TypeError):
                pass  # not ours: computed again, and overwritten
    module = importlib.import_module(f"cio_lint.rules.{entry.module}")
    found = list(module.check_project(project_run))
    if key is not None:
        cache.put_project_findings(key, [{"path": os.fspath(f.path), "line": f.line, "message": f.message,
                                          "column": f.column, "end_line": f.end_line, "end_column": f.end_column,
                                          "help": f.help} for f in found])  # fmt: skip
    return found


def file_inventory(data, settings, project, module_name: str = "", path: str = "file.py") -> dict:
    """The inventory of one file's bytes (plain data; empty when it cannot involve the SDK)."""
    sink = InventorySink()
    lint_bytes(data, path, settings, project, rules=[], module_name=module_name, inventory=sink)
    return sink.data


def project_inventories(project: Project, settings: Settings, members: Sequence[Checked] = ()) -> Dict[Path, dict]:
    """What every file of `project` sends, by absolute path: this run's files from their
    check, the project's other files (a run over some files of it: pre-commit, an editor)
    read and inventoried here, so project-level rules judge the whole project in both
    front-ends. A directory without a project marker is only what the run checked.

    With the on-disk cache, the other files are not read again while they are unchanged
    (`_InventorySnapshot`): a one-file run costs a walk and a stat per file."""
    inventories: Dict[Path, dict] = {}
    done = set()  # files this run checked: what they send is known already (or nothing)
    for r in members:
        where = r.config_path or r.path
        if where is None:
            continue
        absolute = where.absolute()
        if r.inventory is not None:
            inventories[absolute] = r.inventory
            done.add(os.fspath(absolute))
        elif not r.sdk:  # the prefilter rejected it (or it could not be read): it sends nothing
            done.add(os.fspath(absolute))
    root = project.root
    if root is None or not has_marker(root):
        return inventories
    roots: Dict[str, Optional[Path]] = {}  # directory -> its project's root (nested projects)
    walked: List[str] = []
    for path in _walk(root, lambda where: settings, []):  # an unreadable directory: not judged
        text = os.path.abspath(path)
        directory = os.path.dirname(text)
        if directory not in roots:
            roots[directory] = find_root(directory).path
        if roots[directory] == root:  # else a nested project's own
            walked.append(text)
    if all(text in done for text in walked):
        return inventories  # the run checked the whole project
    snapshot = _InventorySnapshot(project, settings) if project.cache is not None else None
    reused = snapshot.reuse(walked, done) if snapshot is not None else None
    for text in walked:
        if text in done:
            continue
        if reused is not None and text in reused:
            found = reused[text]
        else:
            data = snapshot.read(text) if snapshot is not None else _read_or_none(text)
            found = _inventory_of(project, settings, text, data) if data is not None else None
            if snapshot is not None:
                snapshot.computed(text, found)
        if found is not None:
            inventories[Path(text)] = found
    if snapshot is not None:
        snapshot.save(walked)
    return inventories


def _read_or_none(text: str) -> Optional[bytes]:
    data, problem = read_source(Path(text))  # the size cap, never a FIFO
    return data if problem is None else None


def _inventory_of(project: Project, settings: Settings, text: str, data: bytes) -> Optional[dict]:
    """What the file at `text` sends (None: the prefilter says it cannot involve the SDK)."""
    module_name = project.module_name_at(text)
    if not might_use_sdk(data, project, module_name):
        return None
    return file_inventory(data, settings, project, module_name, display(Path(text)))


class _InventorySnapshot:
    """What each file of a project sent when last read, kept in the on-disk cache with the
    file's size and modification time, so that a run over one file (flake8, an editor,
    pre-commit) does not read and prefilter the whole project again for CIO503/CIO504.

    A file's inventory depends on its bytes and on what the modules it imports offer (their
    summaries); whether it may involve the SDK at all, on which modules may provide (bytes
    that mention `customerio`, and the import graph). So the saved inventories of unchanged
    files hold as long as every file that changed (by size or time) keeps the same *facts*:
    whether it mentions `customerio`, the project names it imports, and, when another file
    may read it (it is imported by name, or lies in a package imported whole), the digest of
    its summary (cio_lint.resolve.summaries). When a fact differs, or a file appeared or
    disappeared, every file is read again; so it is when a module the walk does not list (an
    excluded or git-ignored one some file imports) changed, or a module-like name appeared in
    or left a directory of the project (an import may now resolve). As git does, a file modified within `RACY_NS` of
    the snapshot is not trusted by its time (it may have changed within the same tick), and a
    file this run checked is saved with no time (its text may be an editor's buffer): next
    time it is compared by its facts."""

    RACY_NS = 2_000_000_000

    def __init__(self, project: Project, settings: Settings) -> None:
        from cio_lint.engine import settings_fingerprint
        from cio_lint.project.cache import digest

        self.project = project
        self.cache = project.cache
        self.key = digest("inventories", self.cache.version, project.root, settings_fingerprint(settings),
                          repr(project.sdk_version), project.index.shadows_sdk)  # fmt: skip
        self.started = time.time_ns()
        #: absolute path -> [mtime_ns or None, size or None, inventory or None, facts]
        self.new: Dict[str, list] = {}
        self._data: Dict[str, Optional[bytes]] = {}
        self.dirty = False

    def _relative(self, text: str) -> str:
        prefix = os.path.join(os.fspath(self.project.root), "")
        return text[len(prefix):] if text.startswith(prefix) else os.path.relpath(text, self.project.root)

    def read(self, text: str) -> Optional[bytes]:
        if text not in self._data:
            self._data[text] = _read_or_none(text)
        return self._data[text]

    def facts(self, text: str) -> Optional[list]:
        """[mentions customerio, [[project module, name or ""], ...] it imports] of the file as
        it is on disk (None: unreadable, or in an encoding whose bytes cannot tell)."""
        from cio_lint.engine import SDK_NEEDLE
        from cio_lint.text import foreign_bom

        data = self.read(text)
        if data is None or foreign_bom(data) is not None:
            return None
        module = self.project.module_name_at(text)
        imported = sorted({(m, n or "") for m, n in self.project.index.imported_names(data, module)})
        return [SDK_NEEDLE in data, [list(pair) for pair in imported]]

    def summary_digest(self, text: str, readable) -> str:
        """The digest of the file's summary when another file may read it, else "-"."""
        from cio_lint.resolve.summaries import for_project

        module = self.project.module_name_at(text)
        if not module or not readable(module):
            return "-"
        return for_project(self.project).digest_of(module)

    @staticmethod
    def readable_in(all_facts) -> Callable[[str], bool]:
        """Which modules other files may read the summary of: those imported by name, and any
        module inside one imported whole (`import shop` reads shop.cio.client by attribute)."""
        named, whole = set(), set()
        for facts in all_facts:
            for module, name in (facts[1] if facts else ()):
                named.add(module)
                if not name:
                    whole.add(module)
        return lambda module: module in named or any(module.startswith(w + ".") for w in whole)

    def _stat(self, text: str) -> List[Optional[int]]:
        try:
            st = os.stat(text)
        except OSError:
            return [None, None]
        return [st.st_mtime_ns, st.st_size]

    def reuse(self, walked: Sequence[str], done) -> Optional[Dict[str, Optional[dict]]]:
        """The saved inventory of each unchanged file this run did not check, or None when
        the snapshot cannot be trusted (then every file is read)."""
        entry = self.cache.get_inventories(self.key)
        if entry is None:
            return None
        files = entry["files"]
        if set(files) != {self._relative(t) for t in walked}:
            return None  # a file appeared or disappeared: module names may resolve elsewhere
        trusted_before = entry["written"] - self.RACY_NS
        if not self._same_places(entry.get("dirs"), entry.get("outside"), trusted_before):
            return None
        if not all(isinstance(v, list) and len(v) == 4 and isinstance(v[3], list) and len(v[3]) == 3
                   for v in files.values()):  # fmt: skip
            return None
        readable = self.readable_in(v[3][:2] for v in files.values())
        reused: Dict[str, Optional[dict]] = {}
        for text in walked:
            saved = files[self._relative(text)]
            stat = self._stat(text)
            if saved[0] is not None and stat == saved[:2] and saved[0] < trusted_before:
                self.new[text] = saved
                if text not in done:
                    reused[text] = saved[2] if isinstance(saved[2], dict) else None
                continue
            # changed, or not trusted by its time: do the others still see the same file?
            facts = self.facts(text)
            if facts is None or facts != saved[3][:2]:
                return None
            digest = self.summary_digest(text, readable)
            if digest != saved[3][2]:
                return None
            keep = text not in done  # a checked file: no time, no inventory (see the docstring)
            self.new[text] = [stat[0] if keep else None, stat[1] if keep else None, None, facts + [digest]]
            self.dirty = self.dirty or self.new[text] != saved
        return reused

    def computed(self, text: str, inventory: Optional[dict]) -> None:
        """`text` was read and inventoried (it changed, or the snapshot was not trusted)."""
        self.dirty = True
        stat = self._stat(text)
        facts = self.new[text][3] if text in self.new else None
        self.new[text] = [stat[0], stat[1], inventory, facts]

    @staticmethod
    def _module_names(directory: str) -> Optional[List[str]]:
        """The entries of `directory` that could be modules or packages (what module lookups
        see; an editor's swap file is none)."""
        try:
            names = os.listdir(directory)
        except OSError:
            return None
        return sorted(n for n in names if n.isidentifier() or (n.endswith((".py", ".pyi")) and n.rpartition(".")[0]))

    def _places(self, walked: Sequence[str], all_facts) -> Tuple[Dict[str, list], Dict[str, list]]:
        """What the snapshot also depends on besides the walked files: each directory they
        are in (the module-like names it holds: a module that appears there, even one the walk
        excludes, may be imported), and each project module they import, at any depth, that
        the walk does not list (in an excluded or git-ignored place): by size and time."""
        index = self.project.index
        inside = set(walked)
        outside: Dict[str, list] = {}
        todo = [m for facts in all_facts for m, _ in facts[1]]
        seen = set()
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            path = index.path_of(module)
            if path is None:
                continue
            text = os.path.abspath(path)
            if text not in inside:
                outside[text] = self._stat(text)
                todo.extend(m for m, _ in index.imports_of(module))
        dirs: Dict[str, list] = {}
        for directory in sorted({os.path.dirname(t) for t in (*walked, *outside)}):
            dirs[directory] = [self._stat(directory)[0], self._module_names(directory)]
        return dirs, outside

    def _same_places(self, dirs, outside, trusted_before: int) -> bool:
        if not isinstance(dirs, dict) or not isinstance(outside, dict):
            return False
        for directory, saved in dirs.items():
            if not (isinstance(saved, list) and len(saved) == 2):
                return False
            mtime = self._stat(directory)[0]
            if mtime is None:
                return False
            if mtime != saved[0] or saved[0] is None or saved[0] >= trusted_before:
                if self._module_names(directory) != saved[1]:
                    return False  # a module appeared or went: imports may resolve elsewhere
        for text, saved in outside.items():
            if self._stat(text) != saved or saved[0] is None or saved[0] >= trusted_before:
                return False
        return True

    def save(self, walked: Sequence[str]) -> None:
        if not self.dirty:
            return
        for text in walked:
            if text not in self.new:  # checked in this run: its facts from disk, no time
                self.new[text] = [None, None, None, None]
        pending = [t for t in walked if self.new[t][3] is None]
        for text in pending:
            self.new[text][3] = self.facts(text)
        if any(self.new[t][3] is None for t in pending):
            return  # a file whose facts cannot be told: no snapshot
        readable = self.readable_in(self.new[t][3][:2] for t in walked)
        for text in pending:
            self.new[text][3] = self.new[text][3][:2] + [self.summary_digest(text, readable)]
        files = {self._relative(t): self.new[t] for t in walked}
        dirs, outside = self._places(walked, (self.new[t][3] for t in walked))
        self.cache.put_inventories(self.key, self.started, files, dirs, outside)


#: (root, settings, rule codes) -> [inventories by path relative to the root, the findings
#: they give (None: to compute)]: the project is walked once per process for the front-ends
#: that see one file at a time (the flake8 plugin, the language server); each file checked
#: since then replaces what the walk read for it (an editor's buffer: the latest text)
_walked: Dict[tuple, list] = {}


def file_project_findings(project: Project, settings: Settings, path: Optional[Path], shown: str,
                          inventory: dict, rules: Sequence) -> List[Finding]:  # fmt: skip
    """The project-level findings (CIO503, CIO504) in one file, for front-ends that see one
    file at a time: the rest of the project is read once per process, and `inventory` (from
    the file's current text) replaces what is on disk. Findings carry `shown` as their path."""
    from cio_lint.engine import project_findings
    from cio_lint.inventory import ProjectInventory
    from cio_lint.rules._project import relative_to_root

    key = (project.root, settings, tuple(rule.CODE for rule in rules))
    walked = _walked.get(key)
    if walked is None:
        # this file's inventory is the one given (its current text): the walk does not read it
        this = Checked(path, shown, b"", [], path, sdk=True, inventory=inventory) if path is not None else None
        found = project_inventories(project, settings, [this]) if this is not None else {}
        walked = _walked[key] = [{relative_to_root(p, project.root): d for p, d in found.items()}, None]
    files = walked[0]
    name = relative_to_root(path, project.root) if path is not None else shown
    if files.get(name) != inventory:
        files[name] = inventory
        walked[1] = None
    if walked[1] is None:
        walked[1] = project_findings(ProjectInventory(files), settings, rules)
    return [replace(f, path=shown) for f in walked[1] if f.path == name]


def forget_project_inventories() -> None:
    """Read the projects again on the next file (the language server: files changed on disk)."""
    _walked.clear()


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


def _gate_holds(project_run: ProjectRun, gate: str) -> bool:
    """`gate` is a dotted attribute of the ProjectRun ("sdk_files", "project.distribution_conflict"),
    called when callable: a fact computed without LibCST."""
    value: object = project_run
    for part in gate.split("."):
        value = getattr(value, part)
    if callable(value):
        value = value()
    return bool(value)


def _project_finding(entry, found: ProjectFinding, source: SettingsSource) -> Optional[Checked]:
    settings = source.for_path(found.path)
    if is_excluded(found.path, settings):
        return None
    shown = display(found.path)
    end_line = found.end_line if found.end_line is not None else found.line
    end_column = found.end_column if found.end_column is not None else found.column
    finding = Finding(shown, found.line, found.column, entry.code, entry.name, found.message, end_line, end_column,
                      help=found.help)  # fmt: skip
    data, _ = read_source(found.path)  # b"" when it cannot be read (or is not a regular file)
    kept = filtered([finding], shown, settings, found.path, data)
    # data stays empty: these files are not Python, and nothing fixes or shows them
    return Checked(found.path, shown, b"", kept, found.path) if kept else None


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
