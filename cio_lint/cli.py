"""The `cio-lint` command: click only. `check` hands one CheckOptions to cio_lint/runner.py
and renders what comes back with cio_lint/report.py."""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import sys
from collections import Counter
from pathlib import Path

import click

from cio_lint import __version__, codes, report, sdk
from cio_lint import rules as rule_registry
from cio_lint.config import OUTPUT_FORMATS, ConfigError, SettingsSource, missing_plan_allowed
from cio_lint.plan import summary as plan_summary
from cio_lint.project import project_for
from cio_lint.runner import JOBS_AUTO, CheckOptions, UsageError
from cio_lint import runner

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: Ctrl-C: 128 + SIGINT, what a shell reports for a process SIGINT stopped
EXIT_INTERRUPTED = 130
#: ruff's words when a run finds no file to check (it exits 0 too)
NOTHING_TO_CHECK = "No Python files found under the given path(s)"


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
@click.option("--format", "--output-format", "output_format", type=click.Choice(OUTPUT_FORMATS), default=None,
              help="Output format (default: text, or output-format in config); --output-format is ruff's name.")
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
@click.option("--region", type=click.Choice(sdk.REGIONS), default=None, help="The workspace's region.")
@click.option("--sdk-version", default=None, metavar="SPEC",
              help="The customerio version or range (overrides detection).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--jobs", "-j", type=JobsParam(), default="auto", show_default=True, metavar="N|auto",
              help="Check files in this many processes; auto: one per core, when enough files use the SDK.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=True, show_default=True,
              help="Skip files git ignores (.gitignore, .git/info/exclude) when walking directories.")
@click.option("--exclude", multiple=True, metavar="GLOBS", help="Globs to skip, instead of exclude in config.")
@click.option("--extend-exclude", multiple=True, metavar="GLOBS", help="Globs to skip, besides exclude.")
@click.option("--per-file-ignores", multiple=True, metavar="GLOB:CODES",
              help="Codes to ignore in files matching GLOB (repeatable), instead of per-file-ignores in config.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied (with --fix) or available, per file.")
