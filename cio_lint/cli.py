"""The `cio-lint` command: a thin click layer over config, engine, fix and report."""

from __future__ import annotations

import difflib
import fnmatch
import functools
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import click

from cio_lint import __version__, report
from cio_lint import rules as rule_registry
from cio_lint.config import (
    OUTPUT_FORMATS,
    ConfigError,
    Settings,
    find_pyproject,
    flag_values,
    load_settings,
    path_glob,
    settings_from_mapping,
)
from cio_lint.engine import lint_bytes, might_use_sdk, noqa_filter, per_file_ignored
from cio_lint.finding import Finding
from cio_lint.fix import decode_source, fix_text, wanted, write_atomically
from cio_lint.project import project_for

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: --jobs N uses processes only when each worker gets at least this many files that pass the
#: prefilter; below that, starting the workers costs more than it saves.
FILES_PER_JOB = 4
#: --jobs auto (the default) asks more: a worker's start-up (LibCST's import, ~0.15 s) must be
#: paid for by files at ~10 ms each (bench/run.py).
FILES_PER_AUTO_JOB = 16
#: --fix re-lints and fixes again until nothing changes (fixes that overlapped in one pass
#: apply in the next), at most this many passes, so that a second run finds nothing to fix.
MAX_FIX_PASSES = 10


JOBS_AUTO = 0


class JobsParam(click.ParamType):
    """--jobs: a positive number, or "auto" (JOBS_AUTO)."""

    name = "jobs"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value != "auto":
            try:
                number = int(value)
            except ValueError:
                self.fail(f"{value!r} is neither a number nor 'auto'", param, ctx)
            if number < 1:
                self.fail(f"{value} is not at least 1", param, ctx)
            return number
        return JOBS_AUTO


class UsageError(Exception):
    """Bad paths or arguments: one line on stderr, exit 2."""


# ---------------------------------------------------------------------------------------------
# Settings per file


@dataclass
class SettingsSource:
    """The settings for each file: its nearest `[tool.cio-lint]` plus command-line overrides.

    Plain data (a config path, a flag and validated overrides), so `--jobs` workers rebuild
    an equal one from its fields instead of pickling caches.
    """

    config_file: Optional[Path]
    isolated: bool
    overrides: Dict[str, object]
    _cache: Dict[Optional[Path], Settings] = field(default_factory=dict, init=False, repr=False)
    _dirs: Dict[Path, Optional[Path]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.config_file is not None and not self.config_file.is_file():
            raise UsageError(f"--config {self.config_file}: no such file")

    def args(self) -> Tuple[Optional[Path], bool, Dict[str, object]]:
        return self.config_file, self.isolated, self.overrides

    def for_path(self, path: Path) -> Settings:
        if self.isolated:
            pyproject = None
        elif self.config_file is not None:
            pyproject = self.config_file.absolute()
        else:
            pyproject = find_pyproject(path.absolute(), self._dirs)
        if pyproject not in self._cache:
            base = load_settings(pyproject)
            self._cache[pyproject] = base.with_overrides(**self.overrides)
        return self._cache[pyproject]


# ---------------------------------------------------------------------------------------------
# Files


def _relative_parts(path: Path, anchor: Optional[Path]) -> Tuple[str, ...]:
    """`path` relative to `anchor` (the config's directory), else to the working directory.

    Only that part is matched against exclude patterns: a checkout that happens to live under
    a directory called `build` or `env` is not excluded as a whole. () when outside both.
    """
    absolute = os.path.abspath(path)
    for base in (anchor, Path.cwd()):
        if base is not None and _inside(absolute, base):
            return Path(os.path.relpath(absolute, os.path.abspath(base))).parts
    return ()


def _inside(path, base) -> bool:
    path, base = os.path.abspath(path), os.path.abspath(base)
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=None)
def _exclude_patterns(patterns: Tuple[str, ...]) -> Tuple[Optional["re.Pattern"], Optional["re.Pattern"]]:
    """(name pattern, path pattern): each list of globs compiled once into one expression
    (fnmatch per pattern per path part was a tenth of a run over a large tree)."""
    names, paths = [], []
    for raw in patterns:
        path = path_glob(raw)
        if path is not None:  # the path itself or anything below it
            paths += [fnmatch.translate(path), fnmatch.translate(path + "/*")]
        elif raw.rstrip("/"):
            names.append(fnmatch.translate(raw.rstrip("/")))
    return (re.compile("|".join(names)) if names else None, re.compile("|".join(paths)) if paths else None)


