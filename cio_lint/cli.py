"""The `cio-lint` command: click only. `check` hands one CheckOptions to cio_lint/runner.py
and renders what comes back with cio_lint/report.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cio_lint import __version__, codes, command, replay, report, sdk
from cio_lint.command import EXIT_ERROR
from cio_lint.config import OUTPUT_FORMATS, ConfigError, SettingsSource
from cio_lint.plan import summary as plan_summary
from cio_lint.project import project_for
from cio_lint.runner import JOBS_AUTO, CheckOptions, UsageError

#: Ctrl-C: 128 + SIGINT, what a shell reports for a process SIGINT stopped
EXIT_INTERRUPTED = 130


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
    options = CheckOptions(**flags)
    try:
        recording = replay.start(options)
        printed = command.check(options)
        perform(printed, options.output_file)
        replay.keep(recording, options, printed)
        code = printed.exit_code
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


def perform(printed: command.Printed, output_file) -> None:
    """Make a command's writes, in order: stderr and stdout through click, the report to -o."""
    for where, text in printed.writes:
        if where == command.REPORT:
            report.emit(text, output_file)
        elif where == command.OUT_BYTES:
            sys.stdout.buffer.write(text)
            sys.stdout.flush()
        else:
            click.echo(text, err=where == command.ERR, nl=False)


@cli.command()
@click.argument("selector", required=False, metavar="[CODE|NAME]")
@click.option("--all", "show_all", is_flag=True, help="Explain every rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the README's rule table.")
def rule(selector, show_all, output_format) -> None:
    """Explain a rule, by CODE, NAME or code prefix (CIO1: every 1xx rule): what it does, why,
    an example, the fix."""
    printed = command.explain(selector, show_all, output_format)
    perform(printed, None)
    sys.exit(printed.exit_code)


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
    if print_schema:
        from cio_lint import plan

        click.echo(plan.SCHEMA_PATH.read_text(encoding="utf-8"), nl=False)
        return
    printed = command.inventory(paths, output_format, output_file, write_plan, config_file, isolated)
    try:
        perform(printed, output_file)
    except report.OutputError as exc:
        click.echo(f"cio-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    if printed.exit_code:
        sys.exit(printed.exit_code)


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
