"""What `cio-lint check` and `cio-lint inventory` print, as data: options in, an ordered list
of writes and an exit status out.

cio_lint/cli.py (click only) parses flags into a CheckOptions, calls `check()` and performs
the writes; cio_lint/replay.py keeps the same writes to replay a run whose inputs have not
changed. Keeping the output as data is what lets both happen without capturing streams.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

from cio_lint import report, runner
from cio_lint.config import ConfigError, SettingsSource, missing_plan_allowed
from cio_lint.runner import CheckOptions, Outcome, UsageError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: ruff's words when a run finds no file to check (it exits 0 too)
NOTHING_TO_CHECK = "No Python files found under the given path(s)"

#: where a write goes: stderr, stdout, the report (stdout, or the -o file), raw bytes on stdout
ERR, OUT, REPORT, OUT_BYTES = "err", "out", "report", "out-bytes"


@dataclass
class Printed:
    """A command's output in the order it is written, and its exit status."""

    writes: List[Tuple[str, Union[str, bytes]]] = field(default_factory=list)
    exit_code: int = EXIT_CLEAN
    #: the run behind it (None when the command stopped before running)
    outcome: Optional[Outcome] = None
    #: configuration and plan files the run read (cio_lint/replay.py fingerprints them)
    files_read: List[str] = field(default_factory=list)

    def err(self, text: str) -> None:
        self.writes.append((ERR, text + "\n"))  # as click.echo(text, err=True)

    def err_raw(self, text: str) -> None:
        """stderr without a newline added (tables that end in their own)."""
        self.writes.append((ERR, text))

    def report(self, text: str) -> None:
        self.writes.append((REPORT, text))


def warn(printed: Printed, options: CheckOptions, message: str) -> None:
    if not options.quiet:
        printed.err(f"cio-lint: warning: {message}")


def check(options: CheckOptions) -> Printed:
    """Run `cio-lint check` with `options`: the writes it makes and its exit status. Usage and
    configuration errors raise (ConfigError, UsageError) for the front-end to print."""
    printed = Printed()
    refuse_output_over_an_input(options)
    source = options.settings_source()
    if "" in options.paths:  # Path("") would be "." and check the whole working directory
        warn(printed, options, "an empty path names no file; skipped")
        options = dataclasses.replace(options, paths=tuple(p for p in options.paths if p))
        if not options.paths and not options.stdin_filename:
            warn(printed, options, NOTHING_TO_CHECK)
            return printed
    if options.unsafe_fixes and not (options.fix or options.diff):
        warn(printed, options, "--unsafe-fixes applies nothing without --fix or --diff "
                               "(alone it only counts unsafe fixes as fixable)")  # fmt: skip
    if options.add_noqa and (options.fix or options.diff):
        raise UsageError("--add-noqa cannot be combined with --fix or --diff")
    fmt = options.configured_format(source)
    outcome = printed.outcome = runner.run(options, source)
    printed.files_read = source.files_read()
    for warning in outcome.warnings:
        warn(printed, options, warning)
    if outcome.files_checked == 0:
        warn(printed, options, NOTHING_TO_CHECK)
    if options.add_noqa:
        added = runner.add_noqa(outcome.results, outcome.errors)
        printed.err(f"Added {added} noqa {'directive' if added == 1 else 'directives'}.")
        printed.exit_code = EXIT_ERROR if _errors(printed, outcome.errors) else EXIT_CLEAN
        return printed
    if options.show_fixes:
        printed.err(show_fixes(outcome, options))
    if options.diff:
        printed.report("".join(outcome.diffs))
        if not options.quiet:
            printed.err(report.would_fix(outcome.fixed, len(outcome.diffs)))
        if _errors(printed, outcome.errors):
            printed.exit_code = EXIT_ERROR
        else:
            printed.exit_code = EXIT_FINDINGS if outcome.diffs and not options.exit_zero else EXIT_CLEAN
        return printed
    _report(printed, options, outcome, fmt)
    if _errors(printed, outcome.errors):
        printed.exit_code = EXIT_ERROR
    else:
        printed.exit_code = EXIT_FINDINGS if outcome.findings and not options.exit_zero else EXIT_CLEAN
    return printed


def _report(printed: Printed, options: CheckOptions, outcome: Outcome, fmt: str) -> None:
    findings, results = outcome.findings, outcome.results
    stdin_fixed = options.fix and any(r.path is None for r in results)
    if stdin_fixed:
        # Like ruff: the (fixed) source goes to stdout, so the report goes to stderr.
        printed.writes.append((OUT_BYTES, next(r.data for r in results if r.path is None)))
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
        printed.err_raw(out)
    else:
        printed.report(out)
    if table:
        printed.err_raw(table)
    if not options.quiet:
        if outcome.fixed:
            printed.err(report.fixed(outcome.fixed))
        printed.err(report.summary(findings, outcome.files_checked, options.unsafe_fixes))


