"""The `cio-lint` command: a thin click layer over config, engine, fix and report."""

from __future__ import annotations

import difflib
import fnmatch
import json
import os
import sys
from dataclasses import dataclass
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
    settings_from_mapping,
)
from cio_lint.engine import lint_bytes, noqa_filter, per_file_ignored
from cio_lint.finding import Finding
from cio_lint.fix import decode_source, fix_text, write_atomically
from cio_lint.project import project_for

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad paths or arguments: one line on stderr, exit 2."""


# ---------------------------------------------------------------------------------------------
# Settings per file


@dataclass
class SettingsSource:
    config_file: Optional[Path]
    isolated: bool
    overrides: Dict[str, object]

    def __post_init__(self) -> None:
        self._cache: Dict[Optional[Path], Settings] = {}
        if self.config_file is not None and not self.config_file.is_file():
            raise UsageError(f"--config {self.config_file}: no such file")

    def for_path(self, path: Path) -> Settings:
        if self.isolated:
            pyproject = None
        elif self.config_file is not None:
            pyproject = self.config_file
        else:
            pyproject = find_pyproject(path.absolute())
        if pyproject not in self._cache:
            base = load_settings(pyproject)
            self._cache[pyproject] = base.with_overrides(**self.overrides)
        return self._cache[pyproject]


# ---------------------------------------------------------------------------------------------
# Files


def _excluded(path: Path, patterns: Sequence[str]) -> bool:
    parts = path.parts
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(path.as_posix(), pattern) or fnmatch.fnmatch(path.as_posix(), f"*/{pattern}"):
            return True
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def iter_files(paths: Sequence[str], settings_for, force_exclude: bool) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{raw}: no such file or directory")
        if path.is_dir():
            yield from _walk(path, settings_for)
        else:
            settings = settings_for(path)
            if force_exclude and _excluded(path, settings.exclude + settings.extend_exclude):
                continue
            yield path  # named explicitly: checked whatever its suffix, like flake8


def _walk(root: Path, settings_for) -> Iterator[Path]:
    settings = settings_for(root)
    patterns = settings.exclude + settings.extend_exclude
    for directory, dirnames, filenames in os.walk(root):
        base = Path(directory)
        dirnames[:] = sorted(d for d in dirnames if not _excluded(base / d, patterns))
        for name in sorted(filenames):
            if name.endswith((".py", ".pyi")):
                candidate = base / name
                if not _excluded(candidate, patterns):
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


def check_bytes(data: bytes, shown: str, settings: Settings, path_for_project: Optional[Path]) -> List[Finding]:
    project = project_for(path_for_project, settings)
    module_name = project.module_name(path_for_project) if path_for_project else ""
    findings = lint_bytes(data, shown, settings, project, module_name=module_name)
    if not findings:
        return findings
    ignored = per_file_ignored(shown, settings)
    findings = [f for f in findings if not ignored(f)]
    decoded = decode_source(data)
    if decoded is not None:
        findings = noqa_filter(findings, decoded[0].splitlines())
    return findings


def check_path(path: Path, settings: Settings) -> Checked:
    shown = _display(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return Checked(path, shown, b"", [_unreadable(shown, "is a directory")])
    except OSError as exc:
        return Checked(path, shown, b"", [_unreadable(shown, f"cannot read: {exc.strerror or exc}")])
    return Checked(path, shown, data, check_bytes(data, shown, settings, path))


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
              help="Write the report to this file instead of stdout.")
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per code.")
@click.option("--show-source", is_flag=True, help="Show the offending line under each finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Read [tool.cio-lint] from this pyproject.toml only.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--stdin-filename", default=None, help="The path the source read from stdin ('-') has.")
@click.option("--force-exclude", is_flag=True, help="Apply exclude to paths given explicitly too.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--region", type=click.Choice(["us", "eu"]), default=None, help="The workspace's region.")
@click.option("--sdk-version", default=None, help="The customerio version or range (overrides detection).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Check files in this many processes.")
def check(paths, select, ignore, extend_select, output_format, output_file, fix, unsafe_fixes,
          diff, statistics, show_source, exit_zero, config_file, isolated, stdin_filename,
          force_exclude, color, region, sdk_version, quiet, jobs) -> None:  # fmt: skip
    """Check PATHS (default: the current directory); '-' reads stdin."""
    try:
        overrides = _overrides(select, ignore, extend_select, region, sdk_version)
        source = SettingsSource(Path(config_file) if config_file else None, isolated, overrides)
        results, files_checked = _run(paths or (".",), source, stdin_filename, force_exclude, jobs)
    except (ConfigError, UsageError) as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)

    if fix or diff:
        results, changed = _apply_fixes(results, source, unsafe_fixes, diff)
        if diff:
            sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
        if changed and not quiet:
            click.echo(f"Fixed {changed} finding{'s' if changed != 1 else ''}.", err=True)

    findings = sorted(f for r in results for f in r.findings)
    fmt = output_format or (source.for_path(Path(".")).output_format if not isolated else "text")
    out = _render(findings, results, fmt, color, show_source, output_file)
    if statistics:
        out += report.statistics(findings)
    _emit(out, output_file)
    if not quiet:
        click.echo(report.summary(findings, files_checked), err=True)
    sys.exit(EXIT_FINDINGS if findings and not exit_zero else EXIT_CLEAN)


def _overrides(select, ignore, extend_select, region, sdk_version) -> Dict[str, object]:
    raw: Dict[str, object] = {}
    for key, values in (("select", select), ("ignore", ignore), ("extend-select", extend_select)):
        if values:
            raw[key] = list(flag_values(values))
    if region:
        raw["region"] = region
    if sdk_version:
        raw["sdk-version"] = sdk_version
    validated = settings_from_mapping(raw, "command line")
    return {k.replace("-", "_"): getattr(validated, k.replace("-", "_")) for k in raw}


def _run(paths, source: SettingsSource, stdin_filename, force_exclude, jobs) -> Tuple[List[Checked], int]:
    results: List[Checked] = []
    if "-" in paths:
        shown = stdin_filename or "-"
        where = Path(stdin_filename) if stdin_filename else Path.cwd() / "stdin.py"
        settings = source.for_path(where.absolute())
        data = sys.stdin.buffer.read()
        results.append(Checked(None, shown, data, check_bytes(data, shown, settings, where.absolute())))
        paths = [p for p in paths if p != "-"]
    files = list(iter_files(paths, source.for_path, force_exclude))
    results.extend(_check_files(files, source, jobs))
    return results, len(results)


def _check_files(files: List[Path], source: SettingsSource, jobs: int) -> List[Checked]:
    return [check_path(path, source.for_path(path)) for path in files]


def _apply_fixes(results: List[Checked], source: SettingsSource, unsafe: bool, diff_only: bool):
    changed = 0
    updated: List[Checked] = []
    for result in results:
        decoded = decode_source(result.data) if result.findings else None
        if decoded is None:
            updated.append(result)
            continue
        text, encoding = decoded
        outcome = fix_text(text, result.findings, unsafe)
        if not outcome.applied:
            updated.append(result)
            continue
        changed += len(outcome.applied)
        new_data = outcome.text.encode(encoding)
        if diff_only:
            _emit_diff(result.shown, text, outcome.text)
            updated.append(result)
            continue
        if result.path is None:  # stdin: the fixed source goes to stdout
            sys.stdout.write(outcome.text)
            updated.append(result)
            continue
        write_atomically(result.path, new_data)
        updated.append(check_path(result.path, source.for_path(result.path)))
    return updated, changed


def _emit_diff(shown: str, before: str, after: str) -> None:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"
    )
    sys.stdout.write("".join(lines))


def _use_color(color: str, output_file) -> bool:
    if color == "always":
        return True
    if color == "never" or output_file:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _render(findings, results, fmt, color, show_source, output_file) -> str:
    if fmt in report.FORMATS:
        return report.FORMATS[fmt](findings)
    sources = None
    if show_source:
        sources = {}
        for r in results:
            decoded = decode_source(r.data) if r.findings else None
            sources[r.shown] = decoded[0].splitlines() if decoded else []
    return report.text(findings, _use_color(color, output_file), show_source, sources)


def _emit(out: str, output_file: Optional[str]) -> None:
    if output_file:
        Path(output_file).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)


@cli.command()
@click.argument("selector", required=False)
@click.option("--all", "show_all", is_flag=True, help="Explain every rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the README's rule table.")
def rule(selector, show_all, output_format) -> None:
    """Explain a rule, by CODE or NAME."""
    if output_format == "markdown":
        click.echo(rule_registry.rule_table_markdown(), nl=False)
        return
    if show_all or not selector:
        chosen = list(rule_registry.ALL_RULES)
    else:
        found = rule_registry.rule_for(selector)
        if found is None:
            click.echo(f"cio-lint: error: unknown rule {selector!r}", err=True)
            sys.exit(EXIT_ERROR)
        chosen = [found]
    if output_format == "json":
        data = [_rule_dict(r) for r in chosen]
        click.echo(json.dumps(data if show_all or not selector else data[0], indent=2))
        return
    for r in chosen:
        click.echo(f"# {r.CODE} {r.NAME}\n\n{r.summary()}\n\n{r.documentation()}\n")


def _rule_dict(r) -> dict:
    return {
        "code": r.CODE,
        "name": r.NAME,
        "summary": r.summary(),
        "default": "on" if r.DEFAULT_ENABLED else "off",
        "fix": r.FIX,
        "explanation": r.documentation(),
    }


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
    enabled = rule_registry.select_rules(settings.select, settings.ignore, settings.extend_select)
    click.echo(f"config file:     {settings.source or '(none: defaults)'}")
    click.echo(f"project root:    {project.root or '(none)'}")
    click.echo(f"sdk version:     {project.sdk_version.describe()}")
    click.echo(f"  decided by:    {project.sdk_version.source}")
    click.echo(f"region:          {settings.region or '(not configured: CIO401 is silent)'}")
    click.echo(f"events:          {', '.join(settings.events) or '(not configured: CIO502 is silent)'}")
    click.echo(f"event pattern:   {settings.event_name_pattern}")
    click.echo(f"client factories: {', '.join(settings.client_factories) or '(none)'}")
    click.echo(f"rules enabled:   {' '.join(r.CODE for r in enabled)}")


def main() -> None:
    cli(prog_name="cio-lint")


if __name__ == "__main__":
    main()