def _matches_exclude(parts: Sequence[str], patterns: Sequence[str], whole: bool) -> bool:
    """flake8/ruff-style exclusion: a pattern without '/' matches any path component (or only
    the last one when `whole` is False), a pattern with '/' matches the relative path."""
    if not parts:
        return False
    names, paths = _exclude_patterns(tuple(patterns))
    if paths is not None and paths.match("/".join(parts)):
        return True
    return names is not None and any(names.match(part) for part in (parts if whole else parts[-1:]))


def is_excluded(path: Path, settings: Settings, whole: bool = True) -> bool:
    patterns = settings.exclude + settings.extend_exclude
    if not whole and _exclude_patterns(patterns)[1] is None:
        parts: Sequence[str] = (path.name,)  # only the entry's own name can match
    else:
        parts = _relative_parts(path, settings.config_dir) or (path.name,)
    return _matches_exclude(parts, patterns, whole)


def iter_files(paths: Sequence[str], settings_for, force_exclude: bool) -> Iterator[Path]:
    seen = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{raw}: no such file or directory")
        if force_exclude and is_excluded(path, settings_for(path)):
            continue
        found = _walk(path, settings_for) if path.is_dir() else [path]  # named files: any suffix
        for candidate in found:
            key = os.path.abspath(candidate)
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(root: Path, settings_for) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root):
        base = Path(directory)
        settings = settings_for(base)
        # Each entry is matched by its own name (its parents were matched on the way down).
        dirnames[:] = sorted(d for d in dirnames if not is_excluded(base / d, settings, whole=False))
        for name in sorted(filenames):
            if name.endswith((".py", ".pyi")):
                candidate = base / name
                if not is_excluded(candidate, settings, whole=False):
                    yield candidate


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd())) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Checking one file


@dataclass
class Checked:
    path: Optional[Path]  # None for stdin
    shown: str
    data: bytes
    findings: List[Finding]
    #: the path whose configuration and project apply (stdin: --stdin-filename)
    config_path: Optional[Path] = None


def check_bytes(data: bytes, shown: str, settings: Settings, path_for_project: Optional[Path]) -> List[Finding]:
    project = project_for(path_for_project, settings)
    module_name = project.module_name(path_for_project) if path_for_project else ""
    findings = lint_bytes(data, shown, settings, project, module_name=module_name)
    if not findings:
        return findings
    ignored = per_file_ignored(shown, settings, path_for_project)
    findings = [f for f in findings if not ignored(f)]
    decoded = decode_source(data)
    if decoded is not None:
        findings = noqa_filter(findings, decoded[0])
    return findings


def _read(path: Path, shown: str) -> Tuple[bytes, Optional[Checked]]:
    try:
        return path.read_bytes(), None
    except IsADirectoryError:
        return b"", Checked(path, shown, b"", [_unreadable(shown, "is a directory")], path)
    except OSError as exc:
        return b"", Checked(path, shown, b"", [_unreadable(shown, f"cannot read: {exc.strerror or exc}")], path)


def _unreadable(shown: str, reason: str) -> Finding:
    return Finding(shown, 1, 1, rule_registry.PARSE_ERROR_CODE, rule_registry.PARSE_ERROR_NAME,
                   f"cannot check this file: {reason}", 1, 1)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cio-lint")
def cli() -> None:
    """cio-lint: find Customer.io SDK mistakes before they ship."""