def _errors(printed: Printed, errors: Sequence[str]) -> bool:
    """What made the run incomplete, after the report, one line each (the run exits 2)."""
    for error in errors:
        printed.err(f"cio-lint: error: {error}")
    return bool(errors)


def refuse_output_over_an_input(options: CheckOptions) -> None:
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


def show_fixes(outcome: Outcome, options: CheckOptions) -> str:
    """--show-fixes: per file, the fixes applied (--fix), shown (--diff) or available."""
    if options.fix or options.diff:
        rows = outcome.applied
        verb = "Fixed" if options.fix else "Would fix"
    else:
        rows = [(f.path, f.code, f.name) for f in outcome.findings
                if f.fix is not None and (options.unsafe_fixes or f.fix.applicability == "safe")]  # fmt: skip
        verb = "Fixable"
    if not rows:
        return f"{verb}: none."
    counts: dict = {}
    for path, code, name in rows:
        counts.setdefault(path, Counter())[(code, name)] += 1
    lines = [f"{verb} {len(rows)} {'finding' if len(rows) == 1 else 'findings'}:"]
    for path in sorted(counts):
        lines.append(f"- {path}:")
        lines += [f"    {n} × {code} ({name})" for (code, name), n in sorted(counts[path].items())]
    return "\n".join(lines)


def inventory(paths: Sequence[str], output_format: str, output_file: Optional[str], write_plan: Optional[str],
              config_file: Optional[str], isolated: bool) -> Printed:  # fmt: skip
    """`cio-lint inventory`: the table (or the plan written), as writes."""
    from cio_lint import inventory as inventory_module
    from cio_lint import plan

    printed = Printed()
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
        printed.err(f"cio-lint: error: {exc}")
        printed.exit_code = EXIT_ERROR
        return printed
    except OSError as exc:
        printed.err(f"cio-lint: error: {write_plan}: {exc.strerror or exc}")
        printed.exit_code = EXIT_ERROR
        return printed
    for error in errors:
        printed.err(f"cio-lint: warning: {error}")
    if not write_plan:
        printed.report(inventory_module.render(found, output_format))
        return printed
    if text is None:
        printed.err(f"{write_plan} already lists everything the code sends.")
        return printed
    try:
        runner.write_plan_file(target, text, existing is None)
    except OSError as exc:
        printed.err(f"cio-lint: error: {write_plan}: {exc.strerror or exc}")
        printed.exit_code = EXIT_ERROR
        return printed
    verb = "wrote" if existing is None else "added to"
    printed.err(f"{verb} {write_plan}: " + ("; ".join(added) if added else "an empty plan (the code sends nothing)"))
    return printed


def explain(selector: Optional[str], show_all: bool, output_format: str) -> Printed:
    """`cio-lint rule`: a rule's explanation by CODE, NAME or code prefix, or every rule's
    (text, json, or the README's markdown table)."""
    import difflib
    import json

    from cio_lint import codes
    from cio_lint import rules as rule_registry

    printed = Printed()
    if show_all and selector:
        printed.err("cio-lint: error: give a rule or --all, not both")
        printed.exit_code = EXIT_ERROR
        return printed
    if not show_all and not selector and output_format != "markdown":
        printed.err("cio-lint: error: give a rule code or name (e.g. CIO101), or --all")
        printed.exit_code = EXIT_ERROR
        return printed
    entries = rule_registry.explanations()
    one = False  # a code or a name asks for one rule (json: an object, not a list)
    if selector:
        one = rule_registry.rule_for(selector) is not None or selector.strip().lower() in (
            codes.PARSE_ERROR_NAME, codes.PARSE_ERROR_CODE.lower())
        entries = [e for e in entries if rule_registry.matches(e["code"], [selector.strip()])]
        if not entries:
            close = difflib.get_close_matches(selector.lower(), [e.name for e in codes.CATALOGUE], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            printed.err(f"cio-lint: error: unknown rule {selector!r}{hint}")
            printed.exit_code = EXIT_ERROR
            return printed
    if output_format == "markdown":
        shown = [e["code"] for e in entries] if selector else None
        printed.writes.append((OUT, rule_registry.rule_table_markdown(shown)))
    elif output_format == "json":
        printed.writes.append((OUT, json.dumps(entries[0] if one else entries, indent=2) + "\n"))
    else:
        printed.writes.append((OUT, "\n\n".join(rule_registry.explanation_text(e) for e in entries) + "\n"))
    return printed