@click.option("--add-noqa", is_flag=True, help="Add '# noqa: CODES' to every line with findings; write the files.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Keep the cache here (default: cache-dir in config, else .cio_lint_cache at the project root).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the on-disk cache.")
def check(**flags) -> None:
    """Check PATHS (default: the current directory); '-' reads stdin.

    Exit status: 0 no findings, 1 findings (or changes with --diff), 2 usage or
    configuration error.
    """
    try:
        code = _check(CheckOptions(**flags))
    except (ConfigError, UsageError, report.OutputError) as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        code = EXIT_ERROR
    except KeyboardInterrupt:  # Ctrl-C: 128 + SIGINT, as a shell reports a process it stopped
        click.echo("cio-lint: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:  # `cio-lint check | head`: the reader has what it wanted
        report.quiet_stdout()
        code = EXIT_ERROR
    except Exception as exc:  # a bug: one line and exit 2, never a traceback (DESIGN.md §12)
        click.echo(f"cio-lint: internal error: {type(exc).__name__}: {exc}", err=True)
        code = EXIT_ERROR
    sys.exit(code)


def _warn(options: CheckOptions, message: str) -> None:
    if not options.quiet:
        click.echo(f"cio-lint: warning: {message}", err=True)


def _check(options: CheckOptions) -> int:
    _refuse_output_over_an_input(options)
    source = options.settings_source()
    if "" in options.paths:  # Path("") would be "." and check the whole working directory
        _warn(options, "an empty path names no file; skipped")
        options = dataclasses.replace(options, paths=tuple(p for p in options.paths if p))
        if not options.paths and not options.stdin_filename:
            _warn(options, NOTHING_TO_CHECK)
            return EXIT_CLEAN
    if options.unsafe_fixes and not (options.fix or options.diff):
        _warn(options, "--unsafe-fixes applies nothing without --fix or --diff "
                       "(alone it only counts unsafe fixes as fixable)")  # fmt: skip
    if options.add_noqa and (options.fix or options.diff):
        raise UsageError("--add-noqa cannot be combined with --fix or --diff")
    fmt = options.configured_format(source)
    outcome = runner.run(options, source)
    for warning in outcome.warnings:
        _warn(options, warning)
    if outcome.files_checked == 0:
        _warn(options, NOTHING_TO_CHECK)
    if options.add_noqa:
        added = runner.add_noqa(outcome.results, outcome.errors)
        click.echo(f"Added {added} noqa {'directive' if added == 1 else 'directives'}.", err=True)
        return EXIT_ERROR if _print_errors(outcome.errors) else EXIT_CLEAN
    if options.show_fixes:
        _show_fixes(outcome, options)
    if options.diff:
        report.emit("".join(outcome.diffs), options.output_file)
        if not options.quiet:
            click.echo(report.would_fix(outcome.fixed, len(outcome.diffs)), err=True)
        if _print_errors(outcome.errors):
            return EXIT_ERROR
        return EXIT_FINDINGS if outcome.diffs and not options.exit_zero else EXIT_CLEAN

    findings, results = outcome.findings, outcome.results
    stdin_fixed = options.fix and any(r.path is None for r in results)
    if stdin_fixed:
        # Like ruff: the (fixed) source goes to stdout, so the report goes to stderr.
        sys.stdout.buffer.write(next(r.data for r in results if r.path is None))
        sys.stdout.flush()
    use_color = report.use_color(options.color, options.output_file, sys.stderr if stdin_fixed else sys.stdout)
    table = ""  # --statistics beside a report a machine reads: the table goes to stderr
    if options.statistics and fmt == "json":  # one JSON document: the counts replace the findings
        out = report.statistics(findings, options.unsafe_fixes, as_json=True)
    else:
        out = report.render(findings, results, fmt, use_color, options.show_source, options.unsafe_fixes)
        if options.statistics and fmt == "text":
            out += report.statistics(findings, options.unsafe_fixes)
        elif options.statistics:
            table = report.statistics(findings, options.unsafe_fixes)
    if stdin_fixed and not options.output_file:
        click.echo(out, err=True, nl=False)
    else:
        report.emit(out, options.output_file)
    if table:
        click.echo(table, err=True, nl=False)
    if not options.quiet:
        if outcome.fixed:
            click.echo(report.fixed(outcome.fixed), err=True)
        click.echo(report.summary(findings, outcome.files_checked, options.unsafe_fixes), err=True)
    if _print_errors(outcome.errors):
        return EXIT_ERROR
    return EXIT_FINDINGS if findings and not options.exit_zero else EXIT_CLEAN


def _print_errors(errors) -> bool:
    """What made the run incomplete, after the report, one line each (the run exits 2)."""
    for error in errors:
        click.echo(f"cio-lint: error: {error}", err=True)
    return bool(errors)


def _refuse_output_over_an_input(options: CheckOptions) -> None:
    """`-o` naming a file that is being checked would overwrite the user's code with the report."""
    if not options.output_file or not os.path.exists(options.output_file):
        return
    output = os.path.realpath(options.output_file)
    for raw in options.targets():
        if raw == "-" or not os.path.exists(raw):
            continue
        target = os.path.realpath(raw)
        inside = os.path.isdir(target) and output.startswith(os.path.join(target, "")) and \
            output.endswith((".py", ".pyi"))  # fmt: skip
        if output == target or inside:
            raise UsageError(f"-o {options.output_file}: is one of the files being checked; "
                             "write the report somewhere else")  # fmt: skip


def _show_fixes(outcome, options: CheckOptions) -> None:
    """--show-fixes: per file, the fixes applied (--fix), shown (--diff) or available, on stderr."""
    if options.fix or options.diff:
        rows = outcome.applied
        verb = "Fixed" if options.fix else "Would fix"
    else:
        rows = [(f.path, f.code, f.name) for f in outcome.findings
                if f.fix is not None and (options.unsafe_fixes or f.fix.applicability == "safe")]  # fmt: skip
        verb = "Fixable"
    if not rows:
        click.echo(f"{verb}: none.", err=True)
        return
    counts: dict = {}
    for path, code, name in rows:
        counts.setdefault(path, Counter())[(code, name)] += 1
    lines = [f"{verb} {len(rows)} {'finding' if len(rows) == 1 else 'findings'}:"]
    for path in sorted(counts):
        lines.append(f"- {path}:")
        lines += [f"    {n} × {code} ({name})" for (code, name), n in sorted(counts[path].items())]
    click.echo("\n".join(lines), err=True)


@cli.command()
@click.argument("selector", required=False, metavar="[CODE|NAME]")
@click.option("--all", "show_all", is_flag=True, help="Explain every rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the README's rule table.")
def rule(selector, show_all, output_format) -> None:
    """Explain a rule, by CODE, NAME or code prefix (CIO1: every 1xx rule): what it does, why,
    an example, the fix."""
    if show_all and selector:
        click.echo("cio-lint: error: give a rule or --all, not both", err=True)
        sys.exit(EXIT_ERROR)
    if not show_all and not selector and output_format != "markdown":
        click.echo("cio-lint: error: give a rule code or name (e.g. CIO101), or --all", err=True)
        sys.exit(EXIT_ERROR)
    entries = rule_registry.explanations()
    one = False  # a code or a name asks for one rule (json: an object, not a list)
    if selector:
        one = rule_registry.rule_for(selector) is not None or selector.strip().lower() in (
            codes.PARSE_ERROR_NAME, codes.PARSE_ERROR_CODE.lower())
        entries = [e for e in entries if rule_registry.matches(e["code"], [selector.strip()])]
        if not entries:
            close = difflib.get_close_matches(selector.lower(), [e.name for e in codes.CATALOGUE], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            click.echo(f"cio-lint: error: unknown rule {selector!r}{hint}", err=True)
            sys.exit(EXIT_ERROR)
    if output_format == "markdown":
        click.echo(rule_registry.rule_table_markdown([e["code"] for e in entries] if selector else None), nl=False)
        return
    if output_format == "json":
        click.echo(json.dumps(entries[0] if one else entries, indent=2))
        return
    click.echo("\n\n".join(rule_registry.explanation_text(e) for e in entries))


@cli.command()
@click.argument("path", required=False, default=".")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--isolated", is_flag=True)
def config(path, config_file, isolated) -> None:
    """Show the settings and the SDK version that apply to PATH, and where they come from."""
    try:
        source = SettingsSource(Path(config_file) if config_file else None, isolated)
        if not path or not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
        target = Path(path).absolute()
        settings = source.for_path(target)
        project = project_for(target, settings)
    except (ConfigError, UsageError) as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    enabled = codes.selected_codes(settings.select, settings.ignore, settings.extend_select)
    click.echo(f"config file:     {settings.source or '(none: defaults)'}")
    click.echo(f"project root:    {project.root or '(none)'}")
    click.echo(f"sdk version:     {project.sdk_version.describe()}")
    click.echo(f"  decided by:    {project.sdk_version.source}")
    click.echo(f"region:          {settings.region or '(not configured: CIO401 is silent)'}")
    click.echo(f"events:          {', '.join(settings.events) or '(not configured: CIO502 is silent)'}")
    click.echo(f"event pattern:   {settings.event_name_pattern}")
    click.echo(f"client factories: {', '.join(settings.client_factories) or '(none)'}")
    plan = settings.tracking_plan
    click.echo(f"tracking plan:   {plan_summary(plan) if plan else '(none: CIO505-CIO510 are silent)'}")
    click.echo(f"rules enabled:   {' '.join(enabled)}")


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "output_format", type=click.Choice(["table", "text", "json", "csv", "markdown"]),
              default="table", show_default=True, help="Output format (text: the table).")  # fmt: skip
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the inventory to FILE instead of stdout.")  # fmt: skip
@click.option("--write-plan", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write a tracking plan the code satisfies to FILE; if FILE exists, append only what is new.")
@click.option("--schema", "print_schema", is_flag=True, help="Print the tracking plan's JSON Schema and exit.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Read [tool.cio-lint] from this pyproject.toml only.")  # fmt: skip
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
def inventory(paths, output_format, output_file, write_plan, print_schema, config_file, isolated) -> None:
    """List every event, property, person attribute and transactional message the code in
    PATHS (default: the current directory) sends, with its types and locations."""
    from cio_lint import inventory as inventory_module
    from cio_lint import plan

    if print_schema:
        click.echo(plan.SCHEMA_PATH.read_text(encoding="utf-8"), nl=False)
        return
    try:
        with missing_plan_allowed():  # --write-plan may be about to write the configured plan
            source = SettingsSource(Path(config_file) if config_file else None, isolated)
            found, errors = runner.inventory(tuple(paths), source)
        if write_plan:
            target = Path(write_plan)
            existing = target.read_text(encoding="utf-8") if target.exists() else None
            with missing_plan_allowed():
                pattern = source.for_path(Path(paths[0]) if paths else Path.cwd()).event_name_pattern
            text, added = plan.updated_plan_text(existing, found, str(target), pattern)
    except (ConfigError, UsageError, plan.PlanError) as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except OSError as exc:
        click.echo(f"cio-lint: error: {write_plan}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    for error in errors:
        click.echo(f"cio-lint: warning: {error}", err=True)
    if not write_plan:
        report.emit(inventory_module.render(found, output_format), output_file)
        return
    if text is None:
        click.echo(f"{write_plan} already lists everything the code sends.", err=True)
        return
    runner.write_plan_file(target, text, existing is None)
    verb = "wrote" if existing is None else "added to"
    click.echo(f"{verb} {write_plan}: " + ("; ".join(added) if added else "an empty plan (the code sends nothing)"),
               err=True)  # fmt: skip


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--isolated", is_flag=True)
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None)
def clean(paths, config_file, isolated, cache_dir) -> None:
    """Remove the on-disk cache of the projects around PATHS (default: the current directory)."""
    from cio_lint.runner import clean_caches

    try:
        removed = clean_caches(paths, config_file, isolated, cache_dir)
    except ConfigError as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    for directory in removed:
        click.echo(f"removed {directory}")


@cli.command()
def server() -> None:
    """Run the language server on stdin and stdout (for editors; see the README)."""
    try:
        from cio_lint.server import main as serve
    except ImportError as exc:  # pygls is the `server` extra
        click.echo(f"cio-lint: error: the language server needs pygls ({exc}): "
                   "pip install 'cio-lint[server]'", err=True)  # fmt: skip
        sys.exit(EXIT_ERROR)
    serve()


def main() -> None:
    cli(prog_name="cio-lint")


if __name__ == "__main__":
    main()