def _codes_option(name: str, help_text: str):
    return click.option(name, multiple=True, metavar="CODES", help=help_text)


@cli.command()
@click.argument("paths", nargs=-1)
@_codes_option("--select", "Codes, prefixes or names to check (replaces the default set).")
@_codes_option("--ignore", "Codes, prefixes or names to skip.")
@_codes_option("--extend-select", "Codes, prefixes or names to add to the selection.")
@click.option("--format", "output_format", type=click.Choice(OUTPUT_FORMATS), default=None,
              help="Output format (default: text, or output-format in config).")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report (or the diff) to this file instead of stdout.")
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing (exit 1 if any).")
@click.option("--statistics", is_flag=True, help="Also print the number of findings per code.")
@click.option("--show-source", is_flag=True, help="Show the offending line and a caret under each finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Read [tool.cio-lint] from this pyproject.toml only.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--stdin-filename", default=None, metavar="PATH",
              help="Read the source from stdin ('-') as if it were PATH: its config, its name.")
@click.option("--force-exclude", is_flag=True, help="Apply exclude to paths given explicitly too.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Color text output (auto: on a terminal, honouring NO_COLOR and FORCE_COLOR).")
@click.option("--region", type=click.Choice(["us", "eu"]), default=None, help="The workspace's region.")
@click.option("--sdk-version", default=None, metavar="SPEC",
              help="The customerio version or range (overrides detection).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--jobs", "-j", type=JobsParam(), default="auto", show_default=True, metavar="N|auto",
              help="Check files in this many processes; auto: one per core, when enough files use the SDK.")
def check(paths, select, ignore, extend_select, output_format, output_file, fix, unsafe_fixes,
          diff, statistics, show_source, exit_zero, config_file, isolated, stdin_filename,
          force_exclude, color, region, sdk_version, quiet, jobs) -> None:  # fmt: skip
    """Check PATHS (default: the current directory); '-' reads stdin.

    Exit status: 0 no findings, 1 findings (or changes with --diff), 2 usage or
    configuration error.
    """
    try:
        code = _check(paths, select, ignore, extend_select, output_format, output_file, fix,
                      unsafe_fixes, diff, statistics, show_source, exit_zero, config_file, isolated,
                      stdin_filename, force_exclude, color, region, sdk_version, quiet, jobs)  # fmt: skip
    except (ConfigError, UsageError) as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        code = EXIT_ERROR
    except Exception as exc:  # a bug: one line and exit 2, never a traceback (DESIGN.md §12)
        click.echo(f"cio-lint: internal error: {type(exc).__name__}: {exc}", err=True)
        code = EXIT_ERROR
    sys.exit(code)


def _check(paths, select, ignore, extend_select, output_format, output_file, fix, unsafe_fixes,
           diff, statistics, show_source, exit_zero, config_file, isolated, stdin_filename,
           force_exclude, color, region, sdk_version, quiet, jobs) -> int:  # fmt: skip
    overrides = _overrides(select, ignore, extend_select, region, sdk_version)
    source = SettingsSource(Path(config_file) if config_file else None, isolated, overrides)
    if stdin_filename and not paths:
        paths = ("-",)  # ruff's shorthand: --stdin-filename alone reads stdin
    paths = paths or (".",)
    fmt = output_format or _configured_format(paths, stdin_filename, source)
    if statistics and fmt == "sarif":
        raise UsageError("--statistics cannot be combined with --format sarif")
    results, files_checked = _run(paths, source, stdin_filename, force_exclude, jobs)
    fixed = 0
    if fix or diff:
        results, fixed, diffs = _apply_fixes(results, source, unsafe_fixes, write=not diff)
        if diff:
            _emit("".join(diffs), output_file)
            if not quiet:
                click.echo(report.would_fix(fixed, len(diffs)), err=True)
            return EXIT_FINDINGS if diffs and not exit_zero else EXIT_CLEAN

    findings = sorted(f for r in results for f in r.findings)
    stdin_fixed = fix and any(r.path is None for r in results)
    if stdin_fixed:
        # Like ruff: the (fixed) source goes to stdout, so the report goes to stderr.
        sys.stdout.buffer.write(next(r.data for r in results if r.path is None))
        sys.stdout.flush()
    use_color = _use_color(color, output_file, sys.stderr if stdin_fixed else sys.stdout)
    if statistics and fmt == "json":  # one JSON document: the counts replace the findings
        out = report.statistics(findings, unsafe_fixes, as_json=True)
    else:
        out = _render(findings, results, fmt, use_color, show_source)
        if statistics:
            out += report.statistics(findings, unsafe_fixes)
    if stdin_fixed and not output_file:
        click.echo(out, err=True, nl=False)
    else:
        _emit(out, output_file)
    if not quiet:
        if fixed:
            click.echo(report.fixed(fixed), err=True)
        click.echo(report.summary(findings, files_checked, unsafe_fixes), err=True)
    return EXIT_FINDINGS if findings and not exit_zero else EXIT_CLEAN


def _configured_format(paths, stdin_filename, source: SettingsSource) -> str:
    first = stdin_filename if paths[0] == "-" and stdin_filename else paths[0]
    target = Path.cwd() if first == "-" else Path(first)
    return source.for_path(target.absolute()).output_format


def _overrides(select, ignore, extend_select, region, sdk_version) -> Dict[str, object]:
    raw: Dict[str, object] = {}
    for key, values in (("select", select), ("ignore", ignore), ("extend-select", extend_select)):
        if values:
            raw[key] = list(flag_values(values))
    if region:
        raw["region"] = region
    if sdk_version:
        raw["sdk-version"] = sdk_version
    validated = settings_from_mapping(raw, "command line", style="cli")
    return {k.replace("-", "_"): getattr(validated, k.replace("-", "_")) for k in raw}


def _run(paths, source: SettingsSource, stdin_filename, force_exclude, jobs) -> Tuple[List[Checked], int]:
    results: List[Checked] = []
    if "-" in paths:
        shown = stdin_filename or "-"
        where = (Path(stdin_filename) if stdin_filename else Path.cwd() / "stdin.py").absolute()
        settings = source.for_path(where)
        data = sys.stdin.buffer.read()
        if force_exclude and stdin_filename and is_excluded(Path(stdin_filename), settings):
            findings: List[Finding] = []
        else:
            findings = check_bytes(data, shown, settings, where)
        results.append(Checked(None, shown, data, findings, where))
        paths = [p for p in paths if p != "-"]
    files = list(iter_files(paths, source.for_path, force_exclude))
    results.extend(_check_files(files, source, jobs))
    checked = len(results)
    results.extend(_dependency_findings(results, source))
    return results, checked


def _dependency_findings(results: List[Checked], source: SettingsSource) -> List[Checked]:
    """CIO604 at the dependency lines themselves, once per project: the conflict is in the
    project's requirements, not only at the imports the rule also reports."""
    code = rule_registry.code_for("sdk-distribution-conflict")
    out: List[Checked] = []
    seen_dirs, seen_roots = set(), set()
    for result in results:
        where = result.config_path or result.path
        if where is None or where.parent in seen_dirs:
            continue
        seen_dirs.add(where.parent)  # settings and project are the same for a whole directory
        settings = source.for_path(where)
        if code not in rule_registry.selected_codes(settings.select, settings.ignore, settings.extend_select):
            continue
        project = project_for(where.absolute(), settings)
        if project.root in seen_roots:
            continue
        seen_roots.add(project.root)
        conflict = project.distribution_conflict()
        if conflict is None:
            continue
        from cio_lint.rules.sdk_distribution_conflict import dependency_line_message

        sdk_decl, cdp_decl = conflict
        for decl, other in ((sdk_decl, cdp_decl), (cdp_decl, sdk_decl)):
            message = dependency_line_message(decl, other)
            shown = _display(decl.path)
            finding = Finding(shown, decl.line, 1, code, rule_registry.name_of(code), message, decl.line, 1)
            out.append(Checked(decl.path, shown, b"", [finding], where))
    return out


def _check_files(files: List[Path], source: SettingsSource, jobs: int) -> List[Checked]:
    """Check `files` in order. This process reads every file and applies the byte prefilter
    (most files stop there); the files that may use the SDK are checked here, or shared among
    worker processes when `jobs` allows and there are enough of them to pay for it."""
    results: List[Checked] = []
    pending: List[int] = []  # indexes of the files that pass the prefilter
    for path in files:
        shown = _display(path)
        data, unreadable = _read(path, shown)
        if unreadable is not None:
            results.append(unreadable)
            continue
        project = project_for(path, source.for_path(path))
        if not might_use_sdk(data, project, project.module_name(path)):
            data = b""  # only files with findings need their bytes (fixes, --show-source)
        else:
            pending.append(len(results))
        results.append(Checked(path, shown, data, [], path))
    if jobs == JOBS_AUTO:
        workers = min(_cpu_count(), len(pending) // FILES_PER_AUTO_JOB)
    else:
        workers = min(jobs, len(pending) // FILES_PER_JOB)
    if workers <= 1:
        for i in pending:
            r = results[i]
            r.findings = check_bytes(r.data, r.shown, source.for_path(r.path), r.path)
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
            for i, found in zip(chunk, findings):
                results[i].findings = found
                if not found:
                    results[i].data = b""
    return results


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_worker_sources: Dict[tuple, SettingsSource] = {}


def _check_chunk(job) -> List[List[Finding]]:
    """In a worker process: the findings of some files, with settings rebuilt from the
    parent's args."""
    (config_file, isolated, overrides), files = job
    key = (config_file, isolated, tuple(sorted(overrides.items())))
    source = _worker_sources.get(key)
    if source is None:
        source = _worker_sources[key] = SettingsSource(config_file, isolated, overrides)
    return [check_bytes(data, shown, source.for_path(path), path) for path, shown, data in files]


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
    return Checked(result.path, result.shown, data, findings, result.config_path), applied


def _apply_fixes(results: List[Checked], source: SettingsSource, unsafe: bool, write: bool):
    """Fix every result; write changed files (write=True) or collect their diffs."""
    total = 0
    updated: List[Checked] = []
    diffs: List[str] = []
    for result in results:
        settings = source.for_path(result.config_path or Path.cwd())
        new, applied = _fix_one(result, settings, unsafe)
        if not applied or new.data == result.data:
            updated.append(result)
            continue
        total += applied
        if not write:
            before, after = decode_source(result.data), decode_source(new.data)
            diff = unified_diff(result.shown, before[0], after[0])
            # a diff's context may show a committed credential: never print one whole
            diffs.append(report.mask_secrets(diff, result.findings, before[0].splitlines()))
            updated.append(result)
            continue
        if result.path is not None:
            write_atomically(result.path, new.data)
        updated.append(new)
    return updated, total, diffs


def unified_diff(shown: str, before: str, after: str) -> str:
    out = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"
    ):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Output


def _use_color(color: str, output_file, stream) -> bool:
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


def _render(findings, results, fmt, color, show_source) -> str:
    if fmt in report.FORMATS:
        return report.FORMATS[fmt](findings)
    sources = None
    if show_source:
        sources = {}
        for r in results:
            decoded = decode_source(r.data) if r.findings else None
            sources[r.shown] = decoded[0].splitlines() if decoded else []
    return report.text(findings, color, show_source, sources)


def _emit(out: str, output_file: Optional[str]) -> None:
    if output_file:
        try:
            with open(output_file, "w", encoding="utf-8", newline="") as handle:
                handle.write(out)
        except OSError as exc:
            raise UsageError(f"-o {output_file}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(out)
        sys.stdout.flush()


@cli.command()
@click.argument("selector", required=False, metavar="[CODE|NAME]")
@click.option("--all", "show_all", is_flag=True, help="Explain every rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the README's rule table.")
def rule(selector, show_all, output_format) -> None:
    """Explain a rule, by CODE or NAME: what it does, why, an example, the fix."""
    if output_format == "markdown":
        click.echo(rule_registry.rule_table_markdown(), nl=False)
        return
    if show_all and selector:
        click.echo("cio-lint: error: give a rule or --all, not both", err=True)
        sys.exit(EXIT_ERROR)
    if not show_all and not selector:
        click.echo("cio-lint: error: give a rule code or name (e.g. CIO101), or --all", err=True)
        sys.exit(EXIT_ERROR)
    entries = [_parse_error_entry(), *(_rule_dict(r) for r in rule_registry.ALL_RULES)]
    if not show_all:
        wanted_rule = rule_registry.rule_for(selector)
        key = wanted_rule.CODE if wanted_rule else selector.upper()
        if selector.lower() == rule_registry.PARSE_ERROR_NAME:
            key = rule_registry.PARSE_ERROR_CODE
        entries = [e for e in entries if e["code"] == key]
        if not entries:
            close = difflib.get_close_matches(selector.lower(), [r.NAME for r in rule_registry.ALL_RULES], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            click.echo(f"cio-lint: error: unknown rule {selector!r}{hint}", err=True)
            sys.exit(EXIT_ERROR)
    if output_format == "json":
        click.echo(json.dumps(entries if show_all else entries[0], indent=2))
        return
    click.echo("\n\n".join(_rule_text(e) for e in entries))


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


def _parse_error_entry() -> dict:
    return {
        "code": rule_registry.PARSE_ERROR_CODE,
        "name": rule_registry.PARSE_ERROR_NAME,
        "summary": "A file cannot be parsed or checked; the message says why.",
        "default": "on",
        "fix": None,
        "explanation": PARSE_ERROR_DOC,
    }


def _rule_dict(r) -> dict:
    return {
        "code": r.CODE,
        "name": r.NAME,
        "summary": r.summary(),
        "default": "on" if r.DEFAULT_ENABLED else "off",
        "fix": r.FIX,
        "explanation": r.documentation(),
    }


def _rule_text(entry: dict) -> str:
    default = "on by default" if entry["default"] == "on" else "off by default (enable it by its code or name)"
    fix = f"{entry['fix']} fix available" if entry["fix"] else "no fix"
    return (f"# {entry['code']} {entry['name']}\n\n{entry['summary']}\n\n"
            f"{default}; {fix}.\n\n{entry['explanation']}\n")  # fmt: skip


@cli.command()
@click.argument("path", required=False, default=".")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--isolated", is_flag=True)
def config(path, config_file, isolated) -> None:
    """Show the settings and the SDK version that apply to PATH, and where they come from."""
    try:
        source = SettingsSource(Path(config_file) if config_file else None, isolated, {})
        target = Path(path).absolute()
        settings = source.for_path(target)
        project = project_for(target, settings)
    except (ConfigError, UsageError) as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    enabled = rule_registry.selected_codes(settings.select, settings.ignore, settings.extend_select)
    click.echo(f"config file:     {settings.source or '(none: defaults)'}")
    click.echo(f"project root:    {project.root or '(none)'}")
    click.echo(f"sdk version:     {project.sdk_version.describe()}")
    click.echo(f"  decided by:    {project.sdk_version.source}")
    click.echo(f"region:          {settings.region or '(not configured: CIO401 is silent)'}")
    click.echo(f"events:          {', '.join(settings.events) or '(not configured: CIO502 is silent)'}")
    click.echo(f"event pattern:   {settings.event_name_pattern}")
    click.echo(f"client factories: {', '.join(settings.client_factories) or '(none)'}")
    click.echo(f"rules enabled:   {' '.join(enabled)}")


def main() -> None:
    cli(prog_name="cio-lint")


if __name__ == "__main__":
    main()
